import { Command } from '@nestjs/cqrs';
import type { Principal } from '@sinergi/auth';
import type { CaseSummary } from '../../case-summary';

/** An official records having seen the case's current level. */
export class AcknowledgeCaseCommand extends Command<CaseSummary> {
  constructor(
    readonly caseId: string,
    readonly official: Principal,
    readonly note: string,
    readonly correlationId: string,
  ) {
    super();
  }
}
