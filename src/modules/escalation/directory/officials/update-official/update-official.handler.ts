import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { resourceNotFound } from '@sinergi/auth';
import { OfficialsRepository } from '../../officials.repository';
import { type OfficialWithSecret, visibleOfficial } from '../visible-official';
import { UpdateOfficialCommand } from './update-official.command';

/** Scope first (404 alike for unknown and out of scope), then the change; a subject linked elsewhere is 409. */
@CommandHandler(UpdateOfficialCommand)
export class UpdateOfficialHandler implements ICommandHandler<UpdateOfficialCommand> {
  constructor(private readonly officials: OfficialsRepository) {}

  async execute({ id, patch, admin }: UpdateOfficialCommand): Promise<OfficialWithSecret> {
    await visibleOfficial(this.officials, id, admin);
    const result = await this.officials.update(id, patch);
    if (!result) throw resourceNotFound('official');
    return result.webhookSecret ? { ...result.official, webhookSecret: result.webhookSecret } : result.official;
  }
}
