import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CLOCK, type Clock, safeError } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import type { Pool, PoolClient } from 'pg';
import { notificationJobId } from '../escalation.queues';
import { EscalationQueues } from './escalation-queues.provider';

const INTERVAL_MS = 15_000;
const GRACE_SECONDS = 5;
/** Timers due within this horizon are checked each pass: a lost timer only needs to exist again before it is due. */
const HORIZON_SECONDS = 600;
const LOCK = `hashtextextended('escalation-reconciler', 0)`;

export interface EscalationReconciliation {
  timers: number;
  notifications: number;
}

/**
 * PostgreSQL is the system of record, Redis is transport (docs/architecture.md): on start and every 15 s, timers not yet fired
 * and due within ten minutes (or overdue), and notifications still pending, whose jobs Redis no longer holds
 * (restart, flush, failover) or holds as failed, are queued again under their own ids, with their original due
 * times. One instance at a time (advisory lock).
 */
@Injectable()
export class EscalationReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('EscalationReconciler');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly queues: EscalationQueues,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const tick = () => {
      this.running = this.reconcile()
        .catch((error) => this.logger.warn({ err: safeError(error) }, 'escalation reconciliation failed; will try again'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, INTERVAL_MS);
        });
    };
    tick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One pass; returns how many timers and notifications were queued again. */
  async reconcile(graceSeconds = GRACE_SECONDS): Promise<EscalationReconciliation> {
    const client = await this.pool.connect();
    const onClientError = (error: Error) => this.logger.warn({ err: safeError(error) }, 'reconciler connection lost');
    client.on('error', onClientError);
    try {
      const { rows: lock } = await client.query(`SELECT pg_try_advisory_lock(${LOCK}) AS locked`);
      if (!lock[0].locked) return { timers: 0, notifications: 0 };
      try {
        const result = { timers: await this.timers(client, graceSeconds), notifications: await this.notifications(client, graceSeconds) };
        if (result.timers || result.notifications) this.logger.log(result, 'escalation reconciled');
        return result;
      } finally {
        await client.query(`SELECT pg_advisory_unlock(${LOCK})`);
      }
    } finally {
      client.off('error', onClientError);
      client.release();
    }
  }

  private async timers(client: PoolClient, graceSeconds: number): Promise<number> {
    let restored = 0;
    for (let after = ''; ; ) {
      const { rows } = await client.query<{ job_id: string; case_id: string; level: number; due_at: Date }>(
        `SELECT job_id, case_id, level, due_at FROM escalation_timers
          WHERE fired_at IS NULL AND cancelled_at IS NULL AND job_id > $1
            AND created_at < now() - make_interval(secs => $2) AND due_at < now() + make_interval(secs => $3)
          ORDER BY job_id LIMIT 2000`,
        [after, graceSeconds, HORIZON_SECONDS],
      );
      if (rows.length === 0) break;
      const lost = new Set(await this.lostJobs(this.queues.timers, rows.map((r) => r.job_id)));
      const again = rows.filter((r) => lost.has(r.job_id)).map((r) => ({ caseId: r.case_id, level: r.level, dueAt: new Date(r.due_at) }));
      await this.queues.scheduleTimers(again, this.clock.now().getTime());
      restored += again.length;
      after = rows[rows.length - 1].job_id;
    }
    return restored;
  }

  private async notifications(client: PoolClient, graceSeconds: number): Promise<number> {
    let restored = 0;
    for (let after = '00000000-0000-0000-0000-000000000000'; ; ) {
      const { rows } = await client.query<{ id: string }>(
        `SELECT id FROM notifications
          WHERE status = 'PENDING' AND created_at < now() - make_interval(secs => $2) AND id > $1
          ORDER BY id LIMIT 2000`,
        [after, graceSeconds],
      );
      if (rows.length === 0) break;
      const lost = new Set(await this.lostJobs(this.queues.notifications, rows.map((r) => notificationJobId(r.id))));
      const again = rows.filter((r) => lost.has(notificationJobId(r.id))).map((r) => r.id);
      await this.queues.enqueueNotifications(again);
      restored += again.length;
      after = rows[rows.length - 1].id;
    }
    return restored;
  }

  /** Jobs Redis no longer holds, or holds as failed (removed here so they can be added again under the same id). */
  private async lostJobs(queue: EscalationQueues['timers'] | EscalationQueues['notifications'], jobIds: string[]): Promise<string[]> {
    const lost: string[] = [];
    for (let i = 0; i < jobIds.length; i += 200) {
      const chunk = jobIds.slice(i, i + 200);
      // One script call per job (no job data read): 'unknown' when Redis lost it.
      const states = await Promise.all(chunk.map((id) => queue.getJobState(id)));
      await Promise.all(
        chunk.map(async (id, k) => {
          if (states[k] === 'unknown') return lost.push(id);
          if (states[k] === 'failed') {
            await queue.remove(id).catch(() => 0);
            lost.push(id);
          }
        }),
      );
    }
    return lost;
  }
}
