import { Controller, Get, Param, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ProjectHistorySchema } from '../../audit.openapi';
import { QueryBus } from '@nestjs/cqrs';
import { CurrentPrincipal, JwtAuthGuard, type Principal, Roles } from '@sinergi/auth';
import type { FastifyRequest } from 'fastify';
import { GetProjectHistoryQuery } from './get-project-history.query';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit/projects')
@UseGuards(JwtAuthGuard)
@Roles('auditor')
export class GetProjectHistoryHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id/history')
  @ApiOperation({
    summary: "Everything that happened to a project: its procurement and compliance streams, its cases and their notifications, in commit order",
    description:
      'Each event with position, stream and version, type, time, actor, correlation, causation and source event ids, data, prev hash and hash. ' +
      'Contact details are masked (masked: true) and people appear as personal-data references, unless the token carries the pii:read ' +
      'permission: then the references are resolved in personalData (never for erased people) and the reveal is recorded. Every call is recorded.',
  })
  @ApiOkResponse({ type: ProjectHistorySchema })
  @ApiResponse({ status: 404, description: "Unknown, malformed id, or outside the caller's regions" })
  get(@Param('id') id: string, @CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest) {
    return this.queries.execute(new GetProjectHistoryQuery(id, principal, String(req.id)));
  }
}
