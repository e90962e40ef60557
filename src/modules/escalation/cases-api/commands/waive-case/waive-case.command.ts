import { Command } from '@nestjs/cqrs';
import type { Principal } from '@sinergi/auth';
import type { CaseSummary } from '../../case-summary';

/** An official of a position that may waive ends the case, saying why. */
export class WaiveCaseCommand extends Command<CaseSummary> {
  constructor(
    readonly caseId: string,
    readonly official: Principal,
    readonly justification: string,
    readonly correlationId: string,
  ) {
    super();
  }
}
