import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { assertCanWrite } from '@sinergi/auth';
import { OfficialsRepository } from '../../officials.repository';
import type { OfficialWithSecret } from '../visible-official';
import { CreateOfficialCommand } from './create-official.command';

/** With a webhook URL, the official's signing secret is generated and returned in this answer only. */
@CommandHandler(CreateOfficialCommand)
export class CreateOfficialHandler implements ICommandHandler<CreateOfficialCommand> {
  constructor(private readonly officials: OfficialsRepository) {}

  async execute({ input, admin }: CreateOfficialCommand): Promise<OfficialWithSecret> {
    assertCanWrite(admin, input.regionScope, 'this region scope');
    const { official, webhookSecret } = await this.officials.create(input);
    return webhookSecret ? { ...official, webhookSecret } : official;
  }
}
