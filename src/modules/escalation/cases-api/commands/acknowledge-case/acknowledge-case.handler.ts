import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@sinergi/auth';
import { CLOCK, type Clock } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import { EventStore } from '@sinergi/event-store';
import type { Pool } from 'pg';
import type { CaseSummary } from '../../case-summary';
import { decideOnCase } from '../decide-on-case';

/** An official records having seen the case's current level; it stops nothing, and repeating it adds nothing. */
@Injectable()
export class AcknowledgeCaseHandler {
  constructor(
    private readonly store: EventStore,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute(caseId: string, official: Principal, note: string, correlationId: string): Promise<CaseSummary> {
    const now = this.clock.now().toISOString();
    return decideOnCase(this.store, this.pool, caseId, official, correlationId, {
      type: 'AcknowledgeCase',
      by: { sub: official.sub, position: official.position },
      note,
      now,
    });
  }
}
