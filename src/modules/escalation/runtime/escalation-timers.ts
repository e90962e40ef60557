import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CLOCK, type Clock, safeError, SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import { BatchCommandHandler, ConcurrencyError, EventStore, MAX_CONFLICT_ATTEMPTS, type StreamEvents } from '@sinergi/event-store';
import type { Pool } from 'pg';
import { SinergiMetrics } from '../../../platform/metrics';
import { caseTimerJobId, decideCase, escalationCaseModel } from '../case-decider/escalation-case.decider';
import { caseStreamId, type EscalationCaseEvent } from '../case-decider/escalation-case.events';
import type { EscalationTimerJob } from '../escalation.queues';

export type TimerOutcome = 'escalated' | 'stale';

const decideOnCases = BatchCommandHandler(escalationCaseModel);

/**
 * Fires ladder timers: the case decides what an elapsed wait means (the next level, once; or nothing when the case
 * ended, moved on or already reached it), then the timer row is marked fired. A timer that fell due while the worker
 * was down fires once when it comes back; the next level's wait starts then.
 */
@Injectable()
export class EscalationTimerHandler {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async fire(job: EscalationTimerJob): Promise<TimerOutcome> {
    return (await this.fireMany([job], MAX_CONFLICT_ATTEMPTS))[0];
  }

  /**
   * Fires several timers with three statements in all: one read of their case streams, one append, one mark. Throws
   * ConcurrencyError when any of those streams moved meanwhile and `maxAttempts` are spent (nothing is appended then);
   * `fire` retries one alone.
   */
  async fireMany(jobs: readonly EscalationTimerJob[], maxAttempts = 1): Promise<TimerOutcome[]> {
    const deps = { store: this.store, pool: this.pool };
    const outcomes = await decideOnCases(
      deps,
      jobs.map((j) => caseStreamId(j.caseId)),
      (streams) => {
        const now = this.clock.now().toISOString();
        const appends: StreamEvents<EscalationCaseEvent>[] = [];
        const result = jobs.map((job): TimerOutcome => {
          const stream = streams.get(caseStreamId(job.caseId))!;
          if (appends.some((a) => a.streamId === stream.streamId) || stream.events.length === 0) return 'stale';
          const events = decideCase({ type: 'EscalationTimerFired', level: job.level, now }, stream.state);
          if (events.length === 0) return 'stale';
          appends.push({
            streamId: stream.streamId,
            events,
            metadata: {
              actor: { kind: 'system' as const, id: 'escalation-timer' },
              correlationId: stream.events[0].metadata.correlationId,
              causationId: stream.events[stream.events.length - 1].eventId,
              regionCode: stream.state.regionCode ?? undefined,
              timerJobId: caseTimerJobId(job.caseId, job.level),
            },
          });
          return 'escalated';
        });
        // No transaction (no `write`): the append is the effect; marking the rows fired below only stops the
        // sweepers from claiming the timers again. Should a mark be lost, that timer fires once more when its claim
        // lapses, and its case decides nothing.
        return { appends, result };
      },
      { maxAttempts },
    );
    await this.pool.query(`UPDATE escalation_timers SET fired_at = now() WHERE job_id = ANY($1::text[]) AND fired_at IS NULL`, [
      jobs.map((j) => caseTimerJobId(j.caseId, j.level)),
    ]);
    return outcomes;
  }
}

/** A due timer claimed for firing: its row's id and what the case needs to hear. */
export interface ClaimedTimer extends EscalationTimerJob {
  jobId: string;
}

/** How long a claim holds before another worker may take the timer (first try; doubled per try, at most an hour). */
const LEASE_SECONDS = 30;
/** Timers a sweep loop claims and fires at once. */
export const TIMER_BATCH = 250;

/**
 * Ladder timers fire from PostgreSQL, the system of record (docs/architecture.md, "Timers"): `escalation_timers`
 * holds every wait's due time, and each worker runs a few sweep loops that claim due rows in batches (a lease, `FOR
 * UPDATE SKIP LOCKED`, so workers share the wave without taking the same row) and fire each batch with one read, one
 * append and one mark. Due means due by this worker's clock, the one the case decides with. Nothing of a timer lives
 * in Redis, so a Redis restart, flush or failover cannot lose or delay one; a worker killed mid-batch leaves leases
 * that lapse, and the timers fire then, once (the case decides nothing for a level it already reached). With nothing
 * due, one loop looks again after ESCALATION_TIMER_POLL_MS and the others wait for a wave.
 */
