import { Command } from '@nestjs/cqrs';
import type { Principal } from '@sinergi/auth';
import type { UpdateOfficialInput } from '../../officials.repository';
import type { OfficialWithSecret } from '../visible-official';

/** Change an official of the admin's regions; a first webhook URL returns its new secret once. */
export class UpdateOfficialCommand extends Command<OfficialWithSecret> {
  constructor(
    readonly id: string,
    readonly patch: UpdateOfficialInput,
    readonly admin: Principal,
  ) {
    super();
  }
}
