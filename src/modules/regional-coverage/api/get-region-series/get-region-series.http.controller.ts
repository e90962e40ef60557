import { Controller, Get, Headers, Param, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiJsonOrCsvOkResponse } from '../../../../platform/openapi/responses';
import { RegionSeriesSchema } from '../../coverage.openapi';
import { QueryBus } from '@nestjs/cqrs';
import { CurrentPrincipal, JwtAuthGuard, type Principal, Roles } from '@sinergi/auth';
import type { FastifyReply } from 'fastify';
import { SUMMARY_CSV_HEADER, summaryCsvCells } from '../coverage-view';
import { formatParam, onlyParams, singleParam } from '../region-params';
import { answer } from '../respond';
import { MAX_SERIES_MONTHS, type RegionSeries } from './get-region-series.handler';
import { GetRegionSeriesQuery } from './get-region-series.query';
import { toCsv, wantsCsv } from '@sinergi/common';

@ApiTags('coverage')
@ApiBearerAuth()
@Controller('v1/coverage/regions')
@UseGuards(JwtAuthGuard)
@Roles('official', 'auditor', 'admin')
export class GetRegionSeriesHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':code/series')
  @ApiOperation({
    summary: 'A region’s coverage month by month',
    description:
      'Every month from `from` to `to` (zeros included): the projects whose contract date (in WITA) falls in that month, as they stand today, ' +
      'with the same figures and percentages as GET /v1/coverage/regions/{code}. `Accept: text/csv` (or `?format=csv`): one row per month.',
  })
  @ApiParam({ name: 'code', example: '73.07' })
  @ApiQuery({ name: 'from', required: false, description: 'YYYY-MM; default: eleven months before `to`', example: '2025-01' })
  @ApiQuery({ name: 'to', required: false, description: `YYYY-MM; default: this month (WITA). At most ${MAX_SERIES_MONTHS} months in all`, example: '2025-12' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  @ApiJsonOrCsvOkResponse(RegionSeriesSchema, '`{ regionCode, name, level, from, to, months: [{ month, projects, workers, contractValue, premium, coveragePercent }] }`')
  @ApiResponse({ status: 400, description: 'invalid_query: from / to not YYYY-MM, from after to, or a range over the limit (errors[].path names it)' })
  @ApiResponse({ status: 404, description: "Unknown region, or outside the caller's regions" })
  async series(
    @Param('code') code: string,
    @Query() query: Record<string, unknown>,
    @Headers('accept') accept: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    onlyParams(query, ['from', 'to', 'format']);
    const csv = wantsCsv(accept, formatParam(query));
    const result = await this.queries.execute(new GetRegionSeriesQuery(code, { from: singleParam(query, 'from'), to: singleParam(query, 'to') }, principal));
    return answer(reply, csv, result, seriesCsv, `coverage-${code}-${result.from}-${result.to}.csv`);
  }
}

export function seriesCsv(series: RegionSeries): string {
  return toCsv(
    ['region_code', 'month', ...SUMMARY_CSV_HEADER],
    series.months.map((m) => [series.regionCode, m.month, ...summaryCsvCells(m)]),
  );
}
