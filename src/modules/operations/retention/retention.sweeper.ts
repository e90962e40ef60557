import { type BeforeApplicationShutdown, Inject, Injectable, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { CLOCK, type Clock, safeError, SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import type { Pool } from 'pg';
import { applyRetention, type RetentionReport } from './retention';

/** How often the worker applies the retention periods: days are the unit, an hour is plenty. */
const INTERVAL_MS = 3_600_000;

/**
 * In the worker, as its other sweeps: applies the retention periods (`applyRetention`) once at start-up and every
 * hour after. Several workers may run it at once: each deletes what is past its period, and a row is deleted once.
 */
@Injectable()
export class RetentionSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Retention');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SINERGI_CONFIG) private readonly config: SinergiConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const tick = () => {
      this.running = this.sweep()
        .catch((error) => this.logger.warn({ err: safeError(error) }, 'applying retention failed; will try again'))
        .finally(() => {
          this.timer = setTimeout(tick, INTERVAL_MS);
          this.timer.unref();
        });
    };
    tick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One pass; returns what it deleted. */
  async sweep(): Promise<RetentionReport> {
    const report = await applyRetention(this.pool, this.config.retention, this.clock.now());
    if (Object.values(report).some((n) => n > 0)) this.logger.log(report, 'retention applied');
    return report;
  }
}

/** The worker's retention sweep. */
@Module({ providers: [RetentionSweeper] })
export class RetentionWorkerModule {}
