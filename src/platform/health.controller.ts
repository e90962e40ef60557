import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, type HealthCheckResult, HealthCheckService, type HealthIndicatorResult, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type Redis from 'ioredis';
import { CLOCK, type Clock } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import { BUNDLED_HOLIDAY_YEARS, calendarDateWita } from '@sinergi/domain';
import type { Pool } from 'pg';
import { REDIS } from './redis.module';

/**
 * The warning the readiness check carries from 1 December of the year before the first year without holiday data
 * (and through that year): null while the calendar reaches far enough.
 */
export function holidayDataWarning(lastCoveredYear: number, today: string): string | null {
  const year = Number(today.slice(0, 4));
  const needed = today.slice(5) >= '12-01' ? year + 1 : year;
  if (lastCoveredYear >= needed) return null;
  return `no holiday data for ${lastCoveredYear + 1}: registration deadlines that run into it are counted on weekends only and marked provisional; import the year's decree with "npm run cli -- holidays:import <file>"`;
}

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The process is up (for restarts); says nothing about its dependencies. */
  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /**
   * Ready to take traffic: PostgreSQL and Redis both answer. The holiday calendar is up but warns from 1 December
   * of the year before a year it has no data for: deadlines running into that year are provisional.
   */
  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.db.pingCheck('database', { timeout: 2000 }), () => this.redisCheck(), () => this.calendarCheck()]);
  }

  private async calendarCheck(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('holidayCalendar');
    const { rows } = await this.pool.query<{ year: number }>('SELECT max(year) AS year FROM holiday_years');
    const lastCoveredYear = Math.max(...BUNDLED_HOLIDAY_YEARS, rows[0]?.year ?? 0);
    const warning = holidayDataWarning(lastCoveredYear, calendarDateWita(this.clock.now().toISOString()));
    return indicator.up({ lastCoveredYear, ...(warning ? { warning } : {}) });
  }

  private async redisCheck(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('redis');
    try {
      await Promise.race([this.redis.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000))]);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
