import { Body, Controller, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CommandBus } from '@nestjs/cqrs';
import { CurrentPrincipal, JwtAuthGuard, type Principal, Roles } from '@sinergi/auth';
import type { FastifyRequest } from 'fastify';
import { validatedBody } from '@sinergi/common/validation';
import { WAIVER_POSITIONS } from '../../../case-decider/escalation-case.decider';
import { CaseSummaryDto } from '../../case-summary';
import { WaiveCaseRequestDto } from './waive-case.request.dto';
import { WaiveCaseCommand } from './waive-case.command';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('v1/cases')
@UseGuards(JwtAuthGuard)
@Roles('official')
export class WaiveCaseHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/waive')
  @HttpCode(200)
  @ApiOperation({ summary: 'Waive the case with a written justification; held payments are released', description: `Positions allowed: ${WAIVER_POSITIONS.join(', ')}.` })
  @ApiOkResponse({ type: CaseSummaryDto })
  @ApiResponse({ status: 400, description: 'justification missing, shorter than 20 characters after trimming, or too long (application/problem+json)' })
  @ApiResponse({ status: 403, description: 'forbidden_role (officials only), or waiver_not_allowed for the caller\'s position' })
  @ApiResponse({ status: 404, description: "Unknown, or outside the caller's regions" })
  @ApiResponse({ status: 409, description: 'case_not_open: the case was resolved, closed or waived' })
  waive(
    @Param('id') id: string,
    @Body(validatedBody()) body: WaiveCaseRequestDto,
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
  ) {
    return this.commands.execute(new WaiveCaseCommand(id, principal, body.justification, String(req.id)));
  }
}
