import { Controller, Get, Headers, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiJsonOrCsvOkResponse } from '../../../../platform/openapi/responses';
import { AgencyCoverageListSchema } from '../../coverage.openapi';
import { QueryBus } from '@nestjs/cqrs';
import { CurrentPrincipal, JwtAuthGuard, type Principal, Roles } from '@sinergi/auth';
import type { FastifyReply } from 'fastify';
import { SUMMARY_CSV_HEADER, summaryCsvCells } from '../coverage-view';
import { formatParam, onlyParams, singleParam } from '../region-params';
import { answer } from '../respond';
import { type AgencyCoverageList } from './list-agency-coverage.handler';
import { ListAgencyCoverageQuery } from './list-agency-coverage.query';
import { toCsv, wantsCsv } from '@sinergi/common';

@ApiTags('coverage')
@ApiBearerAuth()
@Controller('v1/coverage/agencies')
@UseGuards(JwtAuthGuard)
@Roles('official', 'auditor', 'admin')
export class ListAgencyCoverageHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: 'Coverage per agency (satker)',
    description:
      'The projects of each agency within the region (and the caller’s regions), with the figures and percentages of GET /v1/coverage/regions/{code}. ' +
      'Without regionCode: every region the caller may see. `Accept: text/csv` (or `?format=csv`): one row per agency.',
  })
  @ApiQuery({ name: 'regionCode', required: false, example: '73.07' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  @ApiJsonOrCsvOkResponse(AgencyCoverageListSchema, '`{ regionCode, items: [{ regencyCode, agencyCode, agencyName, projects, workers, contractValue, premium, coveragePercent }] }`')
  @ApiResponse({ status: 400, description: 'invalid_query: regionCode is not a region code (errors[].path names it)' })
  @ApiResponse({ status: 404, description: "regionCode unknown, or outside the caller's regions" })
  async list(
    @Query() query: Record<string, unknown>,
    @Headers('accept') accept: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    onlyParams(query, ['regionCode', 'format']);
    const csv = wantsCsv(accept, formatParam(query));
    const regionCode = singleParam(query, 'regionCode');
    return answer(reply, csv, await this.queries.execute(new ListAgencyCoverageQuery(regionCode, principal)), agenciesCsv, `coverage-agencies${regionCode ? `-${regionCode}` : ''}.csv`);
  }
}

export function agenciesCsv(list: AgencyCoverageList): string {
  return toCsv(
    ['regency_code', 'agency_code', 'agency_name', ...SUMMARY_CSV_HEADER],
    list.items.map((a) => [a.regencyCode, a.agencyCode, a.agencyName, ...summaryCsvCells(a)]),
  );
}
