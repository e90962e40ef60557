import { Controller, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { assertCanWrite, CurrentPrincipal, JwtAuthGuard, type Principal, Roles } from '@sinergi/auth';
import { CLOCK, type Clock } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import { EventStore } from '@sinergi/event-store';
import type { Pool } from 'pg';
import { decideCompliance } from '../../compliance/compliance.decider';
import { decideOnComplianceStream } from '../compliance-decision';

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
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post(':id/reverify')
  @HttpCode(202)
  @Roles('official', 'admin')
  @ApiOperation({ summary: 'Ask for the project to be verified again with BPJS now' })
  @ApiResponse({ status: 202, description: '{ projectId, requested: true }' })
  async reverify(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return decideOnComplianceStream(this.store, this.pool, id, ({ registration, compliance, facts }) => {
      assertCanWrite(principal, registration.regionCode, 'project');
      const command = { type: 'RequestVerification', reason: 'manual', requestedBy: principal.sub, requestedAt: this.clock.now().toISOString() } as const;
      return {
        events: decideCompliance(command, compliance, facts),
        metadata: { actor: { kind: 'user', id: principal.sub }, correlationId: `reverify-${id}`, regionCode: registration.regionCode, projectId: id },
        result: { projectId: id, requested: true },
      };
    });
  }
}
