import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CLOCK, type Clock, safeError } from '@sinergi/common';
import { contextFrom, type Span, SpanKind, startSpan, traceparentOfSpan } from '@sinergi/common/tracing';
import { PG_POOL } from '@sinergi/database';
import { EventStore, LogConsumer, type RecordedEvent } from '@sinergi/event-store';
import type { Pool, PoolClient } from 'pg';
import { SinergiMetrics } from '../../../../platform/metrics';
import { reportParkedEvent } from '../../../../platform/parked-events';
import { parseProjectStreamId } from '../../../project-intake/construction-project.events';
import { parseComplianceStreamId } from '../../compliance/compliance.events';
import { verificationJobId } from '../../verification.queue';
import { VerificationQueue } from '../../verification-queue.provider';

/** Procurement facts, requests and confirmed evidence that call for a fresh look at BPJS (docs/api.md triggers). */
const TRIGGERS = new Set([
  'ProjectRegistered',
  'ContractAmended',
  'WorkersReported',
  'PaymentRequested',
  // Hand-over makes the whole premium due: the verdict changes on the day (instalments).
  'ProjectCompleted',
  // A moved deadline can change a "not registered (yet)" verdict.
  'RegistrationDeadlineRecomputed',
  'VerificationRequested',
  'EnrolmentEvidenceConfirmed',
]);

/**
 * Turns committed events into verification requests: a row per request in PostgreSQL (in the same
 * transaction as the relay's checkpoint) and, after commit, a BullMQ job with the same id.
 */
@Injectable()
export class VerificationRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('VerificationRelay');
  readonly consumer: LogConsumer;

  constructor(
    @Inject(PG_POOL) pool: Pool,
    store: EventStore,
    private readonly queue: VerificationQueue,
    private readonly metrics: SinergiMetrics,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.consumer = new LogConsumer(pool, store, (events, tx) => this.handle(events, tx), {
      name: 'verification-relay',
      batchSize: 1000,
      onError: (error) => this.logger.error({ err: safeError(error) }, 'relay batch failed; it will be retried'),
      onParked: reportParkedEvent('verification-relay', metrics, this.logger),
      onBatch: (events) => this.observeLag(events),
    });
  }

  onApplicationBootstrap(): void {
    this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }

  private async handle(events: RecordedEvent[], tx: PoolClient) {
    // Several triggers for one project in a batch need one look: the job reads the latest facts.
    const latest = new Map<string, RecordedEvent>();
    /** Projects registered in this batch: their look is the first, whichever trigger came last. */
    const registered = new Set<string>();
    for (const event of events) {
      const projectId = parseProjectStreamId(event.streamId) ?? parseComplianceStreamId(event.streamId);
      if (projectId && TRIGGERS.has(event.type)) latest.set(projectId, event);
      if (projectId && event.type === 'ProjectRegistered') registered.add(projectId);
    }
    if (latest.size === 0) return;
    const ids = [...latest.keys()];
    const triggers = ids.map((id) => latest.get(id)!);
    const { rows } = await tx.query<{ job_id: string; project_id: string }>(
      `INSERT INTO verification_requests (job_id, project_id, trigger_type, trigger_position, trigger_recorded_at)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::bigint[], $5::timestamptz[])
       ON CONFLICT (job_id) DO NOTHING RETURNING job_id, project_id`,
      [
        triggers.map((e, i) => verificationJobId(ids[i], e.globalPosition)),
        ids,
        triggers.map((e) => e.type),
        triggers.map((e) => e.globalPosition),
        triggers.map((e) => e.recordedAt),
      ],
    );
    // A trigger recorded under a trace continues it here, and its job continues this span (traceparent in the job data).
    const spans = new Map<string, Span>();
    triggers.forEach((e, i) => {
      if (e.metadata.traceparent) spans.set(ids[i], relaySpan(e));
    });
    const traceparents = new Map([...spans].map(([projectId, span]) => [projectId, traceparentOfSpan(span)]));
    // If Redis is down now, the reconciler queues these from the rows just committed.
    return async () => {
      try {
        await this.queue.enqueue(
          rows.map((r) => ({
            projectId: r.project_id,
            requestId: r.job_id,
            firstLook: registered.has(r.project_id),
            ...(traceparents.get(r.project_id) ? { traceparent: traceparents.get(r.project_id) } : {}),
          })),
        );
      } finally {
        for (const span of spans.values()) span.end();
      }
    };
  }

  private observeLag(events: RecordedEvent[]): void {
    const now = this.clock.now().getTime();
    for (const e of events) this.metrics.relayEventLag.observe((now - e.recordedAt.getTime()) / 1000);
  }
}

/** The relay's span for one trigger, a child of the span the trigger was recorded under. */
function relaySpan(event: RecordedEvent): Span {
  return startSpan(`verification-relay ${event.type}`, {
    kind: SpanKind.PRODUCER,
    parent: contextFrom(event.metadata.traceparent),
    attributes: { 'messaging.system': 'bullmq', 'messaging.destination.name': 'verification', 'sinergi.event.type': event.type, 'sinergi.event.position': event.globalPosition },
  });
}
