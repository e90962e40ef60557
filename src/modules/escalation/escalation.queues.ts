import type { JobsOptions } from 'bullmq';
import { v5 as uuidv5 } from 'uuid';
import type { SinergiConfig } from '@sinergi/common';

/** One job per notification row: e-mail, webhook or inbox. (Ladder timers are rows in PostgreSQL, not jobs.) */
export const NOTIFICATION_QUEUE = 'notification';

/** A ladder timer as it fires: ids only, the case stream is read then (escalation-timers.ts). */
export interface EscalationTimerJob {
  caseId: string;
  /** The level whose wait elapses. */
  level: number;
}

/** Ids only: the recipient's address and the message's content are read from PostgreSQL when the job runs. */
export interface DeliverNotificationJob {
  notificationId: string;
  /** W3C trace context of the case event that planned it (tracing on only); the delivery's span continues it. */
  traceparent?: string;
}

/** The job id of a notification: its row id (a UUID, so no ':'). */
export const notificationJobId = (notificationId: string) => `notify-${notificationId}`;

const CASE_NAMESPACE = '4c1f3e0a-2b6d-5c8e-9a7f-73070e5ca1a7';
const NOTIFICATION_NAMESPACE = '8d2e6b14-9c3a-5f71-b0e4-73070a11ce55';

/** The n-th case (1, 2, …) of a project: a project that relapses after a resolved case opens a new one. */
export const caseIdFor = (projectId: string, ordinal: number) => uuidv5(`${projectId}\ncase\n${ordinal}`, CASE_NAMESPACE);

/**
 * A notification's id from what makes it unique (the case, the level or the hold event, the channel and the
 * recipient), so creating it twice creates one row: a level is never notified twice to the same recipient.
 */
export const notificationIdFor = (key: { caseId: string; cause: string; channel: string; recipientKind: string; recipientId: string }) =>
  uuidv5([key.caseId, key.cause, key.channel, key.recipientKind, key.recipientId].join('\n'), NOTIFICATION_NAMESPACE);

export function notificationJobOptions(config: SinergiConfig): JobsOptions {
  return {
    attempts: config.escalation.notificationAttempts,
    backoff: { type: 'exponential', delay: config.escalation.notificationBackoffMs, jitter: 0.5 },
    removeOnComplete: { age: 3600, count: 50_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}
