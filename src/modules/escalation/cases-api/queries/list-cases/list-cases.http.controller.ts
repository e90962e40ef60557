import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { QueryBus } from '@nestjs/cqrs';
import { CurrentPrincipal, JwtAuthGuard, type Principal, Roles } from '@sinergi/auth';
import { CaseListDto } from '../../case-summary';
import { MAX_PAGE_SIZE } from '../../list-paging';
import { CASE_ORDERS, CASE_STATUSES, ListCasesQuery, parseListCasesQuery } from './list-cases.query';

/** The officials' case list (docs/api.md): officials, auditors and admins, each within their regions. */
@ApiTags('cases')
@ApiBearerAuth()
@Controller('v1/cases')
@UseGuards(JwtAuthGuard)
@Roles('official', 'auditor', 'admin')
export class ListCasesHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: "Escalation cases in the caller's regions, newest first",
    description: 'Cursor pagination: pass the nextCursor of a page as ?cursor= with the same filters. Cases outside the caller\'s regions never appear.',
  })
  @ApiQuery({ name: 'status', required: false, enum: CASE_STATUSES })
  @ApiQuery({ name: 'regionCode', required: false, description: 'Region-code prefix, e.g. 73.07 or 73.07.05' })
  @ApiQuery({ name: 'level', required: false, type: Number, description: 'Current ladder level' })
  @ApiQuery({ name: 'projectId', required: false, format: 'uuid' })
  @ApiQuery({ name: 'agency', required: false, description: "The project's agency (satker) code", example: '1.03.0.00.0.00.01.0000' })
  @ApiQuery({ name: 'order', required: false, enum: CASE_ORDERS, description: 'newest (default) or oldest: longest open, most overdue, first' })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: `1 to ${MAX_PAGE_SIZE}; default 50` })
  @ApiOkResponse({ type: CaseListDto })
  @ApiResponse({ status: 400, description: 'invalid_query: the parameter at fault is named in errors[].path (application/problem+json)' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: Record<string, unknown>) {
    return this.queries.execute(new ListCasesQuery(parseListCasesQuery(principal, query)));
  }
}
