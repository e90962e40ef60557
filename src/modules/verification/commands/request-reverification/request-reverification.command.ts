import { Command } from '@nestjs/cqrs';
import type { Principal } from '@sinergi/auth';

export interface ReverificationRequested {
  projectId: string;
  requested: true;
}

/** An official's (or admin's) request that BPJS be asked about the project again now. */
export class RequestReverificationCommand extends Command<ReverificationRequested> {
  constructor(
    readonly projectId: string,
    readonly requester: Principal,
  ) {
    super();
  }
}
