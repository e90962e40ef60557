import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { assertCanRead, belowPattern, inRegionSql, resourceNotFound } from '@sinergi/auth';
import { CLOCK, type Clock } from '@sinergi/common';
import { addMonths, type IsoDate, isYearMonth, parseRegionCode, type RegionLevel, todayWita, toMonthNumber, type YearMonth, yearMonthOf } from '@sinergi/domain';
import { GetRegionSeriesQuery } from './get-region-series.query';
import type { CoverageSummary } from '../../projection/coverage-figures';
import { figuresFromDatabase, sumColumns, sumsAsText } from '../coverage-view';
import { toCoverageSummary } from '../../projection/coverage-figures';
import { invalidParam } from '../region-params';
import { ReadDatabase } from '../../../../platform/read-routing';

export interface CoverageMonth extends CoverageSummary {
  /** Projects whose contract date (WITA) falls in this month, as they stand today. */
  month: YearMonth;
}

export interface RegionSeries {
  regionCode: string;
  name: string;
  level: RegionLevel;
  from: YearMonth;
  to: YearMonth;
  /** Every month from `from` to `to`, zeros included. */
  months: CoverageMonth[];
}

/** The longest series one request may ask for: ten years. */
export const MAX_SERIES_MONTHS = 120;
/** Without `from`, a series covers the twelve months up to `to`. */
export const DEFAULT_SERIES_MONTHS = 12;


/** Reads `?from=YYYY-MM&to=YYYY-MM`: `to` defaults to this month (WITA), `from` to eleven months before `to`. */
export function seriesRange(fromRaw: string | undefined, toRaw: string | undefined, today: IsoDate): { from: YearMonth; to: YearMonth } {
  for (const [name, value] of [['from', fromRaw], ['to', toRaw]] as const) {
    if (value !== undefined && !isYearMonth(value)) throw invalidParam(name, 'invalid_month', `${name} must be a month YYYY-MM`);
  }
  const to = toRaw ?? yearMonthOf(today);
  const from = fromRaw ?? addMonths(to, -(DEFAULT_SERIES_MONTHS - 1));
  if (from > to) throw invalidParam('from', 'after_to', 'from must not be after to');
  if (toMonthNumber(to) - toMonthNumber(from) + 1 > MAX_SERIES_MONTHS) throw invalidParam('from', 'range_too_long', `a series covers at most ${MAX_SERIES_MONTHS} months`);
  return { from, to };
}

/**
 * Every month in range, joined to the sums of the region's cells by contract month: one statement. No row for an
 * unknown region (→ 404).
 */
const SERIES_SQL = `
WITH sums AS (
  SELECT contract_month, ${sumColumns()}
    FROM coverage_cells
   WHERE ${inRegionSql('region_code', '$1', '$2')} AND contract_month >= $3::date AND contract_month <= $4::date
   GROUP BY 1
)
SELECT r.code, r.name, r.level, to_char(m.month, 'YYYY-MM') AS month, ${sumsAsText('s')}
  FROM regions r
 CROSS JOIN generate_series($3::date, $4::date, interval '1 month') AS m(month)
  LEFT JOIN sums s ON s.contract_month = m.month::date
 WHERE r.code = $1
 ORDER BY m.month`;

@QueryHandler(GetRegionSeriesQuery)
export class GetRegionSeriesHandler implements IQueryHandler<GetRegionSeriesQuery> {
  constructor(
    private readonly reads: ReadDatabase,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ regionCode, range, reader }: GetRegionSeriesQuery): Promise<RegionSeries> {
    if (parseRegionCode(regionCode) === null) throw resourceNotFound('region');
    assertCanRead(reader, regionCode, 'region');
    const { from, to } = seriesRange(range.from, range.to, todayWita(this.clock.now()));
    const pool = await this.reads.pool();
    const { rows } = await pool.query(SERIES_SQL, [regionCode, belowPattern(regionCode), `${from}-01`, `${to}-01`]);
    if (rows.length === 0) throw resourceNotFound('region');
    return {
      regionCode,
      name: rows[0].name,
      level: rows[0].level,
      from,
      to,
      months: rows.map((r) => ({ month: r.month, ...toCoverageSummary(figuresFromDatabase(r)) })),
    };
  }
}
