import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import { EventStore } from '@sinergi/event-store';
import type { Pool } from 'pg';
import { AcknowledgeCaseCommand } from './acknowledge-case.command';
import type { CaseSummary } from '../../case-summary';
import { decideOnCase } from '../decide-on-case';

/** An official records having seen the case's current level; it stops nothing, and repeating it adds nothing. */
@CommandHandler(AcknowledgeCaseCommand)
export class AcknowledgeCaseHandler implements ICommandHandler<AcknowledgeCaseCommand> {
  constructor(
    private readonly store: EventStore,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ caseId, official, note, correlationId }: AcknowledgeCaseCommand): Promise<CaseSummary> {
    const now = this.clock.now().toISOString();
    return decideOnCase(this.store, this.pool, caseId, official, correlationId, {
      type: 'AcknowledgeCase',
      by: { sub: official.sub, position: official.position },
      note,
      now,
    });
  }
}