@Injectable()
export class EscalationTimerSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('EscalationTimers');
  private readonly loops: Promise<void>[] = [];
  private stopped = false;
  private readonly wakeUps = new Set<() => void>();
  /** The helper loops asleep until a wave: woken when any loop claims a full batch. */
  private readonly idleHelpers = new Set<() => void>();

  constructor(
    private readonly handler: EscalationTimerHandler,
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly metrics: SinergiMetrics,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SINERGI_CONFIG) private readonly config: SinergiConfig,
  ) {}

  onApplicationBootstrap(): void {
    const { timerConcurrency } = this.config.escalation;
    const loops = Math.max(1, Math.ceil(timerConcurrency / TIMER_BATCH));
    const batch = Math.ceil(timerConcurrency / loops);
    for (let i = 0; i < loops; i += 1) this.loops.push(this.loop(batch, i === 0));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const wake of this.wakeUps) wake();
    await Promise.all(this.loops);
  }

  /** Claims and fires due timers until none is due; returns how many it fired (tests, the local runner). */
  async sweep(batch = TIMER_BATCH): Promise<number> {
    let fired = 0;
    for (let claimed = await this.claim(batch); claimed.length > 0 && !this.stopped; claimed = await this.claim(batch)) {
      await this.fire(claimed);
      fired += claimed.length;
    }
    return fired;
  }

  /**
   * One sweep loop. The lead loop looks for due timers every ESCALATION_TIMER_POLL_MS; the others (helpers) sleep
   * while there is no wave, so an idle worker asks PostgreSQL once per poll however many loops it may run. A loop
   * that claims a full batch wakes the sleeping helpers, and each goes back to sleep when it claims less than one.
   */
  private async loop(batch: number, lead: boolean): Promise<void> {
    while (!this.stopped) {
      let claimed: ClaimedTimer[] = [];
      try {
        claimed = await this.claim(batch);
        if (claimed.length === batch) for (const wake of [...this.idleHelpers]) wake();
        if (claimed.length > 0) await this.fire(claimed);
      } catch (error) {
        // PostgreSQL away or a batch that failed as a whole: the claims lapse and the timers are tried again.
        this.logger.warn({ err: safeError(error), timers: claimed.length }, 'escalation timers not fired; will try again');
        claimed = [];
      }
      if (claimed.length < batch) await (lead ? this.pause(this.config.escalation.timerPollMs) : this.pause(null));
    }
  }

  /** Due rows not held by another claim, oldest first, held for a lease that grows with each try. */
  private async claim(batch: number): Promise<ClaimedTimer[]> {
    const { rows } = await this.pool.query<{ job_id: string; case_id: string; level: number }>(
      `UPDATE escalation_timers t
          SET claimed_until = $1::timestamptz + make_interval(secs => least(3600, $3 * power(2, least(t.attempts, 7)))),
              attempts = t.attempts + 1
        WHERE t.job_id IN (SELECT job_id FROM escalation_timers
                            WHERE fired_at IS NULL AND cancelled_at IS NULL AND due_at <= $1::timestamptz
                              AND (claimed_until IS NULL OR claimed_until <= $1::timestamptz)
                            ORDER BY due_at, job_id LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING t.job_id, t.case_id, t.level`,
      [this.clock.now(), batch, LEASE_SECONDS],
    );
    return rows.map((r) => ({ jobId: r.job_id, caseId: r.case_id, level: r.level }));
  }

  /** One batch at once; a batch that meets a concurrent writer of one of its cases fires its timers one at a time. */
  private async fire(timers: ClaimedTimer[]): Promise<void> {
    let outcomes: TimerOutcome[];
    try {
      outcomes = await this.handler.fireMany(timers);
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      outcomes = [];
      for (const timer of timers) outcomes.push(await this.handler.fire(timer));
    }
    for (const outcome of outcomes) this.metrics.escalationTimers.inc({ outcome });
  }

  /** Sleeps `ms`, or until a wave wakes it (null: a helper), or until shutdown. */
  private pause(ms: number | null): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        if (timeout !== undefined) clearTimeout(timeout);
        this.wakeUps.delete(wake);
        this.idleHelpers.delete(wake);
        resolve();
      };
      const timeout = ms === null ? undefined : setTimeout(wake, ms);
      this.wakeUps.add(wake);
      if (ms === null) this.idleHelpers.add(wake);
    });
  }
}
