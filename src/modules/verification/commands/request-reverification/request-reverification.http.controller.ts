import { Controller, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { assertCanWrite, CurrentPrincipal, JwtAuthGuard, type Principal, resourceNotFound, Roles } from '@sinergi/auth';
import { CLOCK, type Clock } from '@sinergi/common';
import { ConcurrencyError, EventStore } from '@sinergi/event-store';
import { foldProject } from '../../../project-intake/construction-project.decider';
import { type ConstructionProjectEvent, projectStreamId } from '../../../project-intake/construction-project.events';
import { decideCompliance, foldCompliance } from '../../compliance/compliance.decider';
import { projectFacts } from '../verify-enrolment/verify-enrolment.handler';
import { type ComplianceEvent, complianceStreamId } from '../../compliance/compliance.events';

/**
 * An official asks for a fresh look at BPJS. The request is an event of the compliance stream
 * (who asked, when), and the relay turns it into a verification job like any other trigger.
 */
@ApiTags('projects')
@ApiBearerAuth()
@Controller('v1/projects')
@UseGuards(JwtAuthGuard)
export class RequestReverificationHttpController {
  constructor(
    private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post(':id/reverify')
  @HttpCode(202)
  @Roles('official', 'admin')
  @ApiOperation({ summary: 'Ask for the project to be verified again with BPJS now' })
  @ApiResponse({ status: 202, description: '{ projectId, requested: true }' })
  async reverify(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    for (let attempt = 1; ; attempt += 1) {
      const streams = await this.store.readStreams([projectStreamId(id), complianceStreamId(id)]).catch(() => null);
      const project = streams ? foldProject(streams.get(projectStreamId(id))!.events as unknown as ConstructionProjectEvent[]) : null;
      const r = project?.registration;
      if (!streams || !r) throw resourceNotFound('project');
      assertCanWrite(principal, r.regionCode, 'project');
      const compliance = streams.get(complianceStreamId(id))!;
      const [event] = decideCompliance(
        { type: 'RequestVerification', reason: 'manual', requestedBy: principal.sub, requestedAt: this.clock.now().toISOString() },
        foldCompliance(compliance.events as unknown as ComplianceEvent[]),
        projectFacts(id, project!),
      );
      try {
        await this.store.appendToStream(complianceStreamId(id), compliance.head, [
          {
            type: event.type,
            data: event.data as unknown as Record<string, unknown>,
            metadata: { actor: { kind: 'user', id: principal.sub }, correlationId: `reverify-${id}`, regionCode: r.regionCode, projectId: id },
          },
        ]);
        return { projectId: id, requested: true };
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= 5) throw error;
      }
    }
  }
}
