import { Controller, Get, Headers, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiJsonOrCsvOkResponse } from '../../../../platform/openapi/responses';
import { ProjectListSchema } from '../../coverage.openapi';
import { QueryBus } from '@nestjs/cqrs';
import { CurrentPrincipal, JwtAuthGuard, type Principal, Roles } from '@sinergi/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FUNDING_SOURCES } from '../../../project-intake/construction-project.events';
import { formatParam } from '../region-params';
import { answer } from '../respond';
import { type ProjectList } from './list-projects.handler';
import { MAX_PROJECT_PAGE, parseListProjectsQuery, PROJECT_STATUSES } from './list-projects.query';
import { toCsv, wantsCsv } from '@sinergi/common';

/** The officials' project list (issue 5 item 4). `GET /v1/projects/{id}` is the verification module's. */
@ApiTags('projects')
@ApiBearerAuth()
@Controller('v1/projects')
@UseGuards(JwtAuthGuard)
@Roles('official', 'auditor', 'admin')
export class ListProjectsHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: "Projects in the caller's regions, newest contract first",
    description:
      'Keyset pagination: pass a page’s nextCursor as ?cursor= with the same filters; pages never repeat or skip a project. ' +
      'Cancelled projects are listed (lifecycle CANCELLED) unless cancelled=false. The caller’s regions always apply; a regionCode outside them is 404. ' +
      '`Accept: text/csv` (or `?format=csv`): one row per project of the page; the next page’s URL is in the `Link` header (rel="next").',
  })
  @ApiQuery({ name: 'regionCode', required: false, description: 'The region and everything below it', example: '73.07.05' })
  @ApiQuery({ name: 'agencyCode', required: false, example: '1.03.0.00.0.00.01.0000' })
  @ApiQuery({ name: 'status', required: false, enum: PROJECT_STATUSES })
  @ApiQuery({ name: 'contractorNpwp', required: false, description: '15 or 16 digits; dots and dashes allowed' })
  @ApiQuery({ name: 'fiscalYear', required: false, type: Number, example: 2025 })
  @ApiQuery({ name: 'fundingSource', required: false, enum: FUNDING_SOURCES })
  @ApiQuery({ name: 'cancelled', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: `1 to ${MAX_PROJECT_PAGE}; default 50` })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  @ApiJsonOrCsvOkResponse(ProjectListSchema, '`{ items: [...], nextCursor }`; money as integer-rupiah strings')
  @ApiResponse({ status: 400, description: 'invalid_query: errors[].path names the parameter at fault' })
  @ApiResponse({ status: 404, description: "regionCode outside the caller's regions" })
  async list(
    @Query() query: Record<string, unknown>,
    @Headers('accept') accept: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const parsed = parseListProjectsQuery(principal, query);
    const csv = wantsCsv(accept, formatParam(query));
    const page = await this.queries.execute(parsed);
    if (csv && page.nextCursor) {
      const next = new URLSearchParams(Object.entries(query).filter(([, v]) => typeof v === 'string') as [string, string][]);
      next.set('cursor', page.nextCursor);
      reply.header('link', `<${req.url.split('?')[0]}?${next.toString()}>; rel="next"`);
    }
    return answer(reply, csv, page, projectsCsv, 'projects.csv');
  }
}

const PROJECT_CSV_HEADER = [
  'project_id',
  'project_ref',
  'name',
  'contract_number',
  'region_code',
  'agency_code',
  'agency_name',
  'funding_source',
  'fiscal_year',
  'contract_date',
  'contractor_npwp',
  'contractor_name',
  'registration_deadline',
  'lifecycle',
  'status',
  'reasons',
  'registered',
  'workers_estimated',
  'workers_reported',
  'workers_covered',
  'contract_value',
  'premium_due',
  'premium_paid',
];

export function projectsCsv(list: ProjectList): string {
  return toCsv(
    PROJECT_CSV_HEADER,
    list.items.map((p) => [
      p.projectId,
      p.projectRef,
      p.name,
      p.contractNumber,
      p.regionCode,
      p.agency.code,
      p.agency.name,
      p.fundingSource,
      p.fiscalYear,
      p.contractDate,
      p.contractor.npwp,
      p.contractor.name,
      p.registrationDeadline,
      p.lifecycle,
      p.status,
      p.reasons.join(';'),
      p.registered,
      p.workers.estimated,
      p.workers.reported,
      p.workers.covered,
      p.contractValue,
      p.premium.due,
      p.premium.paid,
    ]),
  );
}
