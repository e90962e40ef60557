import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { bullConnection, queuePrefixOf, safeError, SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import { type Job, Worker } from 'bullmq';
import { SinergiMetrics } from '../../../../platform/metrics';
import { CircuitOpenError } from '../../registry/circuit-breaker';
import { RegistryRateLimitedError, RegistryRejectedError, RegistryUnavailableError } from '../../registry/enrolment-registry.port';
import { VERIFICATION_QUEUE, verificationBatchSize, type VerifyBatchJob, type VerifyEnrolmentJob } from '../../verification.queue';
import { VerificationQueue } from '../../verification-queue.provider';
import { RegistryCallGate } from './registry-call-gate';
import { VerifyEnrolmentHandler } from './verify-enrolment.handler';

/**
 * The BullMQ worker of the `verification` queue. A job carries a batch of requests (VerifyBatchJob); their projects are
 * verified together (VerifyEnrolmentHandler.verifyBatch), each with its own call toward BPJS through the call gate
 * (VERIFICATION_CONCURRENCY in flight, BPJS_RATE_LIMIT_PER_SECOND across every worker). Retries with exponential
 * back-off and jitter come from the job options and re-run only the projects still pending; BPJS's own rate limit and
 * an open circuit pause the queue; a project that runs out of attempts (or that BPJS refuses) is recorded as
 * VerificationFailed and dead-lettered.
 */
@Injectable()
export class VerifyEnrolmentProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('VerifyEnrolment');
  private worker: Worker<VerifyBatchJob> | null = null;
  private readonly gate: RegistryCallGate;

  constructor(
    private readonly handler: VerifyEnrolmentHandler,
    private readonly metrics: SinergiMetrics,
    private readonly queue: VerificationQueue,
    @Inject(SINERGI_CONFIG) private readonly config: SinergiConfig,
  ) {
    const { concurrency, bpjsRateLimitPerSecond } = config.verification;
    this.gate = new RegistryCallGate(concurrency, bpjsRateLimitPerSecond, { countCall: (second) => queue.countRegistryCall(second) });
  }

  onApplicationBootstrap(): void {
    const { concurrency, lockDurationMs } = this.config.verification;
    const worker = new Worker<VerifyBatchJob>(VERIFICATION_QUEUE, (job) => this.process(job), {
      connection: bullConnection(this.config, 'worker'),
      prefix: queuePrefixOf(this.config, VERIFICATION_QUEUE),
      // Enough batches in hand to keep every BPJS slot busy while as many again are read and written.
      concurrency: 2 * Math.ceil(concurrency / verificationBatchSize(concurrency)) + 1,
      maxStalledCount: 3,
      lockDuration: lockDurationMs,
      stalledInterval: Math.max(1000, Math.floor(lockDurationMs / 2)),
    });
    worker.on('error', (error) => this.logger.error({ err: error.message }, 'verification worker error'));
    worker.on('failed', (job, error) => this.logger.warn({ jobId: job?.id, attempt: job?.attemptsMade, err: safeError(error) }, 'verification attempt failed'));
    this.worker = worker;
  }

  /** Stops taking jobs and waits for the ones in hand, before the database pool closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  /** One attempt at a batch; what is left after it (retryable errors) makes the job fail and come back with back-off. */
  private async process(job: Job<VerifyBatchJob>): Promise<string> {
    const attempt = job.attemptsMade + 1;
    const lastAttempt = attempt >= (job.opts.attempts ?? 1);
    const requests = job.data.requests;
    const { outcomes, errors } = await this.handler.verifyBatch(requests, (_projectId, call) => this.gate.run(call));
    for (const outcome of outcomes.values()) this.metrics.verificationOutcomes.inc({ outcome });

    const failures: { job: VerifyEnrolmentJob; reason: string }[] = [];
    let pauseMs = 0;
    let retryable = 0;
    for (const request of requests) {
      if (!errors.has(request.projectId)) continue;
      const error = errors.get(request.projectId);
      if (error instanceof RegistryRateLimitedError) pauseMs = Math.max(pauseMs, error.retryAfterMs);
      // BPJS is down for everyone: pause the queue until the circuit lets a trial call through, rather
      // than let every waiting job burn its attempts against the open circuit and land in dead letters.
      else if (causedByOpenCircuit(error)) pauseMs = Math.max(pauseMs, this.config.verification.circuitHalfOpenMs);
      else if (error instanceof RegistryRejectedError || lastAttempt) {
        failures.push({ job: request, reason: error instanceof RegistryRejectedError ? `BPJS refused the request (HTTP ${error.status})` : describe(error) });
      } else {
        retryable += 1;
        if (!(error instanceof RegistryUnavailableError)) this.logger.error({ err: safeError(error), jobId: job.id }, 'unexpected verification error');
      }
    }
    await this.handler.recordFailures(failures, attempt);
    for (const _ of failures) this.metrics.verificationOutcomes.inc({ outcome: 'failed' });
    if (pauseMs > 0) {
      if (errors.size > failures.length + retryable) this.metrics.verificationOutcomes.inc({ outcome: 'paused' });
      await this.worker!.rateLimit(pauseMs);
      throw Worker.RateLimitError();
    }
    if (retryable > 0) {
      this.metrics.verificationOutcomes.inc({ outcome: 'retried' }, retryable);
      throw new Error(`${retryable} of ${requests.length} verifications in this job will be tried again: ${describe([...errors.values()][0])}`);
    }
    return `${outcomes.size} verified, ${failures.length} failed`;
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
