import type { Principal } from '@sinergi/auth';

/** An official's decision on evidence a contractor handed in: confirm it, or reject it saying why. */
export class DecideEnrolmentEvidenceCommand {
  constructor(
    readonly projectId: string,
    readonly evidenceId: string,
    readonly official: Principal,
    readonly decision: { kind: 'confirm' } | { kind: 'reject'; reason: string },
    readonly correlationId: string,
  ) {}
}
