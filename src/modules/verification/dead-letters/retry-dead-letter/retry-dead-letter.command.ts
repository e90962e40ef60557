import { Command } from '@nestjs/cqrs';
import type { Principal } from '@sinergi/auth';

export interface DeadLetterRetried {
  id: string;
  retried: true;
  jobId: string;
}

/** Queue a dead-lettered verification again, as a new job. */
export class RetryDeadLetterCommand extends Command<DeadLetterRetried> {
  constructor(
    readonly deadLetterId: string,
    readonly admin: Principal,
  ) {
    super();
  }
}
