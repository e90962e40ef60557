import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPublic } from './openapi/security';
import { HealthCheck, type HealthCheckResult, HealthCheckService, type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { CLOCK, type Clock, type RedisClient } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import { BUNDLED_HOLIDAY_YEARS, todayWita } from '@sinergi/domain';
import type { Pool } from 'pg';
import { REDIS } from './redis.module';

/** How long PostgreSQL and Redis each have to answer a readiness check. */
const CHECK_TIMEOUT_MS = 2000;

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
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The process is up (for restarts); says nothing about its dependencies. */
  @Get('live')
  @HealthCheck()
  @ApiPublic()
  @ApiOperation({ summary: 'Liveness: the process is up (for restarts); says nothing about its dependencies' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /**
   * Ready to take traffic: PostgreSQL and Redis both answer. The holiday calendar is up but warns from 1 December
   * of the year before a year it has no data for: deadlines running into that year are provisional.
   */
  @Get('ready')
  @HealthCheck()
  @ApiPublic()
  @ApiOperation({ summary: 'Readiness: PostgreSQL and Redis both answer (503 when one does not); the holiday calendar warns ahead of a year without data' })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.databaseCheck(), () => this.redisCheck(), () => this.calendarCheck()]);
  }

  private async calendarCheck(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('holidayCalendar');
    const { rows } = await this.pool.query<{ year: number }>('SELECT max(year) AS year FROM holiday_years');
    const lastCoveredYear = Math.max(...BUNDLED_HOLIDAY_YEARS, rows[0]?.year ?? 0);
    const warning = holidayDataWarning(lastCoveredYear, todayWita(this.clock.now()));
    return indicator.up({ lastCoveredYear, ...(warning ? { warning } : {}) });
  }

  private databaseCheck(): Promise<HealthIndicatorResult> {
    return this.answers('database', () => this.pool.query('SELECT 1'));
  }

  private redisCheck(): Promise<HealthIndicatorResult> {
    return this.answers('redis', () => this.redis.ping());
  }

  /** Up when `ping` succeeds within the check timeout; down with the reason otherwise. */
  private async answers(key: string, ping: () => Promise<unknown>): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([ping(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS)))]);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    } finally {
      clearTimeout(timer);
    }
  }
}
