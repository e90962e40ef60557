import { Body, Controller, HttpCode, Param, Put, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CoverageTargetSchema } from '../../coverage.openapi';
import { CommandBus } from '@nestjs/cqrs';
import { assertCanWrite, CurrentPrincipal, JwtAuthGuard, type Principal, Roles } from '@sinergi/auth';
import type { FastifyRequest } from 'fastify';
import { SetCoverageTargetCommand } from './set-coverage-target.command';
import { regionCodeParam } from '../../api/region-params';
import { TARGET_METRICS } from '../coverage-target.events';

/** Coverage targets per region (docs/api.md): admins set them; every change is a CoverageTargetSet event. */
@ApiTags('coverage')
@ApiBearerAuth()
@Controller('v1/coverage/targets')
@UseGuards(JwtAuthGuard)
@Roles('admin')
export class SetCoverageTargetHttpController {
  constructor(private readonly commands: CommandBus) {}

  @Put(':regionCode')
  @HttpCode(200)
  @ApiOperation({
    summary: "Set the region's coverage target",
    description:
      'Recorded as a CoverageTargetSet event on the stream coverage-target-{regionCode}; setting the target in force again records nothing. ' +
      'GET /v1/coverage/regions/{regionCode} then shows the target with the gap in points and the pace per month needed to meet it by the deadline. ' +
      'Targets belong to the region they are set on; its districts do not inherit them.',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['metric', 'targetPercent', 'deadline'],
      properties: {
        metric: { type: 'string', enum: [...TARGET_METRICS], description: 'projects (registered / total projects, the headline), workers (covered / reported), value (covered / total contract value)' },
        targetPercent: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 100, example: 60, description: 'At most two decimals' },
        deadline: { type: 'string', format: 'date', example: '2027-12-31', description: 'Today (WITA) or later' },
      },
    },
  })
  @ApiOkResponse({ type: CoverageTargetSchema, description: '`{ regionCode, metric, targetPercent, deadline, setBy, setAt, version }`: the target in force' })
  @ApiResponse({ status: 400, description: 'invalid_region_code, unknown_region or invalid_target: the failing fields are in errors[].path (application/problem+json)' })
  @ApiResponse({ status: 403, description: "forbidden_role (admins only) or region_out_of_scope (outside the admin's regions)" })
  put(@Param('regionCode') regionCode: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest) {
    regionCodeParam(regionCode);
    assertCanWrite(principal, regionCode, 'this region');
    return this.commands.execute(new SetCoverageTargetCommand(regionCode, body, { kind: 'user', id: principal.sub }, String(req.id)));
  }
}
