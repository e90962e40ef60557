import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { PG_POOL } from '@sinergi/database';
import type { Pool } from 'pg';
import { SinergiMetrics } from '../../platform/metrics';
import { VerificationQueue } from './verification-queue.provider';

/** Queue depth and age, and relay lag, read on scrape from Redis and PostgreSQL (shared state). */
@Injectable()
export class VerificationMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: SinergiMetrics,
    private readonly queue: VerificationQueue,
    @Inject(PG_POOL) private readonly pool: Pool,
  ) {}

  onModuleInit(): void {
    this.metrics.gauge('sinergi_queue_jobs', 'Jobs in the queue by state', ['queue', 'state'], async (g) => {
      const counts = await this.queue.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
      for (const [state, n] of Object.entries(counts)) g.set({ queue: 'verification', state }, n);
    });
    this.metrics.gauge('sinergi_queue_oldest_job_age_seconds', 'Age of the oldest waiting job', ['queue'], async (g) => {
      const [oldest] = await this.queue.queue.getWaiting(-1, -1);
      g.set({ queue: 'verification' }, oldest ? (Date.now() - oldest.timestamp) / 1000 : 0);
    });
    this.metrics.gauge('sinergi_relay_lag_events', 'Events recorded but not yet handled by the relay', ['consumer'], async (g) => {
      const { rows } = await this.pool.query(
        `SELECT c.consumer, (SELECT count(*) FROM events e WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)) AS lag
           FROM consumer_checkpoints c`,
      );
      for (const r of rows) g.set({ consumer: r.consumer }, Number(r.lag));
    });
    this.metrics.gauge('sinergi_relay_lag_seconds', 'Age of the oldest event the relay has not handled', ['consumer'], async (g) => {
      const { rows } = await this.pool.query(
        `SELECT c.consumer, COALESCE(EXTRACT(EPOCH FROM now() - (SELECT min(e.recorded_at) FROM events e
                  WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position))), 0) AS lag
           FROM consumer_checkpoints c`,
      );
      for (const r of rows) g.set({ consumer: r.consumer }, Number(r.lag));
    });
  }
}
