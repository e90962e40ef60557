import { Controller, Get, Param, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import { hasRole, Roles } from '@sinergi/auth';
import { DomainError, invalid } from '@sinergi/common';
import { addCalendarDays, isIsoDate } from '@sinergi/domain';
import type { FastifyReply } from 'fastify';
import { regionPrefixes } from '../../../audit/audit-query';
import { ExportEventsQuery } from '../../../audit/queries/export-events/export-events.query';
import { SearchEventsQuery } from '../../../audit/queries/search-events/search-events.query';
import { GetCheckpointQuery } from '../../../audit/tamper-evidence/checkpoint/get-checkpoint/get-checkpoint.query';
import { parseListCheckpointsQuery } from '../../../audit/tamper-evidence/checkpoint/list-checkpoints/list-checkpoints.handler';
import { ListCheckpointsQuery } from '../../../audit/tamper-evidence/checkpoint/list-checkpoints/list-checkpoints.query';
import { GetVerificationQuery } from '../../../audit/tamper-evidence/verify/get-verification/get-verification.query';
import { StartLogVerificationCommand } from '../../../audit/tamper-evidence/verify/start-log-verification/start-log-verification.command';
import { VerifyProjectQuery } from '../../../audit/tamper-evidence/verify/verify-project/verify-project.query';
import { ConsoleAuthGuard, type ConsoleRequest, consoleViewer } from '../../auth/console-auth.guard';
import { ConsoleExceptionFilter } from '../../console-exception.filter';
import type { PageViewer } from '../../view/layout';
import { redirect, sendPage } from '../../view/respond';
import { type AuditFilters, auditPage, type AuditPageData, verificationPage } from './audit.page';

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
/** Search rows per page. */
const PAGE = 25;

/** A WITA day as the API's instants: from its first moment, to the first moment of the day after (exclusive). */
function witaRange(from: string, to: string): { from?: string; to?: string } {
  const out: { from?: string; to?: string } = {};
  if (from) {
    if (!isIsoDate(from)) throw invalid('invalid_query', 'from must be a date', [{ path: 'from', code: 'invalid_iso_date', message: 'from must be a date' }]);
    out.from = `${from}T00:00:00+08:00`;
  }
  if (to) {
    if (!isIsoDate(to)) throw invalid('invalid_query', 'to must be a date', [{ path: 'to', code: 'invalid_iso_date', message: 'to must be a date' }]);
    out.to = `${addCalendarDays(to, 1)}T00:00:00+08:00`;
  }
  return out;
}

const ERROR_ID: Record<string, string> = {
  invalid_query: 'Isian pencarian tidak valid; periksa kode wilayah, jenis peristiwa dan tanggal.',
  not_found: 'Tidak ditemukan, atau di luar wilayah kewenangan Anda.',
};

/**
 * The auditors' pages: history search and the CSV / NDJSON export (auditors, as in the API), hash-chain verification
 * of a project (answered at once) or a region (a job with its own page), and the latest signed checkpoint with how
 * to verify it offline. Every figure comes from the audit API's own queries and commands, access log included.
 */
@ApiExcludeController()
@Controller('console/audit')
@UseGuards(ConsoleAuthGuard)
@UseFilters(ConsoleExceptionFilter)
@Roles('auditor', 'admin')
export class AuditConsoleController {
  constructor(
    private readonly queries: QueryBus,
    private readonly commands: CommandBus,
  ) {}

  @Get()
  async show(@Query() query: Record<string, unknown>, @Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const viewer = consoleViewer(req);
    const filters: AuditFilters = { regionCode: text(query.regionCode), type: text(query.type), from: text(query.from), to: text(query.to), projectRef: text(query.projectRef) };
    const cursor = text(query.cursor);
    return this.render(viewer, reply, filters, cursor, String(req.id));
  }

  /** The export, streamed by the audit API's own query: the file `GET /v1/audit/export` gives a script. */
  @Get('export')
  @Roles('auditor')
  async export(@Query() query: Record<string, unknown>, @Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const viewer = consoleViewer(req);
    const apiQuery = this.compact({ regionCode: text(query.regionCode), format: text(query.format) || 'csv', ...witaRange(text(query.from), text(query.to)) });
    const opened = await this.queries.execute(new ExportEventsQuery(viewer.principal, apiQuery, String(req.id)));
    reply
      .type(opened.writer.contentType)
      .header('content-disposition', `attachment; filename="${opened.filename}"`)
      .header('cache-control', 'no-store')
      .trailer('x-audit-count', async () => String(opened.summary().count))
      .trailer('x-audit-sha256', async () => opened.summary().sha256 ?? '');
    return reply.send(opened.stream);
  }

  /** The checkpoint document the offline check takes (`npm run cli -- audit:verify --checkpoint FILE`). */
  @Get('checkpoints/:id')
  async checkpoint(@Param('id') id: string, @Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const viewer = consoleViewer(req);
    const document = await this.queries.execute(new GetCheckpointQuery(id, viewer.principal, String(req.id)));
    return reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="sinergi-checkpoint-${document.id}.json"`)
      .header('cache-control', 'no-store')
      .send(JSON.stringify(document, null, 2));
  }

  /** `?projectId=`: the project's chains now, on the audit page; `?regionCode=`: a verification job and its page. */
  @Get('verify')
  async verify(@Query() query: Record<string, unknown>, @Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const viewer = consoleViewer(req);
    const projectId = text(query.projectId);
    const regionCode = text(query.regionCode);
    const empty: AuditFilters = { regionCode: '', type: '', from: '', to: '', projectRef: '' };
    if (projectId) {
      try {
        const projectVerification = await this.queries.execute(new VerifyProjectQuery(projectId, viewer.principal, String(req.id)));
        return this.render(viewer, reply, empty, '', String(req.id), { projectVerification });
      } catch (error) {
        if (error instanceof DomainError && error.kind === 'not_found') {
          return this.render(viewer, reply, empty, '', String(req.id), { error: 'Proyek tidak ditemukan, atau di luar wilayah kewenangan Anda.' }, 404);
        }
        throw error;
      }
    }
    if (!regionCode) throw invalid('invalid_query', 'give projectId or regionCode');
    const started = await this.commands.execute(new StartLogVerificationCommand(regionPrefixes(viewer.principal, regionCode), viewer.principal, { regionCode }, String(req.id)));
    return redirect(reply, `/console/audit/verifikasi/${started.verificationId}`);
  }

  @Get('verifikasi/:id')
  async verification(@Param('id') id: string, @Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const viewer = consoleViewer(req);
    const view = await this.queries.execute(new GetVerificationQuery(id, viewer.principal, String(req.id)));
    return sendPage(reply, verificationPage(viewer, view));
  }

  private async render(
    viewer: PageViewer,
    reply: FastifyReply,
    filters: AuditFilters,
    cursor: string,
    correlationId: string,
    extra: Partial<AuditPageData> = {},
    status = 200,
  ) {
    const checkpoints = await this.queries.execute(new ListCheckpointsQuery(parseListCheckpointsQuery({ limit: '1' }), viewer.principal, correlationId));
    let events: AuditPageData['events'] = null;
    let error = extra.error;
    if (hasRole(viewer.principal, 'auditor')) {
      const apiQuery = this.compact({
        regionCode: filters.regionCode,
        type: filters.type,
        projectRef: filters.projectRef,
        cursor,
        limit: String(PAGE),
        ...witaRangeOrNothing(filters),
      });
      try {
        events = await this.queries.execute(new SearchEventsQuery(viewer.principal, apiQuery, correlationId));
      } catch (e) {
        if (!(e instanceof DomainError) || (e.kind !== 'invalid' && e.kind !== 'not_found')) throw e;
        events = { items: [], nextCursor: null, lastCursor: null };
        error = ERROR_ID[e.code] ?? ERROR_ID.invalid_query;
        status = e.kind === 'invalid' ? 400 : 404;
      }
    }
    return sendPage(reply, auditPage(viewer, { filters, events, paged: cursor !== '', checkpoints, ...extra, error }), status);
  }

  private compact(query: Record<string, string | undefined>): Record<string, string> {
    return Object.fromEntries(Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
  }
}

/** A typed date that is not a date is left to the API's own refusal, which names it. */
function witaRangeOrNothing(f: AuditFilters): { from?: string; to?: string } {
  return {
    ...(f.from ? { from: isIsoDate(f.from) ? `${f.from}T00:00:00+08:00` : f.from } : {}),
    ...(f.to ? { to: isIsoDate(f.to) ? `${addCalendarDays(f.to, 1)}T00:00:00+08:00` : f.to } : {}),
  };
}
