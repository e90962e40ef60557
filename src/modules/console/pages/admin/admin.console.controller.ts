import { Controller, Get, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import { assertCanWrite, Roles } from '@sinergi/auth';
import { DomainError } from '@sinergi/common';
import type { FastifyReply } from 'fastify';
import { GetLadderQuery } from '../../../escalation/directory/ladders/get-ladder/get-ladder.query';
import { ListOfficialsQuery } from '../../../escalation/directory/officials/list-officials/list-officials.query';
import { GetRegionCoverageQuery } from '../../../regional-coverage/api/get-region-coverage/get-region-coverage.query';
import { regionCodeParam } from '../../../regional-coverage/api/region-params';
import { SetCoverageTargetCommand } from '../../../regional-coverage/targets/set-coverage-target/set-coverage-target.command';
import { ListDeadLettersQuery, parseListDeadLettersParams } from '../../../verification/dead-letters/list-dead-letters/list-dead-letters.query';
import { RetryDeadLetterCommand } from '../../../verification/dead-letters/retry-dead-letter/retry-dead-letter.command';
import { ConsoleAuthGuard, type ConsoleRequest, consoleViewer } from '../../auth/console-auth.guard';
import { ConsoleExceptionFilter } from '../../console-exception.filter';
import type { PageViewer } from '../../view/layout';
import { textOf } from '../../view/form';
import { redirect, sendPage } from '../../view/respond';
import { adminPage, type AdminPageData } from './admin.page';
import { adminRegion } from './admin-region';


const RETRY_ERROR_ID: Record<string, string> = {
  already_retried: 'Surat mati ini sudah diulang.',
  not_retryable: 'Surat mati jenis ini tidak dapat diulang.',
};

/**
 * The admins' overview: dead letters with retry (the operations API's query and command), the coverage target's
 * form, the region's escalation ladder (GetLadderQuery) and the officials directory (ListOfficialsQuery, as the API's
 * admin route: filtered to the admin's regions; addresses left out). The directory, the ladder and the procurement
 * clients have their own pages with forms (officials, ladder and clients controllers beside this one); the queue
 * dashboard is a link away.
 */
@ApiExcludeController()
@Controller('console/admin')
@UseGuards(ConsoleAuthGuard)
@UseFilters(ConsoleExceptionFilter)
@Roles('admin')
export class AdminConsoleController {
  constructor(
    private readonly queries: QueryBus,
    private readonly commands: CommandBus,
  ) {}

  @Get()
  async show(@Query() query: Record<string, unknown>, @Query('selesai') done: unknown, @Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const viewer = consoleViewer(req);
    return this.render(viewer, reply, textOf(query.regionCode), textOf(query.status) || 'open', { done: textOf(done) });
  }

  @Post('dead-letters/:id/retry')
  async retry(@Param('id') id: string, @Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const viewer = consoleViewer(req);
    try {
      await this.commands.execute(new RetryDeadLetterCommand(id, viewer.principal));
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind === 'not_found' || error.kind === 'unauthenticated') throw error;
      return this.render(viewer, reply, '', 'open', { error: RETRY_ERROR_ID[error.code] ?? 'Surat mati tidak dapat diulang.' }, error.kind === 'conflict' ? 409 : 400);
    }
    return redirect(reply, '/console/admin?selesai=retried');
  }

  /** The region's coverage target, through the coverage API's own command (a CoverageTargetSet event). */
  @Post('targets')
  async setTarget(@Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const viewer = consoleViewer(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const regionCode = textOf(body.regionCode);
    const typed = { metric: textOf(body.metric), targetPercent: textOf(body.targetPercent), deadline: textOf(body.deadline) };
    regionCodeParam(regionCode);
    assertCanWrite(viewer.principal, regionCode, 'this region');
    // "60" or "60,5" as officials write it; the command checks the range and the deadline.
    const percent = /^\d{1,3}([.,]\d{1,2})?$/.test(typed.targetPercent) ? Number(typed.targetPercent.replace(',', '.')) : Number.NaN;
    try {
      await this.commands.execute(
        new SetCoverageTargetCommand(regionCode, { metric: typed.metric, targetPercent: percent, deadline: typed.deadline }, { kind: 'user', id: viewer.principal.sub }, String(req.id)),
      );
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind !== 'invalid') throw error;
      const message = 'Target tidak dapat disimpan: persentase lebih dari 0 sampai 100 (paling banyak dua desimal), tenggat hari ini atau sesudahnya.';
      return this.render(viewer, reply, regionCode, 'open', { targetForm: { ...typed, error: message } }, 400);
    }
    return redirect(reply, `/console/admin?regionCode=${encodeURIComponent(regionCode)}&selesai=target`);
  }

  private async render(viewer: PageViewer, reply: FastifyReply, regionRaw: string, statusRaw: string, extra: Partial<AdminPageData>, status = 200) {
    const principal = viewer.principal;
    const regionCode = adminRegion(principal, regionRaw);
    const params = parseListDeadLettersParams(statusRaw);
    const [letters, ladder, officials, coverage] = await Promise.all([
      this.queries.execute(new ListDeadLettersQuery(params.status, params.limit, principal)),
      this.queries.execute(new GetLadderQuery(regionCode, principal)).catch((error: unknown) => {
        if (error instanceof DomainError && error.kind === 'not_found') return null;
        throw error;
      }),
      this.queries.execute(new ListOfficialsQuery(principal, regionCode)),
      this.queries.execute(new GetRegionCoverageQuery(regionCode, principal)).catch((error: unknown) => {
        if (error instanceof DomainError && error.kind === 'not_found') return null;
        throw error;
      }),
    ]);
    const data: AdminPageData = {
      regionCode,
      deadLetterStatus: params.status,
      deadLetters: letters.items,
      ladder,
      officials: officials.items,
      target: coverage?.target ?? null,
      ...extra,
    };
    return sendPage(reply, adminPage(viewer, data), status);
  }
}
