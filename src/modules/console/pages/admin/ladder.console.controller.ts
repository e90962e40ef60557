import { Controller, Get, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import { Roles } from '@sinergi/auth';
import { DomainError } from '@sinergi/common';
import type { FastifyReply } from 'fastify';
import { GetLadderQuery } from '../../../escalation/directory/ladders/get-ladder/get-ladder.query';
import type { LadderView } from '../../../escalation/directory/ladders/ladder-view';
import { SetLadderCommand } from '../../../escalation/directory/ladders/set-ladder/set-ladder.command';
import { ConsoleAuthGuard, type ConsoleRequest, consoleViewer } from '../../auth/console-auth.guard';
import { ConsoleExceptionFilter } from '../../console-exception.filter';
import { textOf } from '../../view/form';
import { href } from '../../view/html';
import type { PageViewer } from '../../view/layout';
import { redirect, sendPage } from '../../view/respond';
import { adminRegion } from './admin-region';
import { ladderLevels, ladderRowErrors, readLadderRows } from './ladder-form';
import { ladderPage, type LadderPageData } from './ladder.page';

/**
 * The region's escalation ladder: the ladder that applies (GetLadderQuery) and a form whose levels go to the
 * ladder API's own SetLadderCommand, which checks them and stores a new version; its field errors come back on
 * their rows (400), its scope rule answers 404 for a region outside the admin's, as every admin page does.
 */
@ApiExcludeController()
@Controller('console/admin/ladder')
@UseGuards(ConsoleAuthGuard)
@UseFilters(ConsoleExceptionFilter)
@Roles('admin')
export class LadderConsoleController {
  constructor(
    private readonly queries: QueryBus,
    private readonly commands: CommandBus,
  ) {}

  @Get()
  show(@Query('regionCode') regionCode: unknown, @Query('selesai') done: unknown, @Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const viewer = consoleViewer(req);
    return this.render(viewer, reply, adminRegion(viewer.principal, textOf(regionCode)), { done: done === 'ladder' });
  }

  @Post()
  async save(@Query('regionCode') regionRaw: unknown, @Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const viewer = consoleViewer(req);
    const regionCode = adminRegion(viewer.principal, textOf(regionRaw));
    const rows = readLadderRows(req.body);
    const { levels, rowOf } = ladderLevels(rows);
    try {
      await this.commands.execute(new SetLadderCommand(regionCode, { levels }, viewer.principal));
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind !== 'invalid') throw error;
      const { rows: rowErrors, general } = ladderRowErrors(error.errors, rowOf);
      return this.render(viewer, reply, regionCode, { form: { rows, rowErrors, general } }, 400);
    }
    return redirect(reply, href('/console/admin/ladder', { regionCode, selesai: 'ladder' }));
  }

  private async render(viewer: PageViewer, reply: FastifyReply, regionCode: string, extra: Partial<LadderPageData>, status = 200) {
    const ladder: LadderView | null = await this.queries.execute(new GetLadderQuery(regionCode, viewer.principal)).catch((error: unknown) => {
      if (error instanceof DomainError && error.kind === 'not_found') return null;
      throw error;
    });
    return sendPage(reply, ladderPage(viewer, { regionCode, ladder, ...extra }), status);
  }
}
