import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PG_POOL } from '@sinergi/database';
import { BUNDLED_HOLIDAY_YEARS, BUNDLED_HOLIDAYS, HolidayCalendar, type HolidayEntry } from '@sinergi/domain';
import type { Pool, PoolClient } from 'pg';

/** How often a process looks for holidays another process imported. */
const REFRESH_MS = 60_000;

/** The holidays imported into the database (`holidays`, `holiday_years`), as calendar entries and years. */
export async function readImportedHolidays(db: Pool | PoolClient): Promise<{ entries: HolidayEntry[]; years: number[] }> {
  const [{ rows: years }, { rows }] = await Promise.all([
    db.query<{ year: number }>('SELECT year FROM holiday_years ORDER BY year'),
    db.query(`SELECT to_char(date, 'YYYY-MM-DD') AS date, name, kind, region_prefix, provisional FROM holidays ORDER BY date`),
  ]);
  return {
    years: years.map((r) => r.year),
    entries: rows.map((r) => ({
      date: r.date,
      name: r.name,
      kind: r.kind,
      ...(r.region_prefix ? { regionPrefix: r.region_prefix } : {}),
      ...(r.provisional ? { provisional: true } : {}),
    })),
  };
}

/**
 * The calendar each region's deadlines are counted with: the bundled decrees, plus every year imported since
 * (an imported year replaces the bundled one). Loaded at start and refreshed every minute, so a year imported
 * through the CLI reaches every API process without a restart.
 */
@Injectable()
export class HolidayCalendars implements OnModuleInit, OnApplicationShutdown {
  private imported: { entries: HolidayEntry[]; years: number[] } = { entries: [], years: [] };
  private readonly byRegion = new Map<string, HolidayCalendar>();
  private timer: NodeJS.Timeout | null = null;

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async onModuleInit(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Reads the imported years again; the calendars are rebuilt on next use when anything changed. */
  async refresh(): Promise<void> {
    const next = await readImportedHolidays(this.pool);
    if (JSON.stringify(next) === JSON.stringify(this.imported)) return;
    this.imported = next;
    this.byRegion.clear();
  }

  forRegion(regionCode: string): HolidayCalendar {
    let calendar = this.byRegion.get(regionCode);
    if (!calendar) {
      calendar = buildCalendar(this.imported, regionCode);
      this.byRegion.set(regionCode, calendar);
    }
    return calendar;
  }

  /** The last year deadlines can be counted with holiday data for. */
  lastCoveredYear(): number {
    return Math.max(...BUNDLED_HOLIDAY_YEARS, ...this.imported.years);
  }
}

/** Bundled plus imported holidays; a year that was imported replaces the bundled entries of that year. */
export function buildCalendar(imported: { entries: readonly HolidayEntry[]; years: readonly number[] }, regionCode?: string): HolidayCalendar {
  const replaced = new Set(imported.years);
  const entries = [...BUNDLED_HOLIDAYS.filter((e) => !replaced.has(Number(e.date.slice(0, 4)))), ...imported.entries];
  return HolidayCalendar.fromData(entries, regionCode, [...new Set([...BUNDLED_HOLIDAY_YEARS, ...imported.years])]);
}
