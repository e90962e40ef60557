/** The `audit` queue: the periodic checkpoint and the verifications too big for one request. */
export const AUDIT_QUEUE = 'audit';

/** The job scheduler that writes a signed checkpoint every AUDIT_CHECKPOINT_INTERVAL_SECONDS. */
export const CHECKPOINT_SCHEDULER_ID = 'audit-checkpoint';
export const WRITE_CHECKPOINT_JOB = 'write-checkpoint';
export const VERIFY_LOG_JOB = 'verify-log';

/** Ids only: the verification's scope and requester are in its `audit_verifications` row. */
export interface VerifyLogJob {
  verificationId: string;
}

/** Deterministic, without ':' (BullMQ's key separator): queueing the same verification twice adds one job. */
export const verifyLogJobId = (verificationId: string) => `verify-log-${verificationId}`;

export const VERIFY_LOG_ATTEMPTS = 3;
