import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import { EventStore } from '@sinergi/event-store';
import type { Pool } from 'pg';
import { WaiveCaseCommand } from './waive-case.command';
import type { CaseSummary } from '../../case-summary';
import { decideOnCase } from '../decide-on-case';

/**
 * An authorised official (head of agency and above, by the `position` claim) ends the case with a written
 * justification; held payments are released. The decider refuses other positions and a head of another agency (403), a short justification
 * (400) and a case that already ended (409).
 */
@CommandHandler(WaiveCaseCommand)
export class WaiveCaseHandler implements ICommandHandler<WaiveCaseCommand> {
  constructor(
    private readonly store: EventStore,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ caseId, official, justification, correlationId }: WaiveCaseCommand): Promise<CaseSummary> {
    const now = this.clock.now().toISOString();
    return decideOnCase(this.store, this.pool, caseId, official, correlationId, {
      type: 'WaiveCase',
      by: { sub: official.sub, position: official.position },
      agency: official.agency,
      justification,
      now,
    });
  }
}
