import { Controller, Get, Inject, Param, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { CLOCK, type Clock } from '@sinergi/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { QueryBus } from '@nestjs/cqrs';
import { ALL_REGIONS, canSeeRegion, type Principal, resourceNotFound, Roles } from '@sinergi/auth';
import { addMonths, parseRegionCode, todayWita, type YearMonth, yearMonthOf } from '@sinergi/domain';
import type { FastifyReply } from 'fastify';
import { GetRegionCoverageQuery } from '../../../regional-coverage/api/get-region-coverage/get-region-coverage.query';
import { GetRegionSeriesQuery } from '../../../regional-coverage/api/get-region-series/get-region-series.query';
import { ListAgencyCoverageQuery } from '../../../regional-coverage/api/list-agency-coverage/list-agency-coverage.query';
import { GetRegionsQuery, ListRegionAncestorsQuery } from '../../../regional-coverage/regions/region-queries';
import { ConsoleAuthGuard, type ConsoleRequest, consoleViewer } from '../../auth/console-auth.guard';
import { ConsoleExceptionFilter } from '../../console-exception.filter';
import type { PageViewer } from '../../view/layout';
import { redirect, sendPage } from '../../view/respond';
import { coveragePage, regionChooserPage } from './coverage.page';

/** The trend shows two years of contract months, up to this month (WITA): a fiscal year and the one before it. */
export const TREND_MONTHS = 24;
export function trendStart(now: Date): YearMonth {
  return addMonths(yearMonthOf(todayWita(now)), -(TREND_MONTHS - 1));
}

/** `/console` and `/console/regions/{code}`: coverage against the target, from the coverage API's own handlers. */
@ApiExcludeController()
@Controller('console')
@UseGuards(ConsoleAuthGuard)
@UseFilters(ConsoleExceptionFilter)
@Roles('official', 'auditor', 'admin')
export class CoverageConsoleController {
  constructor(
    private readonly queries: QueryBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The home page: the one region of the viewer's scope, or a choice among several. */
  @Get()
  async home(@Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    const viewer = consoleViewer(req);
    const own = viewer.principal.regions.filter((r) => r !== ALL_REGIONS && parseRegionCode(r) !== null);
    if (own.length === 1 && !viewer.principal.regions.includes(ALL_REGIONS)) return this.render(own[0], viewer, reply);
    const found = new Map((await this.queries.execute(new GetRegionsQuery(own))).map((r) => [r.code, r.name]));
    const named = own.map((code) => ({ code, name: found.get(code) ?? code }));
    return sendPage(reply, regionChooserPage(viewer, named));
  }

  /** The chooser's form (`?kode=73.07`) without JavaScript. */
  @Get('regions')
  choose(@Query('kode') code: string | undefined, @Res() reply: FastifyReply) {
    const trimmed = typeof code === 'string' ? code.trim() : '';
    return redirect(reply, parseRegionCode(trimmed) ? `/console/regions/${trimmed}` : '/console');
  }

  @Get('regions/:code')
  region(@Param('code') code: string, @Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    if (parseRegionCode(code) === null) throw resourceNotFound('region');
    return this.render(code, consoleViewer(req), reply);
  }

  private async render(code: string, viewer: PageViewer & { principal: Principal }, reply: FastifyReply) {
    // All at once: each coverage handler checks the region and the reader's scope before it reads (unknown and out of
    // scope answer the same 404), so nothing outside the scope is read and the page answers 404 exactly as before.
    const [report, agencies, series, ancestors] = await Promise.all([
      this.queries.execute(new GetRegionCoverageQuery(code, viewer.principal)),
      this.queries.execute(new ListAgencyCoverageQuery(code, viewer.principal)),
      this.queries.execute(new GetRegionSeriesQuery(code, { from: trendStart(this.clock.now()) }, viewer.principal)),
      this.queries.execute(new ListRegionAncestorsQuery(code)),
    ]);
    // Crumbs only to regions the viewer may open: a regency official's province page would be a 404.
    const visible = ancestors.filter((a) => canSeeRegion(viewer.principal, a.code));
    return sendPage(reply, coveragePage(viewer, { report, agencies, series, ancestors: visible }));
  }
}
