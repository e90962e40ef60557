import { Controller, Get, Headers, Param, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiJsonOrCsvOkResponse } from '../../../../platform/openapi/responses';
import { RegionCoverageReportSchema } from '../../coverage.openapi';
import { QueryBus } from '@nestjs/cqrs';
import { CurrentPrincipal, JwtAuthGuard, type Principal, Roles } from '@sinergi/auth';
import type { FastifyReply } from 'fastify';
import { SUMMARY_CSV_HEADER, summaryCsvCells } from '../coverage-view';
import { formatParam, onlyParams } from '../region-params';
import { answer } from '../respond';
import { type RegionCoverage, type RegionCoverageReport } from './get-region-coverage.handler';
import { GetRegionCoverageQuery } from './get-region-coverage.query';
import { type CsvValue, toCsv, wantsCsv } from '@sinergi/common';

/** Coverage per region (docs/api.md) for officials, auditors and admins, within their regions. */
@ApiTags('coverage')
@ApiBearerAuth()
@Controller('v1/coverage/regions')
@UseGuards(JwtAuthGuard)
@Roles('official', 'auditor', 'admin')
export class GetRegionCoverageHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':code')
  @ApiOperation({
    summary: 'A region’s coverage with every child region (zeros included)',
    description: [
      'Construction projects not cancelled, summed over the region and everything below it, by the region they were registered in.',
      '',
      '- **projects**: total; registered = BPJS has confirmed the enrolment (whatever else is wrong); compliant = nothing is wrong; nonCompliant, pending, unverifiable = the compliance status (compliant + nonCompliant + pending + unverifiable = total).',
      '- **coveragePercent.projects** = registered / total: the headline, as the ministry counts coverage (by project). **workers** = covered / reported (latest rosters; a registered project covers its roster except persons BPJS reported uncovered). **value** = contract value of registered projects / total contract value. Two decimals; null when the denominator is 0.',
      '- Money (contractValue, premium) as integer-rupiah strings.',
      '- **target**: the region’s own target (not inherited) or null: gapPoints = target − current (never below 0), monthsLeft to the deadline (a part month counts as one), pacePointsPerMonth = gap / months left rounded up (0 when met, null when missed or nothing to measure), status OPEN | MET | MISSED | NO_DATA, all as of asOf (today in WITA).',
      '- **otherSegments**: the latest reported period per segment (village officials, non-ASN staff, vulnerable workers, other); a region’s own report, else the sum of its children’s.',
      '- **overall** = (construction workers covered + Σ segments enrolled) / (workers reported + Σ segments eligible).',
      '- **unassigned**: projects in the totals but in no child (registered at the region itself).',
      '',
      '`Accept: text/csv` (or `?format=csv`): one row for the region, one per child, flattened, formula-safe.',
    ].join('\n'),
  })
  @ApiParam({ name: 'code', description: 'Kemendagri region code: 73 (province), 73.07 (regency), 73.07.05 (district), 73.07.05.2001 (village); or ID, Indonesia as a whole with the 38 provinces as children (a scope of * or ID)', example: '73.07' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'], description: 'Overrides the Accept header' })
  @ApiJsonOrCsvOkResponse(RegionCoverageReportSchema, 'The region and its children')
  @ApiResponse({ status: 404, description: "Unknown region, or outside the caller's regions" })
  async get(
    @Param('code') code: string,
    @Query() query: Record<string, unknown>,
    @Headers('accept') accept: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    onlyParams(query, ['format']);
    const csv = wantsCsv(accept, formatParam(query));
    return answer(reply, csv, await this.queries.execute(new GetRegionCoverageQuery(code, principal)), regionCoverageCsv, `coverage-${code}.csv`);
  }
}

const REGION_CSV_HEADER = [
  'row',
  'region_code',
  'name',
  'level',
  ...SUMMARY_CSV_HEADER,
  'target_metric',
  'target_percent',
  'target_deadline',
  'target_current_percent',
  'target_gap_points',
  'target_months_left',
  'target_pace_points_per_month',
  'target_status',
  'segments_enrolled',
  'segments_eligible',
  'overall_enrolled',
  'overall_eligible',
  'overall_percent',
  'as_of',
];

/** One row for the region, one per child region; the segments summed (per segment in the JSON). */
export function regionCoverageCsv(report: RegionCoverageReport): string {
  const row = (kind: string, r: RegionCoverage): CsvValue[] => {
    const t = r.target;
    return [
      kind,
      r.regionCode,
      r.name,
      r.level,
      ...summaryCsvCells(r),
      t?.metric,
      t?.targetPercent,
      t?.deadline,
      t?.currentPercent,
      t?.gapPoints,
      t?.monthsLeft,
      t?.pacePointsPerMonth,
      t?.status,
      r.otherSegments.reduce((n, s) => n + s.enrolled, 0),
      r.otherSegments.reduce((n, s) => n + s.eligible, 0),
      r.overall.enrolled,
      r.overall.eligible,
      r.overall.percent,
      report.asOf,
    ];
  };
  return toCsv(REGION_CSV_HEADER, [row('region', report), ...report.children.map((c) => row('child', c))]);
}
