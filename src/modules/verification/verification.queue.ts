import type { JobsOptions } from 'bullmq';
import type { SinergiConfig } from '@sinergi/common';

export const VERIFICATION_QUEUE = 'verification';

/** Ids only: the job finds the project's facts (and any NIKs) in PostgreSQL when it runs. */
export interface VerifyEnrolmentJob {
  projectId: string;
  /** The job id, which is also the verification_requests row it completes. */
  requestId: string;
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

/** BullMQ connection options: workers block, so no per-request retry limit (STYLE.md, Jobs). */
export function bullConnection(config: SinergiConfig, role: 'worker' | 'producer') {
  const url = new URL(config.redisUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username || undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
  };
}
