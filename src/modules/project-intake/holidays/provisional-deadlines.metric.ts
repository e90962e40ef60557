import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { PG_POOL } from '@sinergi/database';
import type { Pool } from 'pg';
import { SinergiMetrics } from '../../../platform/metrics';

/**
 * Active projects whose registration deadline is provisional (counted across a year without holiday data):
 * non-zero from 1 December of the year before, until that year's decree is imported. Counted on scrape.
 */
export const PROVISIONAL_DEADLINES_SQL = `
SELECT count(*)::int AS n FROM events r
 WHERE r.type = 'ProjectRegistered'
   AND coalesce(
         (SELECT (x.data->>'provisional')::boolean FROM events x
           WHERE x.stream_id = r.stream_id AND x.type = 'RegistrationDeadlineRecomputed' ORDER BY x.stream_version DESC LIMIT 1),
         (r.data->>'registrationDeadlineProvisional')::boolean,
         false)
   AND NOT EXISTS (SELECT 1 FROM events c WHERE c.stream_id = r.stream_id AND c.type IN ('ProjectCancelled', 'ProjectCompleted'))`;

@Injectable()
export class ProvisionalDeadlinesMetric implements OnModuleInit {
  constructor(
    private readonly metrics: SinergiMetrics,
    @Inject(PG_POOL) private readonly pool: Pool,
  ) {}

  onModuleInit(): void {
    this.metrics.gauge(
      'sinergi_registration_deadlines_provisional',
      'Active projects whose registration deadline was counted across a year without holiday data (import the decree)',
      [],
      async (gauge) => {
        const { rows } = await this.pool.query<{ n: number }>(PROVISIONAL_DEADLINES_SQL);
        gauge.set(rows[0].n);
      },
    );
  }
}
