import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CLOCK, type Clock, type SinergiConfig, SINERGI_CONFIG } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import { EventStore, retryOnConflict } from '@sinergi/event-store';
import { type Job, Worker } from 'bullmq';
import type { Pool } from 'pg';
import { SinergiMetrics } from '../../../platform/metrics';
import { bullConnection } from '../../verification/verification.queue';
import { caseTimerJobId, decideCase, foldCase } from '../case/escalation-case.decider';
import { caseStreamId, type EscalationCaseEvent } from '../case/escalation-case.events';
import { ESCALATION_QUEUE, type EscalationTimerJob } from '../escalation.queues';

export type TimerOutcome = 'escalated' | 'stale';

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
    return retryOnConflict(async () => {
      const snapshot = await this.store.readStream(caseStreamId(job.caseId));
      const state = foldCase(snapshot.events as unknown as EscalationCaseEvent[]);
      const events = decideCase({ type: 'EscalationTimerFired', level: job.level, now: this.clock.now().toISOString() }, state);
      const opened = snapshot.events[0];
      const last = snapshot.events[snapshot.events.length - 1];
      // Two statements, no transaction: the append is the effect; marking the row fired only stops the reconciler
      // from queueing the timer again. Should the mark be lost, the timer fires once more and decides nothing.
      if (events.length) {
        await this.store.appendMany([
          {
            streamId: caseStreamId(job.caseId),
            expected: snapshot.head,
            events: events.map((e) => ({
              type: e.type,
              data: e.data as unknown as Record<string, unknown>,
              metadata: {
                actor: { kind: 'system' as const, id: 'escalation-timer' },
                correlationId: opened.metadata.correlationId,
                causationId: last.eventId,
                regionCode: state.regionCode ?? undefined,
                timerJobId: caseTimerJobId(job.caseId, job.level),
              },
            })),
          },
        ]);
      }
      await this.pool.query(`UPDATE escalation_timers SET fired_at = now() WHERE job_id = $1 AND fired_at IS NULL`, [caseTimerJobId(job.caseId, job.level)]);
      return events.length ? 'escalated' : 'stale';
    });
  }
}

/** The BullMQ worker of the `escalation` queue (delayed jobs as timers). */
@Injectable()
export class EscalationTimerProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('EscalationTimers');
  private worker: Worker<EscalationTimerJob> | null = null;

  constructor(
    private readonly handler: EscalationTimerHandler,
    private readonly metrics: SinergiMetrics,
    @Inject(SINERGI_CONFIG) private readonly config: SinergiConfig,
  ) {}

  onApplicationBootstrap(): void {
    const worker = new Worker<EscalationTimerJob>(ESCALATION_QUEUE, (job) => this.process(job), {
      connection: bullConnection(this.config, 'worker'),
      prefix: this.config.queuePrefix,
      concurrency: this.config.escalation.timerConcurrency,
      maxStalledCount: 5,
    });
    worker.on('error', (error) => this.logger.error({ err: error.message }, 'escalation worker error'));
    worker.on('failed', (job, error) => this.logger.warn({ jobId: job?.id, attempt: job?.attemptsMade, err: error.message }, 'escalation timer failed'));
    this.worker = worker;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  private async process(job: Job<EscalationTimerJob>): Promise<TimerOutcome> {
    const outcome = await this.handler.fire(job.data);
    this.metrics.escalationTimers.inc({ outcome });
    return outcome;
  }
}
