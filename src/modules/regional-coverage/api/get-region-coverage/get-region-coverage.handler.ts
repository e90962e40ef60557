import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { assertCanRead, belowPattern, inRegionSql, resourceNotFound } from '@sinergi/auth';
import { CLOCK, type Clock } from '@sinergi/common';
import { childCodeLength, NATIONAL_REGION_CODE, NATIONAL_REGION_NAME, parseRegionCode, REGION_CODE_LENGTH, type RegionLevel, todayWita } from '@sinergi/domain';
import { GetRegionCoverageQuery } from './get-region-coverage.query';
import { type CoverageSummary, subtractFigures, sumFigures } from '../../projection/coverage-figures';
import { overallCoverage, type OverallCoverage, type SegmentCoverage, segmentCoverage, type SegmentReport } from '../../segments/segment-coverage';
import { CELL_SUM_COLUMNS, figuresFromDatabase, storedTargetFromRow, sumColumns, sumsAsText, type TargetView, targetView } from '../coverage-view';
import { toCoverageSummary } from '../../projection/coverage-figures';
import { ReadDatabase } from '../../../../platform/read-routing';

/** One region's coverage (docs/api.md): construction figures, its target, the other segments and overall coverage. */
export interface RegionCoverage extends CoverageSummary {
  regionCode: string;
  name: string;
  /** `country` for 'ID' (Indonesia as a whole), whose children are the provinces. */
  level: RegionLevel | typeof COUNTRY_LEVEL;
  target: TargetView | null;
  otherSegments: SegmentCoverage[];
  overall: OverallCoverage;
}

/** `GET /v1/coverage/regions/{code}`: the region, as of today (WITA), with every child region, zeros included. */
export interface RegionCoverageReport extends RegionCoverage {
  asOf: string;
  /**
   * Projects in the region's totals but in no child: registered at the region itself (a regency-wide contract) or
   * under a code the hierarchy does not hold. Zero when the children add up to the region.
   */
  unassigned: CoverageSummary;
  /**
   * Region codes under this region that projects carry but the hierarchy does not hold (old events, before codes
   * were checked at the edge, or a code Kemendagri retired): counted in `unassigned`, named here. At most 100.
   */
  unplacedRegionCodes: string[];
  children: RegionCoverage[];
}

/** The level of 'ID', Indonesia as a whole: its children are the provinces. */
export const COUNTRY_LEVEL = 'country';

/** A village has no children: a length no code reaches puts every cell in no child. */
const NO_CHILDREN = 99;

/**
 * The region, its children (from `regions`), each one's sums of `coverage_cells` by code prefix, their targets, the
 * latest segment reports and the codes `regions` does not hold, in ONE statement: the cells under the region are
 * read once and summed by region code, those sums by the child they roll up through (`left(region_code, <child code
 * length>)` on the "C"-collated key), joined to the children, so an empty child still has its row.
 */
const REGION_COVERAGE_SQL = `
WITH codes AS (
  SELECT region_code, ${sumColumns()}
    FROM coverage_cells WHERE ${inRegionSql('region_code', '$1', '$2')}
   GROUP BY region_code
), sums AS (
  SELECT CASE WHEN length(region_code) >= $3 THEN left(region_code, $3) END AS child, ${sumColumns()}
    FROM codes GROUP BY 1
), unplaced AS (
  SELECT coalesce(array_agg(region_code ORDER BY region_code), '{}') AS codes
    FROM (SELECT c.region_code FROM codes c WHERE NOT EXISTS (SELECT 1 FROM regions r WHERE r.code = c.region_code)
           ORDER BY 1 LIMIT 100) u
), total AS (
  SELECT ${sumColumns()} FROM sums
), nodes AS (
  SELECT code, name, level, 0 AS ord FROM regions WHERE code = $1
  UNION ALL
  SELECT $1, '${NATIONAL_REGION_NAME}', '${COUNTRY_LEVEL}', 0 AS ord WHERE $1 = '${NATIONAL_REGION_CODE}'
  UNION ALL
  SELECT code, name, level, 1 AS ord FROM regions WHERE parent_code = $1 OR ($1 = '${NATIONAL_REGION_CODE}' AND level = 'province')
), segments AS (
  SELECT coalesce(json_agg(json_build_object('regionCode', region_code, 'segment', segment, 'period', period,
                                             'enrolled', enrolled, 'eligible', eligible, 'source', source)), '[]'::json) AS reports
    FROM (SELECT DISTINCT ON (region_code, segment) region_code, segment, period, enrolled, eligible, source
            FROM coverage_segments WHERE ${inRegionSql('region_code', '$1', '$2')}
           ORDER BY region_code, segment, period DESC) latest
)
SELECT n.code, n.name, n.level, n.ord,
       t.metric AS target_metric, t.target_percent::text AS target_percent, t.deadline::text AS target_deadline,
       t.set_by AS target_set_by, t.set_at AS target_set_at,
       ${sumsAsText('s')},
       CASE WHEN n.ord = 0 THEN (SELECT reports FROM segments) END AS segment_reports,
       CASE WHEN n.ord = 0 THEN (SELECT codes FROM unplaced) END AS unplaced_codes
  FROM nodes n
  LEFT JOIN LATERAL (
    SELECT ${CELL_SUM_COLUMNS.join(', ')} FROM total WHERE n.ord = 0
    UNION ALL
    SELECT ${CELL_SUM_COLUMNS.join(', ')} FROM sums WHERE n.ord = 1 AND sums.child = n.code
  ) s ON true
  LEFT JOIN coverage_targets t ON t.region_code = n.code
 ORDER BY n.ord, n.code`;

@QueryHandler(GetRegionCoverageQuery)
export class GetRegionCoverageHandler implements IQueryHandler<GetRegionCoverageQuery> {
  constructor(
    private readonly reads: ReadDatabase,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** 404 for a region unknown or outside the reader's scope (the two cannot be told apart). */
  async execute({ regionCode, reader }: GetRegionCoverageQuery): Promise<RegionCoverageReport> {
    const national = regionCode === NATIONAL_REGION_CODE;
    const parsed = parseRegionCode(regionCode);
    if (parsed === null && !national) throw resourceNotFound('region');
    assertCanRead(reader, regionCode, 'region');
    const childLength = parsed === null ? REGION_CODE_LENGTH.province : (childCodeLength(parsed.level) ?? NO_CHILDREN);
    const pool = await this.reads.pool();
    const { rows } = await pool.query(REGION_COVERAGE_SQL, [regionCode, belowPattern(regionCode), childLength]);
    if (rows.length === 0 || rows[0].ord !== 0) throw resourceNotFound('region');
    const today = todayWita(this.clock.now());
    const reports = (rows[0].segment_reports ?? []) as SegmentReport[];
    const view = (r: Record<string, any>): RegionCoverage => {
      const summary = toCoverageSummary(figuresFromDatabase(r));
      const otherSegments = segmentCoverage(reports, r.code);
      return {
        regionCode: r.code,
        name: r.name,
        level: r.level,
        ...summary,
        target: targetView(storedTargetFromRow(r), summary, today),
        otherSegments,
        overall: overallCoverage(summary.workers, otherSegments),
      };
    };
    const [self, ...children] = rows;
    const childFigures = sumFigures(children.map(figuresFromDatabase));
    return {
      ...view(self),
      asOf: today,
      unassigned: toCoverageSummary(subtractFigures(figuresFromDatabase(self), childFigures)),
      unplacedRegionCodes: self.unplaced_codes as string[],
      children: children.map(view),
    };
  }
}
