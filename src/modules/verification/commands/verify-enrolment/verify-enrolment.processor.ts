import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { bullConnection, queuePrefixOf, safeError, SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import { contextFrom, inSpan, SpanKind } from '@sinergi/common/tracing';
import { type Job, Worker } from 'bullmq';
import { SinergiMetrics } from '../../../../platform/metrics';
import { CircuitOpenError } from '../../registry/circuit-breaker';
import { RegistryRateLimitedError, RegistryRejectedError, RegistryUnavailableError } from '../../registry/enrolment-registry.port';
import { VERIFICATION_QUEUE, type VerifyEnrolmentJob } from '../../verification.queue';
import { VerifyEnrolmentHandler } from './verify-enrolment.handler';

/**
 * The BullMQ worker of the `verification` queue. Retries with exponential back-off and jitter come
 * from the job options; BPJS's own rate limit and a global limiter keep the calls polite; a job that
 * runs out of attempts (or that BPJS refuses) is recorded as VerificationFailed and dead-lettered.
 */
@Injectable()
export class VerifyEnrolmentProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('VerifyEnrolment');
  private worker: Worker<VerifyEnrolmentJob> | null = null;

  constructor(
    private readonly handler: VerifyEnrolmentHandler,
    private readonly metrics: SinergiMetrics,
    @Inject(SINERGI_CONFIG) private readonly config: SinergiConfig,
  ) {}

  onApplicationBootstrap(): void {
    const worker = new Worker<VerifyEnrolmentJob>(VERIFICATION_QUEUE, (job) => this.process(job), {
      connection: bullConnection(this.config, 'worker'),
      prefix: queuePrefixOf(this.config, VERIFICATION_QUEUE),
      concurrency: this.config.verification.concurrency,
      limiter: { max: this.config.verification.bpjsRateLimitPerSecond, duration: 1000 },
      maxStalledCount: 3,
      lockDuration: this.config.verification.lockDurationMs,
      stalledInterval: Math.max(1000, Math.floor(this.config.verification.lockDurationMs / 2)),
    });
    worker.on('error', (error) => this.logger.error({ err: error.message }, 'verification worker error'));
    worker.on('failed', (job, error) => this.logger.warn({ jobId: job?.id, attempt: job?.attemptsMade, err: safeError(error) }, 'verification attempt failed'));
    this.worker = worker;
  }

  /** Stops taking jobs and waits for the ones in hand, before the database pool closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  /** One attempt, in a CONSUMER span that continues the relay's (the job data's traceparent). */
  private process(job: Job<VerifyEnrolmentJob>): Promise<string> {
    const attributes = { 'messaging.system': 'bullmq', 'messaging.destination.name': VERIFICATION_QUEUE, 'messaging.message.id': job.id ?? '', 'sinergi.attempt': job.attemptsMade + 1 };
    return inSpan('verification job', { kind: SpanKind.CONSUMER, parent: contextFrom(job.data.traceparent), attributes }, async (span) => {
      const outcome = await this.attempt(job);
      span.setAttribute('sinergi.verification.outcome', outcome);
      return outcome;
    });
  }

  private async attempt(job: Job<VerifyEnrolmentJob>): Promise<string> {
    const attempt = job.attemptsMade + 1;
    const lastAttempt = attempt >= (job.opts.attempts ?? 1);
    try {
      const outcome = await this.handler.verify(job.data);
      this.metrics.verificationOutcomes.inc({ outcome });
      return outcome;
    } catch (error) {
      if (error instanceof RegistryRateLimitedError) {
        await this.worker!.rateLimit(error.retryAfterMs);
        throw Worker.RateLimitError();
      }
      // BPJS is down for everyone: pause the queue until the circuit lets a trial call through, rather
      // than let every waiting job burn its attempts against the open circuit and land in dead letters.
      if (causedByOpenCircuit(error)) {
        await this.worker!.rateLimit(this.config.verification.circuitHalfOpenMs);
        this.metrics.verificationOutcomes.inc({ outcome: 'paused' });
        throw Worker.RateLimitError();
      }
      if (error instanceof RegistryRejectedError || lastAttempt) {
        const reason = error instanceof RegistryRejectedError ? `BPJS refused the request (HTTP ${error.status})` : describe(error);
        await this.handler.recordFailure(job.data, reason, attempt);
        this.metrics.verificationOutcomes.inc({ outcome: 'failed' });
        return 'failed';
      }
      this.metrics.verificationOutcomes.inc({ outcome: 'retried' });
      if (!(error instanceof RegistryUnavailableError)) this.logger.error({ err: safeError(error), jobId: job.id }, 'unexpected verification error');
      throw error;
    }
  }
}

function causedByOpenCircuit(error: unknown): boolean {
  for (let e = error; e; e = (e as { cause?: unknown }).cause) if (e instanceof CircuitOpenError) return true;
  return false;
}

function describe(error: unknown): string {
  if (error instanceof RegistryUnavailableError) return `BPJS unavailable: ${error.message}`;
  return `verification error: ${(error as Error).message ?? String(error)}`;
}
