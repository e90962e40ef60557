import { Body, Controller, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, JwtAuthGuard, type Principal, Roles } from '@sinergi/auth';
import type { FastifyRequest } from 'fastify';
import { validatedBody } from '@sinergi/common/validation';
import { CommandBus } from '@nestjs/cqrs';
import { DecideEnrolmentEvidenceCommand } from './decide-enrolment-evidence.command';
import { EvidenceDecidedResponseDto, RejectEnrolmentEvidenceRequestDto } from './reject-enrolment-evidence.request.dto';

const REFUSALS = [
  ApiResponse({ status: 403, description: 'forbidden_role: officials only' }),
  ApiResponse({ status: 404, description: "not_found: unknown project, or outside the official's regions (the same answer); evidence_not_found: no such evidence on a project in scope" }),
  ApiResponse({ status: 409, description: 'evidence_already_decided: the evidence was already confirmed or rejected' }),
];
const apply = (...decorators: MethodDecorator[]): MethodDecorator => (target, key, descriptor) => {
  decorators.forEach((d) => d(target, key, descriptor));
};

/** An official (region-scoped) confirms or rejects evidence a contractor handed in. */
@ApiTags('projects')
@ApiBearerAuth()
@Controller('v1/projects')
@UseGuards(JwtAuthGuard)
@Roles('official')
export class ConfirmEnrolmentEvidenceHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/evidence/:evidenceId/confirm')
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirm enrolment evidence; the project is then verified again with it' })
  @ApiOkResponse({ type: EvidenceDecidedResponseDto })
  @apply(...REFUSALS)
  confirm(
    @Param('id') id: string,
    @Param('evidenceId') evidenceId: string,
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
  ) {
    return this.commands.execute(new DecideEnrolmentEvidenceCommand(id, evidenceId, principal, { kind: 'confirm' }, String(req.id)));
  }

  @Post(':id/evidence/:evidenceId/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject enrolment evidence, saying why; it never counts as enrolment' })
  @ApiOkResponse({ type: EvidenceDecidedResponseDto })
  @ApiResponse({ status: 400, description: 'reason missing or too long (application/problem+json)' })
  @apply(...REFUSALS)
  reject(
    @Param('id') id: string,
    @Param('evidenceId') evidenceId: string,
    @Body(validatedBody()) body: RejectEnrolmentEvidenceRequestDto,
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
  ) {
    const decision = { kind: 'reject' as const, reason: body.reason };
    return this.commands.execute(new DecideEnrolmentEvidenceCommand(id, evidenceId, principal, decision, String(req.id)));
  }
}
