import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { bullConnection, queuePrefixOf, SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import { DelayedError, type Job, Worker } from 'bullmq';
import { contextFrom, inSpan, SpanKind } from '@sinergi/common/tracing';
import { type DeliverNotificationJob, NOTIFICATION_QUEUE } from '../../escalation.queues';
import { redactAddresses } from '../email.channel';
import { DeliveryTemporaryError } from '../notification.types';
import { type BatchAnswer, type BatchItem, type DeliveryOutcome, DeliverNotificationHandler } from './deliver-notification.handler';
import { NotificationChannels } from './notification-channels';
import { NotificationInFlightError } from './notification-undeliverable.error';

/** The longest a receiver's Retry-After may hold a delivery back before the next try. */
const MAX_RETRY_AFTER_MS = 3_600_000;
/** How long the first delivery in hand waits for others to share its batch (BullMQ hands jobs over one by one). */
const BATCH_WAIT_MS = 20;

interface InHand extends BatchItem {
  resolve: (answer: BatchAnswer | null) => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers the deliveries the worker holds at once (up to its concurrency, or what arrives within 20 ms) into one
 * `deliverBatch`: inbox items and e-mails are recorded a batch a transaction. What the batch did not take (webhook,
 * WhatsApp, a row no longer PENDING) resolves to null and is delivered on its own; a batch that fails as a whole
 * (PostgreSQL away) rejects them all, and BullMQ retries each job as usual.
 */
class DeliveryBatcher {
  private pending: InHand[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly handler: DeliverNotificationHandler,
    private readonly max: number,
  ) {}

  take(item: BatchItem): Promise<BatchAnswer | null> {
    return new Promise((resolve, reject) => {
      this.pending.push({ ...item, resolve, reject });
      if (this.pending.length >= this.max) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), BATCH_WAIT_MS);
    });
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    void this.handler.deliverBatch(batch).then(
      (answers) => {
        // Two jobs of one notification in a batch: the first has the answer, the other goes the single way (skipped).
        const answered = new Set<string>();
        for (const b of batch) {
          const answer = answered.has(b.notificationId) ? null : (answers.get(b.notificationId) ?? null);
          answered.add(b.notificationId);
          b.resolve(answer);
        }
      },
      (error) => batch.forEach((b) => b.reject(error)),
    );
  }
}

/**
 * The BullMQ worker of the `notification` queue: one job per notification row; the inbox and e-mail deliveries in
 * hand at once are sent and recorded together (DeliveryBatcher), webhooks and WhatsApp messages one at a time. Retries with exponential back-off
 * and jitter come from the job options; a webhook's 429 Retry-After moves just that job back instead (still counted
 * as an attempt, so a receiver that always answers 429 ends in a recorded failure like any other).
 */
@Injectable()
export class DeliverNotificationProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('DeliverNotification');
  private worker: Worker<DeliverNotificationJob> | null = null;
  private readonly batcher: DeliveryBatcher;

  constructor(
    private readonly handler: DeliverNotificationHandler,
    private readonly channels: NotificationChannels,
    @Inject(SINERGI_CONFIG) private readonly config: SinergiConfig,
  ) {
    this.batcher = new DeliveryBatcher(handler, config.escalation.notificationConcurrency);
  }

  onApplicationBootstrap(): void {
    const worker = new Worker<DeliverNotificationJob>(NOTIFICATION_QUEUE, (job, token) => this.process(job, token), {
      connection: bullConnection(this.config, 'worker'),
      prefix: queuePrefixOf(this.config, NOTIFICATION_QUEUE),
      concurrency: this.config.escalation.notificationConcurrency,
      maxStalledCount: 3,
    });
    worker.on('error', (error) => this.logger.error({ err: error.message }, 'notification worker error'));
    worker.on('failed', (job, error) =>
      this.logger.warn({ jobId: job?.id, attempt: job?.attemptsMade, err: redactAddresses(error.message) }, 'notification delivery attempt failed'),
    );
    this.worker = worker;
  }

  /** Stops taking jobs, waits for the deliveries in hand, then closes the SMTP pool; all before the database pool. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.channels.close();
  }

  /** One attempt, in a CONSUMER span that continues the trace of the case event that planned it (the job data's traceparent). */
  private process(job: Job<DeliverNotificationJob>, token?: string): Promise<DeliveryOutcome> {
    const attributes = { 'messaging.system': 'bullmq', 'messaging.destination.name': NOTIFICATION_QUEUE, 'messaging.message.id': job.id ?? '', 'sinergi.attempt': job.attemptsMade + 1 };
    return inSpan('notification delivery', { kind: SpanKind.CONSUMER, parent: contextFrom(job.data.traceparent), attributes }, async (span) => {
      const outcome = await this.attempt(job, token);
      span.setAttribute('sinergi.delivery.outcome', outcome);
      return outcome;
    });
  }

  private async attempt(job: Job<DeliverNotificationJob>, token?: string): Promise<DeliveryOutcome> {
    // A job moved back for Retry-After does not count in attemptsMade; attemptsStarted does.
    const attempt = Math.max(job.attemptsMade + 1, job.attemptsStarted ?? 0);
    const lastAttempt = attempt >= (job.opts.attempts ?? 1);
    try {
      const answer = await this.batcher.take({ notificationId: job.data.notificationId, attempt, lastAttempt });
      if (answer !== null && typeof answer === 'object') throw answer.throw;
      return answer ?? (await this.handler.deliver(job.data.notificationId, attempt, lastAttempt));
    } catch (error) {
      // Another attempt holds the notification and settles it; this job looks again after its back-off.
      if (error instanceof NotificationInFlightError) throw error;
      if (error instanceof DeliveryTemporaryError) {
        const retryAfterMs = error.details.retryAfterMs;
        if (retryAfterMs !== undefined && token !== undefined) {
          const delay = Math.min(MAX_RETRY_AFTER_MS, Math.max(retryAfterMs, this.config.escalation.notificationBackoffMs));
          await job.moveToDelayed(Date.now() + delay, token);
          throw new DelayedError();
        }
        throw error;
      }
      const reason = redactAddresses(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      if (lastAttempt) {
        this.logger.error({ jobId: job.id, attempt, err: reason }, 'notification delivery failed unexpectedly on its last attempt');
        await this.handler.recordUnexpectedFailure(job.data.notificationId, attempt);
        return 'failed';
      }
      this.logger.error({ jobId: job.id, attempt, err: reason }, 'unexpected notification delivery error');
      throw error;
    }
  }
}
