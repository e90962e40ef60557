import { Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ReverificationRequestedSchema } from '../../verification.openapi';
import { CurrentPrincipal, JwtAuthGuard, type Principal, Roles } from '@sinergi/auth';
import { RequestReverificationCommand } from './request-reverification.command';

/** An official asks for a fresh look at BPJS. */
@ApiTags('projects')
@ApiBearerAuth()
@Controller('v1/projects')
@UseGuards(JwtAuthGuard)
export class RequestReverificationHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/reverify')
  @HttpCode(202)
  @Roles('official', 'admin')
  @ApiOperation({ summary: 'Ask for the project to be verified again with BPJS now' })
  @ApiAcceptedResponse({ type: ReverificationRequestedSchema, description: 'The verification is queued' })
  @ApiResponse({ status: 403, description: 'forbidden_role: officials and admins only' })
  @ApiResponse({ status: 404, description: "Unknown, or outside the caller's regions (the same answer)" })
  reverify(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.commands.execute(new RequestReverificationCommand(id, principal));
  }
}
