import { Controller, Get, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import { ALL_REGIONS, canSeeRegion, Roles } from '@sinergi/auth';
import { DomainError } from '@sinergi/common';
import { parseRegionCode } from '@sinergi/domain';
import type { FastifyReply } from 'fastify';
import { GetLadderQuery } from '../../../escalation/directory/ladders/get-ladder/get-ladder.query';
import { OfficialsRepository } from '../../../escalation/directory/officials.repository';
import { ListDeadLettersQuery, parseListDeadLettersParams } from '../../../verification/dead-letters/list-dead-letters/list-dead-letters.query';
import { RetryDeadLetterCommand } from '../../../verification/dead-letters/retry-dead-letter/retry-dead-letter.command';
import { ConsoleAuthGuard, type ConsoleRequest, consoleViewer } from '../../auth/console-auth.guard';
import { ConsoleExceptionFilter } from '../../console-exception.filter';
import type { PageViewer } from '../../view/layout';
import { redirect, sendPage } from '../../view/respond';
import { adminPage, type AdminPageData } from './admin.page';

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

const RETRY_ERROR_ID: Record<string, string> = {
  already_retried: 'Surat mati ini sudah diulang.',
  not_retryable: 'Surat mati jenis ini tidak dapat diulang.',
};

/**
 * The admins' page: dead letters with retry (the operations API's query and command), the region's escalation
 * ladder (GetLadderQuery) and the officials directory (the directory the API's admin routes read, filtered to the
 * admin's regions as they do; addresses left out). The queue dashboard is a link away.
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
    private readonly officials: OfficialsRepository,
  ) {}

  @Get()
  async show(@Query() query: Record<string, unknown>, @Query('selesai') done: unknown, @Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const viewer = consoleViewer(req);
    return this.render(viewer, reply, text(query.regionCode), text(query.status) || 'open', { done: text(done) });
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

  private async render(viewer: PageViewer, reply: FastifyReply, regionRaw: string, statusRaw: string, extra: Partial<AdminPageData>, status = 200) {
    const principal = viewer.principal;
    const regions = principal.regions.filter((r) => r !== ALL_REGIONS);
    const regionCode = regionRaw || regions[0] || '73';
    if (parseRegionCode(regionCode) === null || !canSeeRegion(principal, regionCode)) throw new DomainError('not_found', 'not_found', 'region not found');
    const params = parseListDeadLettersParams(statusRaw);
    const [letters, ladder, officials] = await Promise.all([
      this.queries.execute(new ListDeadLettersQuery(params.status, params.limit, principal)),
      this.queries.execute(new GetLadderQuery(regionCode, principal)).catch((error: unknown) => {
        if (error instanceof DomainError && error.kind === 'not_found') return null;
        throw error;
      }),
      this.officials.list({ regionCode }),
    ]);
    const data: AdminPageData = {
      regionCode,
      deadLetterStatus: params.status,
      deadLetters: letters.items,
      ladder,
      officials: officials.filter((o) => canSeeRegion(principal, o.regionScope)),
      ...extra,
    };
    return sendPage(reply, adminPage(viewer, data), status);
  }
}
