import { Controller, Get, Inject, Param, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import { hasRole, Roles } from '@sinergi/auth';
import { CLOCK, type Clock } from '@sinergi/common';
import { addCalendarDays, defaultHolidayCalendar, isWorkingDay, todayWita } from '@sinergi/domain';
import type { FastifyReply } from 'fastify';
import { GetProjectHistoryQuery } from '../../../audit/queries/get-project-history/get-project-history.query';
import { GetCaseQuery } from '../../../escalation/cases-api/queries/get-case/get-case.query';
import { ListCasesQuery, parseListCasesQuery } from '../../../escalation/cases-api/queries/list-cases/list-cases.query';
import { parseListProjectsQuery } from '../../../regional-coverage/api/list-projects/list-projects.query';
import { GetProjectQuery } from '../../../verification/queries/get-project/get-project.query';
import { ConsoleAuthGuard, type ConsoleRequest, consoleViewer } from '../../auth/console-auth.guard';
import { ConsoleExceptionFilter } from '../../console-exception.filter';
import { workingDaysLeft } from '../../view/console-format';
import { CASE_EVENT_ID } from '../../view/labels-id';
import { sendPage } from '../../view/respond';
import { eventLabelId, type ProjectHistoryItem, projectListPage, projectPage } from './project.page';

const PROJECT_PAGE_SIZE = 25;
const LIST_FILTERS = ['regionCode', 'agencyCode', 'status', 'fiscalYear', 'fundingSource', 'cursor'] as const;

/** `/console/projects` (the projects behind a figure) and `/console/projects/{id}`, from the API's own handlers. */
@ApiExcludeController()
@Controller('console/projects')
@UseGuards(ConsoleAuthGuard)
@UseFilters(ConsoleExceptionFilter)
@Roles('official', 'auditor', 'admin')
export class ProjectsConsoleController {
  constructor(
    private readonly queries: QueryBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  async list(@Query() query: Record<string, unknown>, @Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const viewer = consoleViewer(req);
    const kept: Record<string, string> = {};
    for (const k of LIST_FILTERS) if (typeof query[k] === 'string' && query[k] !== '') kept[k] = query[k] as string;
    const list = await this.queries.execute(parseListProjectsQuery(viewer.principal, { ...kept, cancelled: 'false', limit: String(PROJECT_PAGE_SIZE) }));
    return sendPage(reply, projectListPage(viewer, list, kept, viewer.principal));
  }

  @Get(':id')
  async show(@Param('id') id: string, @Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const viewer = consoleViewer(req);
    const principal = viewer.principal;
    // The project first: unknown or out of scope is 404 before anything else is read.
    const project = await this.queries.execute(new GetProjectQuery(id, { kind: 'user', principal }));
    const cases = (await this.queries.execute(new ListCasesQuery(parseListCasesQuery(principal, { projectId: project.id, limit: '50' })))).items;
    const today = todayWita(this.clock.now());
    const calendar = defaultHolidayCalendar(project.regionCode);
    const left = workingDaysLeft(today, project.registrationDeadline, (d) => isWorkingDay(d, calendar), addCalendarDays);
    let history: ProjectHistoryItem[];
    if (hasRole(principal, 'auditor')) {
      // Auditors read the whole log of the project, as the audit API gives it (and records that they looked).
      const h = await this.queries.execute(new GetProjectHistoryQuery(project.id, principal, String(req.id)));
      history = h.events.map((e) => ({ at: e.recordedAt, label: eventLabelId(e.type) }));
    } else {
      // Officials and admins see what the cases API shows them: every case's timeline.
      const details = await Promise.all(cases.map((c) => this.queries.execute(new GetCaseQuery(c.caseId, principal))));
      history = details.flatMap((d) => d.timeline.map((e) => ({ at: e.at, label: CASE_EVENT_ID[e.type] ?? e.type })));
    }
    history.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
    return sendPage(reply, projectPage(viewer, { project, cases, workingDaysLeft: left, today, history }));
  }
}
