import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CLOCK, type Clock, type SinergiConfig, SINERGI_CONFIG, safeError } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import { addCalendarDays, todayWita } from '@sinergi/domain';
import { projectIdOfStreamSql } from '../../project-intake/construction-project.events';
import type { Pool } from 'pg';
import { VerificationQueue } from '../verification-queue.provider';

/** How often the reconciler looks, and how old a pending request must be before it is re-queued. */
const INTERVAL_MS = 15_000;
const GRACE_SECONDS = 5;
/** Contract ends this many days back still get their check after downtime; older ones wait for the periodic re-check. */
const END_CHECK_CATCH_UP_DAYS = 7;
/** The project id of a registration event's stream (`r`, a `project-<uuid>` stream). */
const PROJECT_ID = projectIdOfStreamSql('r.stream_id');

/**
 * PostgreSQL is the system of record, Redis is transport (docs/architecture.md): on start and periodically,
 * the verification requests still pending in PostgreSQL whose jobs Redis lost (restart, flush, failover) are queued
 * again (`requeueLost`). It also schedules the periodic re-check of
 * active projects, once per interval. One instance at a time (advisory lock).
 */
@Injectable()
export class VerificationReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('VerificationReconciler');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  /** The re-check period already scheduled by this instance (the insert is idempotent across restarts). */
  private scheduledPeriod: number | null = null;
  /** The WITA day whose contract-end checks this instance already scheduled. */
  private scheduledEndDay: string | null = null;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly queue: VerificationQueue,
    @Inject(SINERGI_CONFIG) private readonly config: SinergiConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const tick = () => {
      this.running = this.reconcile()
        .catch((error) => this.logger.warn({ err: safeError(error) }, 'reconciliation failed; will try again'))
        .finally(() => (this.timer = setTimeout(tick, INTERVAL_MS)));
    };
    tick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One pass; returns what it did (for tests and logs). */
  async reconcile(graceSeconds = GRACE_SECONDS): Promise<{ requeued: number; scheduled: number }> {
    const client = await this.pool.connect();
    const onClientError = (error: Error) => this.logger.warn({ err: safeError(error) }, 'reconciler connection lost');
    client.on('error', onClientError);
    try {
      const { rows: lock } = await client.query(`SELECT pg_try_advisory_lock(hashtextextended('verification-reconciler', 0)) AS locked`);
      if (!lock[0].locked) return { requeued: 0, scheduled: 0 };
      try {
        const scheduled = (await this.schedulePeriodicRecheck(client)) + (await this.scheduleContractEndChecks(client));
        const requeued = await this.requeueLost(client, graceSeconds);
        if (requeued || scheduled) this.logger.log({ requeued, scheduled }, 'verification reconciled');
        return { requeued, scheduled };
      } finally {
        await client.query(`SELECT pg_advisory_unlock(hashtextextended('verification-reconciler', 0))`);
      }
    } finally {
      client.off('error', onClientError);
      client.release();
    }
  }

  /**
   * Requests pending in PostgreSQL while Redis holds no verification job at all were lost (restart, flush, failover):
   * they are queued again, in new batch jobs. One round trip to Redis per pass, however many requests are pending; while
   * jobs are queued or running nothing is asked of PostgreSQL either, and a loss is repaired once the queue drains. A
   * request queued twice costs a read: a verification completes every pending request of its project, and a batch
   * skips projects with none.
   */
  private async requeueLost(client: import('pg').PoolClient, graceSeconds: number): Promise<number> {
    if (!(await this.queue.idle())) return 0;
    let requeued = 0;
    const pass = String(this.clock.now().getTime());
    for (let after = ''; ; ) {
      const { rows } = await client.query<{ job_id: string; project_id: string }>(
        `SELECT job_id, project_id FROM verification_requests
          WHERE completed_at IS NULL AND created_at < now() - make_interval(secs => $1) AND job_id > $2
          ORDER BY job_id LIMIT 2000`,
        [graceSeconds, after],
      );
      if (rows.length === 0) return requeued;
      await this.queue.enqueue(rows.map((r) => ({ projectId: r.project_id, requestId: r.job_id })), `requeued-${pass}`);
      requeued += rows.length;
      after = rows[rows.length - 1].job_id;
    }
  }

  /**
   * Active (registered, not cancelled or completed) projects registered more than an interval ago get one re-check
   * per interval. Both the period and a project's age are measured on this process's clock, the one `recorded_at` was
   * written with: PostgreSQL's now() is another host's clock, and a day between the two (an NTP step here) made every
   * project look freshly registered to the pass of the new period, whose re-checks were then skipped.
   */
  private async schedulePeriodicRecheck(client: import('pg').PoolClient): Promise<number> {
    const hours = this.config.verification.recheckIntervalHours;
    if (hours === 0) return 0;
    const now = this.clock.now();
    const period = Math.floor(now.getTime() / (hours * 3600_000));
    if (period === this.scheduledPeriod) return 0;
    const { rows } = await client.query<{ job_id: string; project_id: string }>(
      `INSERT INTO verification_requests (job_id, project_id, trigger_type, trigger_recorded_at)
       SELECT 'verify-' || ${PROJECT_ID} || '-periodic' || $1, ${PROJECT_ID}, 'PeriodicRecheck', now()
         FROM events r
        WHERE r.type = 'ProjectRegistered'
          AND r.recorded_at < $3::timestamptz - make_interval(hours => $2)
          AND NOT EXISTS (SELECT 1 FROM events c WHERE c.stream_id = r.stream_id AND c.type IN ('ProjectCancelled', 'ProjectCompleted'))
       ON CONFLICT (job_id) DO NOTHING RETURNING job_id, project_id`,
      [String(period), hours, now],
    );
    await this.queue.enqueue(rows.map((r) => ({ projectId: r.project_id, requestId: r.job_id })));
    this.scheduledPeriod = period;
    return rows.length;
  }

  /**
   * The day after an active project's (amended) end date, one verification: instalments still unpaid become a
   * shortfall then, so the verdict changes on the day rather than at the next periodic re-check. Once per WITA day;
   * the job id names the end date, so an amendment that moves it gets a check of its own.
   */
  private async scheduleContractEndChecks(client: import('pg').PoolClient): Promise<number> {
    const today = todayWita(this.clock.now());
    if (this.scheduledEndDay === today) return 0;
    const { rows } = await client.query<{ job_id: string; project_id: string }>(
      `WITH active AS (
         SELECT r.stream_id, ${PROJECT_ID} AS project_id,
                coalesce((SELECT a.data->>'endDate' FROM events a
                           WHERE a.stream_id = r.stream_id AND a.type = 'ContractAmended' AND a.data->>'endDate' IS NOT NULL
                           ORDER BY a.stream_version DESC LIMIT 1), r.data->>'endDate') AS end_date
           FROM events r
          WHERE r.type = 'ProjectRegistered'
            AND NOT EXISTS (SELECT 1 FROM events c WHERE c.stream_id = r.stream_id AND c.type IN ('ProjectCancelled', 'ProjectCompleted'))
       )
       INSERT INTO verification_requests (job_id, project_id, trigger_type, trigger_recorded_at)
       SELECT 'verify-' || project_id || '-contract-ended-' || end_date, project_id, 'ContractPeriodEnded', now()
         FROM active WHERE end_date < $1 AND end_date >= $2
       ON CONFLICT (job_id) DO NOTHING RETURNING job_id, project_id`,
      [today, addCalendarDays(today, -END_CHECK_CATCH_UP_DAYS)],
    );
    await this.queue.enqueue(rows.map((r) => ({ projectId: r.project_id, requestId: r.job_id })));
    this.scheduledEndDay = today;
    return rows.length;
  }
}
