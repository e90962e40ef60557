import { Body, Controller, HttpCode, Param, Put, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { SegmentReportSchema } from '../../coverage.openapi';
import { CommandBus } from '@nestjs/cqrs';
import { assertCanWrite, CurrentPrincipal, JwtAuthGuard, type Principal, Roles } from '@sinergi/auth';
import type { FastifyRequest } from 'fastify';
import { ReportSegmentEnrolmentCommand } from './report-segment-enrolment.command';
import { regionCodeParam } from '../../api/region-params';
import { SEGMENT_SOURCES, WORKER_SEGMENTS } from '../segment-enrolment.events';

/** Enrolment of worker segments beyond construction (issue 5 item 6): admins report them per region and month. */
@ApiTags('coverage')
@ApiBearerAuth()
@Controller('v1/coverage/segments')
@UseGuards(JwtAuthGuard)
@Roles('admin')
export class ReportSegmentEnrolmentHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Put(':regionCode/:segment/:period')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Report enrolment of a worker segment for a region and month',
    description:
      'Recorded as a SegmentEnrolmentReported event (stream coverage-segments-{regionCode}); the same figures again record nothing, ' +
      'other figures replace the month\'s report. Files from the BPJS branch: `npm run cli -- segments:import FILE.csv`. ' +
      'GET /v1/coverage/regions/{code} shows the latest period of each segment (rolled up over districts) and overall coverage.',
  })
  @ApiParam({ name: 'segment', enum: [...WORKER_SEGMENTS] })
  @ApiParam({ name: 'period', description: 'Month YYYY-MM, this month (WITA) or earlier', example: '2026-10' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['enrolled', 'eligible', 'source'],
      properties: {
        enrolled: { type: 'integer', minimum: 0, example: 1040, description: 'People of the segment registered with BPJS Ketenagakerjaan' },
        eligible: { type: 'integer', minimum: 0, example: 1040, description: 'People of the segment who should be (≥ enrolled)' },
        source: { type: 'string', enum: [...SEGMENT_SOURCES] },
      },
    },
  })
  @ApiOkResponse({ type: SegmentReportSchema, description: 'The report on record: `{ regionCode, segment, period, enrolled, eligible, percent, source, sourceFile, reportedBy, reportedAt }`' })
  @ApiResponse({ status: 400, description: 'invalid_region_code, unknown_region or invalid_segment_report, naming the field (application/problem+json)' })
  @ApiResponse({ status: 403, description: "forbidden_role (admins only) or region_out_of_scope (outside the admin's regions)" })
  put(
    @Param('regionCode') regionCode: string,
    @Param('segment') segment: string,
    @Param('period') period: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
  ) {
    regionCodeParam(regionCode);
    assertCanWrite(principal, regionCode, 'this region');
    return this.commands.execute(new ReportSegmentEnrolmentCommand(regionCode, segment, period, body, { kind: 'user', id: principal.sub }, String(req.id)));
  }
}
