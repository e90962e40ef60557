import { Controller, Get, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import { Roles } from '@sinergi/auth';
import { CLOCK, type Clock, DomainError } from '@sinergi/common';
import { Inject } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AcknowledgeCaseCommand } from '../../../escalation/cases-api/commands/acknowledge-case/acknowledge-case.command';
import { WaiveCaseCommand } from '../../../escalation/cases-api/commands/waive-case/waive-case.command';
import { GetCaseQuery } from '../../../escalation/cases-api/queries/get-case/get-case.query';
import { ListCasesQuery, parseListCasesQuery } from '../../../escalation/cases-api/queries/list-cases/list-cases.query';
import { RequestReverificationCommand } from '../../../verification/commands/request-reverification/request-reverification.command';
import { GetProjectQuery } from '../../../verification/queries/get-project/get-project.query';
import { GetProjectsQuery } from '../../../verification/queries/get-projects/get-projects.query';
import { ConsoleAuthGuard, type ConsoleRequest, consoleViewer } from '../../auth/console-auth.guard';
import { ConsoleExceptionFilter } from '../../console-exception.filter';
import type { PageViewer } from '../../view/layout';
import { redirect, sendPage } from '../../view/respond';
import { CaseEvidenceSection } from '../../evidence/case-evidence.section';
import { type ActionForm, casePage, type InboxFilters, inboxPage } from './cases.page';

const DONE: Record<ActionForm, string> = { acknowledge: 'acknowledged', waive: 'waived', reverify: 'reverify' };

/** Inbox rows per page: a phone screen or two. */
export const INBOX_PAGE_SIZE = 25;

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * The officials' inbox and case page, and the acknowledge / waive forms: the cases API's own query and command
 * handlers (same scope rules, same decider), with pages in Bahasa Indonesia around them.
 */
@ApiExcludeController()
@Controller('console/cases')
@UseGuards(ConsoleAuthGuard)
@UseFilters(ConsoleExceptionFilter)
@Roles('official', 'auditor', 'admin')
export class CasesConsoleController {
  constructor(
    private readonly queries: QueryBus,
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly evidence: CaseEvidenceSection,
  ) {}

  @Get()
  async inbox(@Query() query: Record<string, unknown>, @Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const viewer = consoleViewer(req);
    // The form sends every field, empty ones too; an empty filter is no filter. Without `status` the inbox is the open cases.
    const filters: InboxFilters = { status: 'OPEN', level: text(query.level), regionCode: text(query.regionCode).trim(), agency: text(query.agency).trim() };
    if (query.status !== undefined) filters.status = text(query.status) === 'semua' ? '' : text(query.status);
    // `limit` as the API takes it (1–200); the inbox's own default is a phone screen or two.
    const apiQuery: Record<string, unknown> = { order: 'oldest', limit: text(query.limit) || String(INBOX_PAGE_SIZE) };
    for (const [k, v] of Object.entries({ ...filters, cursor: text(query.cursor) })) if (v !== '') apiQuery[k] = v;
    const page = await this.queries.execute(new ListCasesQuery(parseListCasesQuery(viewer.principal, apiQuery)));
    const projects = await this.queries.execute(new GetProjectsQuery(page.items.map((c) => c.projectId), { kind: 'user', principal: viewer.principal }));
    const limit = text(query.limit) || undefined;
    return sendPage(reply, inboxPage(viewer, { items: page.items, projects, nextCursor: page.nextCursor, filters, limit, paged: text(query.cursor) !== '', now: this.clock.now() }));
  }

  @Get(':id')
  async show(@Param('id') id: string, @Query('selesai') done: string | undefined, @Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const viewer = consoleViewer(req);
    return this.render(viewer, id, reply, { done: text(done) });
  }

  @Post(':id/acknowledge')
  @Roles('official')
  async acknowledge(@Param('id') id: string, @Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const viewer = consoleViewer(req);
    const note = text((req.body as Record<string, unknown> | undefined)?.note);
    return this.act(viewer, id, reply, 'acknowledge', note, () => this.commands.execute(new AcknowledgeCaseCommand(id, viewer.principal, note, String(req.id))));
  }

  @Post(':id/waive')
  @Roles('official')
  async waive(@Param('id') id: string, @Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const viewer = consoleViewer(req);
    const justification = text((req.body as Record<string, unknown> | undefined)?.justification);
    return this.act(viewer, id, reply, 'waive', justification, () => this.commands.execute(new WaiveCaseCommand(id, viewer.principal, justification, String(req.id))));
  }

  /** Asks BPJS about the case's project again now (the verification API's own command, through the CommandBus). */
  @Post(':id/reverify')
  @Roles('official', 'admin')
  async reverify(@Param('id') id: string, @Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const viewer = consoleViewer(req);
    // The case first: unknown or out of scope is 404 before anything is asked.
    const detail = await this.queries.execute(new GetCaseQuery(id, viewer.principal));
    return this.act(viewer, id, reply, 'reverify', '', () => this.commands.execute(new RequestReverificationCommand(detail.projectId, viewer.principal)));
  }

  /** Success: 303 to the case, which shows the result at once. A refusal: the case again, with the message and the typed text. */
  private async act(viewer: PageViewer, id: string, reply: FastifyReply, form: ActionForm, typed: string, run: () => Promise<unknown>) {
    try {
      await run();
    } catch (error) {
      // Unknown or out of scope stays a plain 404, exactly as the API answers it.
      if (!(error instanceof DomainError) || error.kind === 'not_found' || error.kind === 'unauthenticated') throw error;
      const status = error.kind === 'invalid' ? 400 : error.kind === 'forbidden' ? 403 : error.kind === 'conflict' ? 409 : 422;
      return this.render(viewer, id, reply, { error: { form, code: error.code, text: typed } }, status);
    }
    return redirect(reply, `/console/cases/${id}?selesai=${DONE[form]}`);
  }

  private async render(viewer: PageViewer, id: string, reply: FastifyReply, extra: { done?: string; error?: { form: ActionForm; code: string; text: string } }, status = 200) {
    const detail = await this.queries.execute(new GetCaseQuery(id, viewer.principal));
    const [project, evidence] = await Promise.all([
      this.queries.execute(new GetProjectQuery(detail.projectId, { kind: 'user', principal: viewer.principal })),
      this.evidence.html(viewer, detail, { done: extra.done }),
    ]);
    return sendPage(reply, casePage(viewer, { detail, project, evidence, ...extra }), status);
  }
}
