import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { CLOCK, type Clock } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import type { Pool } from 'pg';
import { SinergiMetrics } from '../../platform/metrics';

/**
 * Relay lag, read on scrape from PostgreSQL (shared state); the queue gauges are platform/queue-metrics.ts. The age
 * of an event is measured on this process's clock, the one its `recorded_at` was written with (as the relays'
 * histograms do): PostgreSQL's now() is another host's clock, and after this host's clock stepped a day ahead the
 * gauge read -86400 s for a relay stuck on new events, below any alert.
 */
@Injectable()
export class VerificationMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: SinergiMetrics,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.metrics.gauge('sinergi_relay_lag_events', 'Events recorded but not yet handled by the relay', ['consumer'], async (g) => {
      const { rows } = await this.pool.query(
        `SELECT c.consumer, (SELECT count(*) FROM events e WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)) AS lag
           FROM consumer_checkpoints c`,
      );
      for (const r of rows) g.set({ consumer: r.consumer }, Number(r.lag));
    });
    this.metrics.gauge('sinergi_relay_lag_seconds', 'Age of the oldest event the relay has not handled', ['consumer'], async (g) => {
      const { rows } = await this.pool.query(
        `SELECT c.consumer, COALESCE(EXTRACT(EPOCH FROM $1::timestamptz - (SELECT min(e.recorded_at) FROM events e
                  WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position))), 0) AS lag
           FROM consumer_checkpoints c`,
        [this.clock.now()],
      );
      for (const r of rows) g.set({ consumer: r.consumer }, Number(r.lag));
    });
  }
}
