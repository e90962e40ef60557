import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { safeError } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import type { Pool, PoolClient } from 'pg';
import { notificationJobId } from '../escalation.queues';
import { EscalationQueues } from './escalation-queues.provider';

const INTERVAL_MS = 15_000;
const GRACE_SECONDS = 5;
const LOCK = `hashtextextended('escalation-reconciler', 0)`;

export interface EscalationReconciliation {
  notifications: number;
}

/**
 * PostgreSQL is the system of record, Redis is transport (docs/architecture.md): on start and every 15 s,
 * notifications still pending whose jobs Redis no longer holds (restart, flush, failover) or holds as failed are
 * queued again under their own ids. One instance at a time (advisory lock). Ladder timers need no such pass: they
 * fire from PostgreSQL (escalation-timers.ts).
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

  /** One pass; returns how many notifications were queued again. */
  async reconcile(graceSeconds = GRACE_SECONDS): Promise<EscalationReconciliation> {
    const client = await this.pool.connect();
    const onClientError = (error: Error) => this.logger.warn({ err: safeError(error) }, 'reconciler connection lost');
    client.on('error', onClientError);
    try {
      const { rows: lock } = await client.query(`SELECT pg_try_advisory_lock(${LOCK}) AS locked`);
      if (!lock[0].locked) return { notifications: 0 };
      try {
        const result = { notifications: await this.notifications(client, graceSeconds) };
        if (result.notifications) this.logger.log(result, 'escalation reconciled');
        return result;
      } finally {
        await client.query(`SELECT pg_advisory_unlock(${LOCK})`);
      }
    } finally {
      client.off('error', onClientError);
      client.release();
    }
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
  private async lostJobs(queue: EscalationQueues['notifications'], jobIds: string[]): Promise<string[]> {
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
