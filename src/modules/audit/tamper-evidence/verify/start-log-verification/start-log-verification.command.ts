import { Command } from '@nestjs/cqrs';
import type { Principal } from '@sinergi/auth';
import type { StartedVerification } from './start-log-verification.handler';

/** Start (or join) a verification job over `regions`: prefixes already cut to the reader's scope, or undefined for the whole log (scope '*' only). */
export class StartLogVerificationCommand extends Command<StartedVerification> {
  constructor(
    readonly regions: string[] | undefined,
    readonly reader: Principal,
    readonly filters: Record<string, unknown>,
    readonly correlationId: string | null,
  ) {
    super();
  }
}
