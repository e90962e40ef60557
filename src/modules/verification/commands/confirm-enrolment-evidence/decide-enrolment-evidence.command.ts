import { Command } from '@nestjs/cqrs';
import type { Principal } from '@sinergi/auth';

export interface EvidenceDecided {
  projectId: string;
  evidenceId: string;
  status: 'CONFIRMED' | 'REJECTED';
}

/** An official's decision on evidence a contractor handed in: confirm it, or reject it saying why. */
export class DecideEnrolmentEvidenceCommand extends Command<EvidenceDecided> {
  constructor(
    readonly projectId: string,
    readonly evidenceId: string,
    readonly official: Principal,
    readonly decision: { kind: 'confirm' } | { kind: 'reject'; reason: string },
    readonly correlationId: string,
  ) {
    super();
  }
}
