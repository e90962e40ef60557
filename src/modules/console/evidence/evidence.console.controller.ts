import { Controller, Inject, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import { Roles } from '@sinergi/auth';
import { CLOCK, type Clock, DomainError, SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import type { FastifyReply } from 'fastify';
import { GetCaseQuery } from '../../escalation/cases-api/queries/get-case/get-case.query';
import { DecideEnrolmentEvidenceCommand } from '../../verification/commands/confirm-enrolment-evidence/decide-enrolment-evidence.command';
import { ConsoleAuthGuard, type ConsoleRequest, consoleViewer } from '../auth/console-auth.guard';
import { caseLinkFor } from '../case-link/case-link-token';
import { ConsoleExceptionFilter } from '../console-exception.filter';
import { redirect } from '../view/respond';
import { CaseEvidenceSection } from './case-evidence.section';

/** The longest rejection reason the API takes (RejectEnrolmentEvidenceRequestDto). */
const MAX_REASON_LENGTH = 1000;

/**
 * An official confirms or rejects, on the case page, the evidence a contractor handed in (through its link or its
 * procurement system): the verification API's own command, through the CommandBus, with the official's principal.
 * A confirmation makes the worker verify the project again, in which the evidence registry answers.
 */
@ApiExcludeController()
@Controller('console/cases')
@UseGuards(ConsoleAuthGuard)
@UseFilters(ConsoleExceptionFilter)
@Roles('official')
export class EvidenceConsoleController {
  constructor(
    private readonly queries: QueryBus,
    private readonly commands: CommandBus,
    private readonly section: CaseEvidenceSection,
    @Inject(SINERGI_CONFIG) private readonly config: SinergiConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post(':id/evidence/:evidenceId/confirm')
  confirm(@Param('id') id: string, @Param('evidenceId') evidenceId: string, @Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    return this.decide(id, evidenceId, req, reply, { kind: 'confirm' });
  }

  @Post(':id/evidence/:evidenceId/reject')
  reject(@Param('id') id: string, @Param('evidenceId') evidenceId: string, @Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const reason = (req.body as Record<string, unknown> | undefined)?.reason;
    return this.decide(id, evidenceId, req, reply, { kind: 'reject', reason: typeof reason === 'string' ? reason : '' });
  }

  /**
   * A fresh signed link to this case for the contractor or the contract's PPK, shown once on the page (never stored
   * or logged): for an official to pass on when the notice's link expired or never arrived.
   */
  @Post(':id/link')
  async issueLink(@Param('id') id: string, @Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const viewer = consoleViewer(req);
    const detail = await this.queries.execute(new GetCaseQuery(id, viewer.principal));
    const role = (req.body as Record<string, unknown> | undefined)?.role;
    if (role !== 'CONTRACTOR' && role !== 'PPK') throw new DomainError('invalid', 'validation_failed', 'role must be CONTRACTOR or PPK');
    if (detail.status !== 'OPEN') throw new DomainError('conflict', 'case_not_open', 'the case has ended: a link to it would open nothing');
    const issued = caseLinkFor(this.config, detail.caseId, role, this.clock.now());
    return this.section.renderCase(viewer, detail, reply, { issuedLink: { role, ...issued } });
  }

  private async decide(id: string, evidenceId: string, req: ConsoleRequest, reply: FastifyReply, decision: { kind: 'confirm' } | { kind: 'reject'; reason: string }) {
    const viewer = consoleViewer(req);
    // The case first, with the official's scope: unknown or out of scope is 404 before anything is decided.
    const detail = await this.queries.execute(new GetCaseQuery(id, viewer.principal));
    try {
      if (decision.kind === 'reject' && decision.reason.length > MAX_REASON_LENGTH) throw new DomainError('invalid', 'validation_failed', 'reason is too long');
      await this.commands.execute(new DecideEnrolmentEvidenceCommand(detail.projectId, evidenceId, viewer.principal, decision, String(req.id)));
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind === 'unauthenticated' || (error.kind === 'not_found' && error.code === 'not_found')) throw error;
      const status = error.kind === 'invalid' ? 400 : error.kind === 'forbidden' ? 403 : error.kind === 'conflict' ? 409 : error.kind === 'not_found' ? 404 : 422;
      const typed = decision.kind === 'reject' ? decision.reason : '';
      return this.section.renderCase(viewer, detail, reply, { evidenceError: { evidenceId, code: error.code, text: typed } }, status);
    }
    return redirect(reply, `/console/cases/${id}?selesai=${decision.kind === 'confirm' ? 'evidence-confirmed' : 'evidence-rejected'}`);
  }
}
