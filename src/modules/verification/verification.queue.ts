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

/** What the producer knows of a request besides the job's data: whether it is the project's first look at BPJS. */
export interface VerificationToQueue extends VerifyEnrolmentJob {
  firstLook?: boolean;
}

/**
 * BullMQ priorities (1 is the highest): a project's first look goes before re-checks of projects that already have a
 * verdict, so a backfill's last project gets its first verdict as early as the BPJS limit allows, not behind the
 * re-verifications its rosters, termins and hand-overs queued for the projects before it. Every job has a priority
 * (BullMQ serves jobs without one before prioritized ones).
 */
export const FIRST_LOOK_PRIORITY = 1;
export const RECHECK_PRIORITY = 2;

/**
 * A job of the `verification` queue: up to VERIFICATION_BATCH_SIZE requests (of different projects), verified together:
 * one read of their streams, one append of their events, one transaction completing their requests.
 */
export interface VerifyBatchJob {
  requests: VerifyEnrolmentJob[];
}

/** Requests per job. The calls toward BPJS stay one per project, bounded by VERIFICATION_CONCURRENCY and the rate limit. */
export const VERIFICATION_BATCH_SIZE = 25;

/**
 * Requests per job for a worker with `concurrency` calls toward BPJS in flight: never more than it can ask at once, so a
 * batch commits after one round of BPJS latency, not several.
 */
export const verificationBatchSize = (concurrency: number) => Math.max(1, Math.min(VERIFICATION_BATCH_SIZE, concurrency));

/**
 * Requests in jobs of at most `size`, first looks in jobs of their own ahead of re-checks; a job's id is its first
 * request's (deterministic, so re-adding is a no-op) and its priority says whether it carries first looks.
 */
export function verificationBatches(requests: readonly VerificationToQueue[], size: number): { jobId: string; data: VerifyBatchJob; priority: number }[] {
  const batches: { jobId: string; data: VerifyBatchJob; priority: number }[] = [];
  for (const [firstLook, group] of [true, false].map((f) => [f, requests.filter((r) => (r.firstLook ?? false) === f)] as const)) {
    for (let i = 0; i < group.length; i += size) {
      const chunk = group.slice(i, i + size).map(({ firstLook: _, ...job }) => job);
      batches.push({ jobId: chunk[0].requestId, data: { requests: chunk }, priority: firstLook ? FIRST_LOOK_PRIORITY : RECHECK_PRIORITY });
    }
  }
  return batches;
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
