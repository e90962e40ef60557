import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { QueryBus } from '@nestjs/cqrs';
import { CurrentPrincipal, JwtAuthGuard, type Principal, Roles } from '@sinergi/auth';
import { ListInboxQuery } from './list-inbox.query';
import { InboxPageDto } from '../inbox-item';

@ApiTags('inbox')
@ApiBearerAuth()
@Controller('v1/inbox')
@UseGuards(JwtAuthGuard)
@Roles('official', 'auditor')
export class ListInboxHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: "The caller's in-app inbox, newest first",
    description: "Items addressed to the directory official linked to the caller's sign-in (subject), and the mailbox of the caller's position within the caller's regions.",
  })
  @ApiQuery({ name: 'unread', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1 to 200; default 50' })
  @ApiOkResponse({ type: InboxPageDto })
  @ApiResponse({ status: 400, description: 'invalid_query naming the parameter (application/problem+json)' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: Record<string, unknown>) {
    return this.queries.execute(new ListInboxQuery(principal, query));
  }
}
