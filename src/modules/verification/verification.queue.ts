import type { JobsOptions } from 'bullmq';
import type { SinergiConfig } from '@sinergi/common';

export const VERIFICATION_QUEUE = 'verification';

/** Ids only: the job finds the project's facts (and any NIKs) in PostgreSQL when it runs. */
export interface VerifyEnrolmentJob {
  projectId: string;
  /** The job id, which is also the verification_requests row it completes. */
  requestId: string;
  /** W3C trace context of the relay span that queued it (tracing on only); the job's span continues it. */
  traceparent?: string;
}

/** Deterministic, and without ':' (BullMQ's key separator): the relay may enqueue the same request twice. */
export const verificationJobId = (projectId: string, suffix: string) => `verify-${projectId}-${suffix}`;

export function verificationJobOptions(config: SinergiConfig): JobsOptions {
  return {
    attempts: config.verification.attempts,
    backoff: { type: 'exponential', delay: config.verification.backoffMs, jitter: 0.5 },
    removeOnComplete: { age: 3600, count: 50_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}
