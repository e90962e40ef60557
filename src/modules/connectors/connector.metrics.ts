import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { PG_POOL } from '@sinergi/database';
import type { Pool } from 'pg';
import { SinergiMetrics } from '../../platform/metrics';
import { ConnectorRepository } from './connector.repository';

/** `sinergi_connector_last_success_timestamp_seconds{connector, endpoint}`, read from connector_cursors on scrape. */
@Injectable()
export class ConnectorMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: SinergiMetrics,
    @Inject(PG_POOL) private readonly pool: Pool,
  ) {}

  onModuleInit(): void {
    const repository = new ConnectorRepository(this.pool);
    this.metrics.readConnectorSuccessesFrom(() => repository.lastSuccesses());
  }
}
