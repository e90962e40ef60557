import { Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, JwtAuthGuard, type Principal, Roles } from '@sinergi/auth';
import { InboxItemDto } from '../inbox-item';
import { MarkInboxItemReadHandler } from './mark-inbox-item-read.handler';

@ApiTags('inbox')
@ApiBearerAuth()
@Controller('v1/inbox')
@UseGuards(JwtAuthGuard)
@Roles('official')
export class MarkInboxItemReadHttpController {
  constructor(private readonly handler: MarkInboxItemReadHandler) {}

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark one of the caller\'s inbox items read (again: keeps the first time)' })
  @ApiOkResponse({ type: InboxItemDto })
  @ApiResponse({ status: 404, description: "Unknown, or not the caller's" })
  read(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.handler.execute(principal, id);
  }
}
