import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { resourceNotFound } from '@sinergi/auth';
import { type Official, OfficialsRepository } from '../../officials.repository';
import { visibleOfficial } from '../visible-official';
import { DeactivateOfficialCommand } from './deactivate-official.command';

@CommandHandler(DeactivateOfficialCommand)
export class DeactivateOfficialHandler implements ICommandHandler<DeactivateOfficialCommand> {
  constructor(private readonly officials: OfficialsRepository) {}

  async execute({ id, admin }: DeactivateOfficialCommand): Promise<Official> {
    await visibleOfficial(this.officials, id, admin);
    const official = await this.officials.deactivate(id);
    if (!official) throw resourceNotFound('official');
    return official;
  }
}
