import { Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CommandBus } from '@nestjs/cqrs';
import { CurrentPrincipal, JwtAuthGuard, type Principal, Roles } from '@sinergi/auth';
import { MarkInboxItemReadCommand } from './mark-inbox-item-read.command';
import { InboxItemDto } from '../inbox-item';

@ApiTags('inbox')
@ApiBearerAuth()
@Controller('v1/inbox')
@UseGuards(JwtAuthGuard)
@Roles('official')
export class MarkInboxItemReadHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark one of the caller\'s inbox items read (again: keeps the first time)' })
  @ApiOkResponse({ type: InboxItemDto })
  @ApiResponse({ status: 404, description: "Unknown, or not the caller's" })
  read(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.commands.execute(new MarkInboxItemReadCommand(principal, id));
  }
}
