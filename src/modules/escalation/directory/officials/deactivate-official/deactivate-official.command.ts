import { Command } from '@nestjs/cqrs';
import type { Principal } from '@sinergi/auth';
import type { Official } from '../../officials.repository';

/** Deactivate an official of the admin's regions: kept for the record, no longer notified. */
export class DeactivateOfficialCommand extends Command<Official> {
  constructor(
    readonly id: string,
    readonly admin: Principal,
  ) {
    super();
  }
}
