import { Body, Controller, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CommandBus } from '@nestjs/cqrs';
import { CurrentPrincipal, JwtAuthGuard, type Principal, Roles } from '@sinergi/auth';
import type { FastifyRequest } from 'fastify';
import { validatedBody } from '@sinergi/common/validation';
import { CaseSummaryDto } from '../../case-summary';
import { AcknowledgeCaseRequestDto } from './acknowledge-case.request.dto';
import { AcknowledgeCaseCommand } from './acknowledge-case.command';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('v1/cases')
@UseGuards(JwtAuthGuard)
@Roles('official')
export class AcknowledgeCaseHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/acknowledge')
  @HttpCode(200)
  @ApiOperation({ summary: "Acknowledge the case's current level, with a note; the case keeps climbing until it ends" })
  @ApiOkResponse({ type: CaseSummaryDto })
  @ApiResponse({ status: 400, description: 'note missing, not a string, or longer than 2000 characters (application/problem+json)' })
  @ApiResponse({ status: 403, description: 'forbidden_role: officials only (auditors never write)' })
  @ApiResponse({ status: 404, description: "Unknown, or outside the caller's regions" })
  @ApiResponse({ status: 409, description: 'case_not_open: the case was resolved, closed or waived' })
  acknowledge(
    @Param('id') id: string,
    @Body(validatedBody()) body: AcknowledgeCaseRequestDto,
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
  ) {
    return this.commands.execute(new AcknowledgeCaseCommand(id, principal, body.note, String(req.id)));
  }
}
