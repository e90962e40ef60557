import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { bullConnection, queuePrefixOf, safeError, SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import { DelayedError, type Job, Worker } from 'bullmq';
import type { Pool } from 'pg';
import { AUDIT_QUEUE, CHECKPOINT_SCHEDULER_ID, VERIFY_LOG_JOB, type VerifyLogJob, WRITE_CHECKPOINT_JOB } from './audit.queue';
import { AuditQueue } from './audit-queue.provider';
import { WriteCheckpointHandler } from './checkpoint/write-checkpoint/write-checkpoint.handler';
import { RunLogVerificationHandler } from './verify/run-log-verification/run-log-verification.handler';

/** How often verifications left QUEUED (their enqueue lost to a Redis outage) are queued again. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * The worker of the `audit` queue: the periodic signed checkpoint (a BullMQ job scheduler, so one checkpoint per
 * interval whatever the number of workers) and the verification jobs. Without AUDIT_SIGNING_KEY the scheduler is
 * removed and a warning logged: the log stays verifiable, only no new checkpoints are signed.
 */
@Injectable()
export class AuditJobsProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('AuditJobs');
  private worker: Worker | null = null;
  private sweeper: NodeJS.Timeout | null = null;
  /** Aborts running verifications at shutdown: a whole-log scan must not hold the process for minutes. */
  private readonly stopping = new AbortController();

  constructor(
    private readonly checkpoints: WriteCheckpointHandler,
    private readonly verifications: RunLogVerificationHandler,
    private readonly queue: AuditQueue,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SINERGI_CONFIG) private readonly config: SinergiConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const worker = new Worker(AUDIT_QUEUE, (job, token) => this.process(job, token), {
      connection: bullConnection(this.config, 'worker'),
      prefix: queuePrefixOf(this.config, AUDIT_QUEUE),
      // A whole-log verification may run for minutes; the checkpoint must not wait behind it.
      concurrency: 2,
      maxStalledCount: 2,
    });
    worker.on('error', (error) => this.logger.error({ err: error.message }, 'audit worker error'));
    worker.on('failed', (job, error) => {
      this.logger.warn({ jobId: job?.id, attempt: job?.attemptsMade, err: error.message }, 'audit job attempt failed');
      // Also reached when a job stalled too often (its worker died): the row must not stay RUNNING.
      if (job?.name === VERIFY_LOG_JOB && job.attemptsMade >= (job.opts.attempts ?? 1)) {
        void this.verifications.fail((job.data as VerifyLogJob).verificationId, error.message).catch(() => undefined);
      }
    });
    this.worker = worker;

    const everyMs = this.config.auditCheckpointIntervalSeconds * 1000;
    try {
      if (this.checkpoints.enabled) {
        // `every` runs the first one at once, then each interval.
        await this.queue.queue.upsertJobScheduler(CHECKPOINT_SCHEDULER_ID, { every: everyMs }, { name: WRITE_CHECKPOINT_JOB, opts: { removeOnComplete: 100, removeOnFail: 100 } });
      } else {
        await this.queue.queue.removeJobScheduler(CHECKPOINT_SCHEDULER_ID);
        this.logger.warn('AUDIT_SIGNING_KEY is not set: no audit checkpoints will be signed (GET /v1/audit/checkpoints says so)');
      }
    } catch (error) {
      this.logger.error({ err: safeError(error) }, 'could not schedule audit checkpoints');
    }
    await this.sweep();
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.stopping.abort(new Error('the worker is shutting down; the verification runs again'));
    await this.worker?.close();
  }

  private async process(job: Job, token?: string): Promise<unknown> {
    switch (job.name) {
      case WRITE_CHECKPOINT_JOB: {
        // A restart re-upserts the scheduler, which runs at once: an unchanged head is not signed again so soon.
        const outcome = await this.checkpoints.execute({ unchangedSkipMs: (this.config.auditCheckpointIntervalSeconds * 1000) / 2 });
        if (outcome.written) this.logger.log({ checkpointId: outcome.checkpoint.id, logHeadPosition: outcome.checkpoint.logHeadPosition, streams: outcome.checkpoint.streamCount }, 'audit checkpoint signed');
        return outcome.written ? { checkpointId: outcome.checkpoint.id } : { skipped: outcome.reason };
      }
      case VERIFY_LOG_JOB: {
        const { verificationId } = job.data as VerifyLogJob;
        try {
          const result = await this.verifications.execute(verificationId, this.stopping.signal);
          return result ? { ok: result.ok, scannedEvents: result.scannedEvents } : { skipped: 'finished already' };
        } catch (error) {
          // Stopped by a shutdown: back to the queue without spending an attempt; any worker picks it up again.
          if (this.stopping.signal.aborted && token) {
            await job.moveToDelayed(Date.now() + 1000, token);
            throw new DelayedError();
          }
          if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await this.verifications.fail(verificationId, (error as Error).message);
          throw error;
        }
      }
      default:
        this.logger.warn({ jobId: job.id, name: job.name }, 'unknown audit job');
        return null;
    }
  }

  /** Queues again the verifications still QUEUED a minute after they were asked for. */
  private async sweep(): Promise<void> {
    try {
      const { rows } = await this.pool.query<{ id: string }>(
        `SELECT id FROM audit_verifications WHERE status = 'QUEUED' AND created_at < now() - interval '1 minute' ORDER BY created_at LIMIT 100`,
      );
      await this.queue.enqueueVerifications(rows.map((r) => r.id));
    } catch (error) {
      this.logger.warn({ err: safeError(error) }, 'could not re-queue pending verifications');
    }
  }
}
