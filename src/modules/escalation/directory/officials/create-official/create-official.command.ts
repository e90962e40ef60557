import { Command } from '@nestjs/cqrs';
import type { Principal } from '@sinergi/auth';
import type { CreateOfficialInput } from '../../officials.repository';
import type { OfficialWithSecret } from '../visible-official';

/** Add an official to the directory, within the admin's regions. */
export class CreateOfficialCommand extends Command<OfficialWithSecret> {
  constructor(
    readonly input: CreateOfficialInput,
    readonly admin: Principal,
  ) {
    super();
  }
}
