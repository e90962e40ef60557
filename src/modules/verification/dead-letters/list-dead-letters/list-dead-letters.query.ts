import { Query } from '@nestjs/cqrs';
import type { Principal } from '@sinergi/auth';
import { invalid } from '@sinergi/common';

export const DEAD_LETTER_STATUSES = ['open', 'retried', 'all'] as const;
export type DeadLetterStatus = (typeof DEAD_LETTER_STATUSES)[number];

export interface DeadLetterView {
  id: string;
  /** VERIFICATION_FAILED (retryable), HELD_EVENT_EXPIRED or HELD_EVENT_REFUSED (an early event that could not be applied). */
  kind: string;
  queue: string;
  jobId: string;
  projectId: string;
  /** Where the project was registered: what decides which admins see the dead letter. */
  regionCode: string;
  reason: string;
  attempts: number;
  failedAt: Date;
  retriedAt: Date | null;
  retryJobId: string | null;
}

/** Dead letters of projects within the admin's regions, newest first. */
export class ListDeadLettersQuery extends Query<{ items: DeadLetterView[] }> {
  constructor(
    readonly status: DeadLetterStatus,
    readonly limit: number,
    readonly admin: Principal,
  ) {
    super();
  }
}

/** `?status=` (default open) and `?limit=` (1 to 1000, default 100) as the query takes them. */
export function parseListDeadLettersParams(status = 'open', limitRaw = '100'): { status: DeadLetterStatus; limit: number } {
  if (!(DEAD_LETTER_STATUSES as readonly string[]).includes(status)) {
    throw invalid('invalid_query', 'status must be open, retried or all', [{ path: 'status', code: 'not_allowed', message: 'status must be open, retried or all' }]);
  }
  const limit = Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw invalid('invalid_query', 'limit must be 1 to 1000', [{ path: 'limit', code: 'out_of_range', message: 'limit must be 1 to 1000' }]);
  }
  return { status: status as DeadLetterStatus, limit };
}
