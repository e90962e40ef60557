import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ProjectVerificationSchema, VerificationStartedSchema } from '../../audit.openapi';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { CurrentPrincipal, JwtAuthGuard, type Principal, Roles } from '@sinergi/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { invalidParam, onlyParams, regionPrefixes, singleParam } from '../../audit-query';
import { StartLogVerificationCommand } from './start-log-verification/start-log-verification.command';
import { VerifyProjectQuery } from './verify-project/verify-project.query';

/** Tamper evidence (docs/api.md): recompute hash chains and report the first broken link. Read-only, in scope. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
@UseGuards(JwtAuthGuard)
@Roles('auditor', 'admin')
export class VerifyHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get('verify')
  @ApiOperation({
    summary: "Recompute hash chains: a project's now, a region or the whole log as a job",
    description:
      "?projectId=: every stream about the project (procurement, compliance, its cases and their notifications) is recomputed in the request; " +
      'each stream reports ok or its first broken link {streamId, version, position, reason, expected, found}, and each stream whose head at the latest checkpoint ' +
      'is not the head that checkpoint signed (a chain recomputed after an edit, a deleted last event) is listed in headMismatches {streamId, signed, found}. ' +
      "?regionCode= (or nothing: the caller's whole scope; the whole log for the scope '*') starts a verification job: 202 with Location: /v1/audit/verifications/{id}. " +
      'An identical job already queued or running is returned instead of a new one. Every call is recorded in the audit access log.',
  })
  @ApiQuery({ name: 'projectId', required: false, format: 'uuid' })
  @ApiQuery({ name: 'regionCode', required: false, description: 'Region-code prefix, e.g. 73.07' })
  @ApiOkResponse({ type: ProjectVerificationSchema, description: 'Project verified: ok, or the first broken link per stream' })
  @ApiAcceptedResponse({
    type: VerificationStartedSchema,
    description: 'Verification job started (or already running)',
    headers: { Location: { description: 'The verification: GET it for status and result', schema: { type: 'string' } } },
  })
  @ApiResponse({ status: 400, description: 'invalid_query: an unknown parameter, a malformed one, or projectId and regionCode together' })
  @ApiResponse({ status: 404, description: "Unknown project or region, or outside the caller's regions" })
  async verify(
    @CurrentPrincipal() principal: Principal,
    @Query() query: Record<string, unknown>,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    onlyParams(query, ['projectId', 'regionCode']);
    const projectId = singleParam(query, 'projectId');
    const regionCode = singleParam(query, 'regionCode');
    if (projectId !== undefined && regionCode !== undefined) throw invalidParam('regionCode', 'conflicting_parameters', 'give projectId or regionCode, not both');
    if (projectId !== undefined) return this.queries.execute(new VerifyProjectQuery(projectId, principal, req.id));
    const filters = regionCode === undefined ? {} : { regionCode };
    const started = await this.commands.execute(new StartLogVerificationCommand(regionPrefixes(principal, regionCode), principal, filters, req.id));
    const location = `/v1/audit/verifications/${started.verificationId}`;
    reply.status(202).header('location', location);
    return { ...started, status: 'ACCEPTED', location };
  }
}
