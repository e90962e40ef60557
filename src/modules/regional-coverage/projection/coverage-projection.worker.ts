import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CLOCK, type Clock, safeError } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import { EventStore, ProjectionRunner, projectionConsumerName } from '@sinergi/event-store';
import type { Pool } from 'pg';
import { SinergiMetrics } from '../../../platform/metrics';
import { reportParkedEvent } from '../../../platform/parked-events';
import { coverageProjection } from './coverage.projection';

/** Keeps the coverage tables current from the log in the worker (one instance across workers, by advisory lock). */
@Injectable()
export class CoverageProjectionWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('CoverageProjection');
  readonly runner: ProjectionRunner;

  constructor(@Inject(PG_POOL) pool: Pool, store: EventStore, metrics: SinergiMetrics, @Inject(CLOCK) clock: Clock) {
    this.runner = new ProjectionRunner(pool, store, coverageProjection, {
      onError: (error) => this.logger.warn({ err: safeError(error) }, 'coverage projection batch failed; it will be retried'),
      onParked: reportParkedEvent(projectionConsumerName(coverageProjection.name), metrics, this.logger),
      onBatch: (events) => {
        const now = clock.now().getTime();
        for (const e of events) metrics.projectionLag.observe({ projection: coverageProjection.name }, (now - e.recordedAt.getTime()) / 1000);
      },
    });
  }

  onApplicationBootstrap(): void {
    this.runner.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}
