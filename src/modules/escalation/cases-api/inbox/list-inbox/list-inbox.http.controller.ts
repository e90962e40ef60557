import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, JwtAuthGuard, type Principal, Roles } from '@sinergi/auth';
import { InboxPageDto } from '../inbox-item';
import { ListInboxHandler } from './list-inbox.handler';

@ApiTags('inbox')
@ApiBearerAuth()
@Controller('v1/inbox')
@UseGuards(JwtAuthGuard)
@Roles('official', 'auditor')
export class ListInboxHttpController {
  constructor(private readonly handler: ListInboxHandler) {}

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
    return this.handler.execute(principal, query);
  }
}
