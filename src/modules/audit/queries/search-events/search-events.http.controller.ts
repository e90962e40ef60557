import { Controller, Get, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AuditEventPageSchema } from '../../audit.openapi';
import { QueryBus } from '@nestjs/cqrs';
import { CurrentPrincipal, JwtAuthGuard, type Principal, Roles } from '@sinergi/auth';
import type { FastifyRequest } from 'fastify';
import { SearchEventsQuery } from './search-events.query';
import { MAX_SEARCH_LIMIT } from '../../audit-query';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit/events')
@UseGuards(JwtAuthGuard)
@Roles('auditor')
export class SearchEventsHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: "Events in the caller's regions, in commit order",
    description:
      'Cursor pagination that is stable while events are appended: pass nextCursor as ?cursor= with the same filters until it is null; ' +
      'lastCursor resumes later from where the last page ended. Unknown parameters are refused. Masking as in the project history. Every call is recorded.',
  })
  @ApiQuery({ name: 'regionCode', required: false, description: 'The region and everything below it; outside the caller\'s regions is 404', example: '73.07' })
  @ApiQuery({ name: 'type', required: false, description: 'Event type names, comma-separated', example: 'CaseOpened,EscalationLevelReached' })
  @ApiQuery({ name: 'from', required: false, description: 'Recorded at or after (ISO-8601 instant with offset)', example: '2025-07-01T00:00:00+08:00' })
  @ApiQuery({ name: 'to', required: false, description: 'Recorded before (ISO-8601 instant with offset)' })
  @ApiQuery({ name: 'actor', required: false, description: 'kind:id (client:…, user:…, system:…) or a bare id', example: 'client:spse-sinjai' })
  @ApiQuery({ name: 'projectRef', required: false, description: "The source's project reference: that project's streams, cases and notifications" })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: `1 to ${MAX_SEARCH_LIMIT}; default 100` })
  @ApiOkResponse({ type: AuditEventPageSchema })
  @ApiResponse({ status: 400, description: 'invalid_query: errors[].path names the parameter at fault' })
  @ApiResponse({ status: 404, description: "regionCode outside the caller's regions" })
  search(@CurrentPrincipal() principal: Principal, @Query() query: Record<string, unknown>, @Req() req: FastifyRequest) {
    return this.queries.execute(new SearchEventsQuery(principal, query, String(req.id)));
  }
}
