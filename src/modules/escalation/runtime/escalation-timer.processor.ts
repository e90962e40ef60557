import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { bullConnection, queuePrefixOf, CLOCK, type Clock, safeError, SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import { BatchCommandHandler, EventStore, MAX_CONFLICT_ATTEMPTS, type StreamEvents } from '@sinergi/event-store';
import { type Job, Worker } from 'bullmq';
import type { Pool } from 'pg';
import { SinergiMetrics } from '../../../platform/metrics';
import { caseTimerJobId, decideCase, escalationCaseModel } from '../case-decider/escalation-case.decider';
import { caseStreamId, type EscalationCaseEvent } from '../case-decider/escalation-case.events';
import { ESCALATION_QUEUE, type EscalationTimerJob } from '../escalation.queues';

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
        // reconciler from queueing the timers again. Should a mark be lost, that timer fires once more and its case
        // decides nothing.
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

/**
 * Gathers the timers the worker is processing at once (up to `max`, or what arrives within `waitMs`) into one
 * `fireMany`; a batch that meets a concurrent writer falls back to firing its timers one at a time.
 */
class TimerBatcher {
  private pending: { job: EscalationTimerJob; resolve: (o: TimerOutcome) => void; reject: (e: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly handler: EscalationTimerHandler,
    private readonly max: number,
    private readonly waitMs = 5,
  ) {}

  fire(job: EscalationTimerJob): Promise<TimerOutcome> {
    return new Promise((resolve, reject) => {
      this.pending.push({ job, resolve, reject });
      if (this.pending.length >= this.max) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.waitMs);
    });
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    void this.handler
      .fireMany(batch.map((b) => b.job))
      .then((outcomes) => batch.forEach((b, i) => b.resolve(outcomes[i])))
      .catch(() => batch.forEach((b) => this.handler.fire(b.job).then(b.resolve, b.reject)));
  }
}

/** The BullMQ worker of the `escalation` queue (delayed jobs as timers). */
@Injectable()
export class EscalationTimerProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('EscalationTimers');
  private worker: Worker<EscalationTimerJob> | null = null;
  private readonly batcher: TimerBatcher;

  constructor(
    private readonly handler: EscalationTimerHandler,
    private readonly metrics: SinergiMetrics,
    @Inject(SINERGI_CONFIG) private readonly config: SinergiConfig,
  ) {
    this.batcher = new TimerBatcher(handler, config.escalation.timerConcurrency);
  }

  onApplicationBootstrap(): void {
    const worker = new Worker<EscalationTimerJob>(ESCALATION_QUEUE, (job) => this.process(job), {
      connection: bullConnection(this.config, 'worker'),
      prefix: queuePrefixOf(this.config, ESCALATION_QUEUE),
      concurrency: this.config.escalation.timerConcurrency,
      maxStalledCount: 5,
    });
    worker.on('error', (error) => this.logger.error({ err: error.message }, 'escalation worker error'));
    worker.on('failed', (job, error) => this.logger.warn({ jobId: job?.id, attempt: job?.attemptsMade, err: safeError(error) }, 'escalation timer failed'));
    this.worker = worker;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  private async process(job: Job<EscalationTimerJob>): Promise<TimerOutcome> {
    const outcome = await this.batcher.fire(job.data);
    this.metrics.escalationTimers.inc({ outcome });
    return outcome;
  }
}
