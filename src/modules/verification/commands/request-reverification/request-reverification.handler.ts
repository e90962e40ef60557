import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import { EventStore } from '@sinergi/event-store';
import type { Pool } from 'pg';
import { decideCompliance } from '../../compliance/compliance.decider';
import { decideOnComplianceStream } from '../compliance-decision';
import { RequestReverificationCommand, type ReverificationRequested } from './request-reverification.command';

/**
 * Records the request as an event of the compliance stream (who asked, when); the relay turns it into a
 * verification job like any other trigger. A project outside the requester's regions is 404 like an unknown one.
 */
@CommandHandler(RequestReverificationCommand)
export class RequestReverificationHandler implements ICommandHandler<RequestReverificationCommand> {
  constructor(
    private readonly store: EventStore,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ projectId, requester }: RequestReverificationCommand): Promise<ReverificationRequested> {
    return decideOnComplianceStream(this.store, this.pool, projectId, requester, ({ registration, compliance, facts }) => {
      const command = { type: 'RequestVerification', reason: 'manual', requestedBy: requester.sub, requestedAt: this.clock.now().toISOString() } as const;
      return {
        events: decideCompliance(command, compliance, facts),
        metadata: { actor: { kind: 'user', id: requester.sub }, correlationId: `reverify-${projectId}`, regionCode: registration.regionCode, projectId },
        result: { projectId, requested: true },
      };
    });
  }
}
