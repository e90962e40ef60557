import { randomUUID } from 'node:crypto';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CLOCK, type Clock, safeError, type SinergiConfig, SINERGI_CONFIG } from '@sinergi/common';
import { inTransaction, PG_POOL } from '@sinergi/database';
import type { Pool } from 'pg';
import { expiredHeldEvents, recordHeldDeadLetters, registeredProjectsWithHeldEvents, releaseHeld } from '../commands/record-procurement-event/held-events';
import { RecordProcurementEventsHandler } from '../commands/record-procurement-event/record-procurement-events.handler';

const INTERVAL_MS = 30_000;
const BATCH = 500;

/**
 * In the worker: applies held events whose registration is in the log but which no request applied (a crash
 * between the two), and turns holds older than `HELD_EVENT_TTL_DAYS` into dead letters (`HELD_EVENT_EXPIRED`).
 * Several workers may sweep at once: releasing a held event is conditional, so each is settled once.
 */
@Injectable()
export class HeldEventsSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('HeldEvents');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly ingest: RecordProcurementEventsHandler,
    @Inject(SINERGI_CONFIG) private readonly config: SinergiConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const tick = () => {
      this.running = this.sweep()
        .catch((error) => this.logger.warn({ err: safeError(error) }, 'sweeping held events failed; will try again'))
        .finally(() => (this.timer = setTimeout(tick, INTERVAL_MS)));
    };
    tick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One pass; returns how many held events it applied and how many it expired. */
  async sweep(): Promise<{ applied: number; expired: number }> {
    const applied = await this.ingest.drain(await registeredProjectsWithHeldEvents(this.pool, BATCH));
    const now = this.clock.now();
    const before = new Date(now.getTime() - this.config.ingest.heldEventTtlDays * 86_400_000);
    let expired = 0;
    for (;;) {
      const stale = await expiredHeldEvents(this.pool, before, BATCH);
      if (stale.length === 0) break;
      const done = await inTransaction(this.pool, async (tx) => {
        // Another sweeper or a registration took some: settle the rest on the next pass.
        if (!(await releaseHeld(tx, stale))) throw new Error('held events moved during the sweep');
        await recordHeldDeadLetters(
          tx,
          stale.map((held) => ({ id: randomUUID(), kind: 'HELD_EVENT_EXPIRED', held, reason: 'no_registration_in_time' })),
          now,
        );
        return stale.length;
      }).catch(() => 0);
      if (done === 0) break;
      expired += done;
    }
    if (applied || expired) this.logger.log({ applied, expired }, 'held events swept');
    return { applied, expired };
  }
}
