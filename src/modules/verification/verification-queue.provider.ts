import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { bullConnection, queuePrefixOf, SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import { Queue } from 'bullmq';
import { VERIFICATION_QUEUE, verificationBatches, verificationBatchSize, verificationJobOptions, type VerificationToQueue, type VerifyBatchJob } from './verification.queue';

/** The producer side of the `verification` queue (relay, reconciler, dead-letter retries). */
@Injectable()
export class VerificationQueue implements OnApplicationShutdown {
  private readonly logger = new Logger('VerificationQueue');
  readonly queue: Queue<VerifyBatchJob>;

  constructor(@Inject(SINERGI_CONFIG) private readonly config: SinergiConfig) {
    this.queue = new Queue<VerifyBatchJob>(VERIFICATION_QUEUE, { connection: bullConnection(config, 'producer'), prefix: queuePrefixOf(config, VERIFICATION_QUEUE) });
    this.queue.on('error', (error) => this.logger.warn({ err: error.message }, 'verification queue connection error'));
  }

  /**
   * Adds the requests in batch jobs (`verificationBatchSize`) by deterministic ids; a job already there is left as it is.
   * `idPrefix` makes the ids new (the reconciler's re-queue: an old failed job may still hold the plain id).
   */
  async enqueue(requests: VerificationToQueue[], idPrefix?: string): Promise<void> {
    if (requests.length === 0) return;
    const opts = verificationJobOptions(this.config);
    await this.queue.addBulk(
      verificationBatches(requests, verificationBatchSize(this.config.verification.concurrency)).map(({ jobId, data, priority }) => ({
        name: 'verify-enrolment',
        data,
        opts: { ...opts, priority, jobId: idPrefix ? `${idPrefix}-${jobId}` : jobId },
      })),
    );
  }

  /**
   * Whether Redis holds no verification job at all (waiting, active, delayed or prioritized): one round trip,
   * however many verifications are pending. Requests still pending in PostgreSQL while the queue is idle were lost.
   */
  async idle(): Promise<boolean> {
    const counts = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
    return Object.values(counts).every((n) => n === 0);
  }

  /** This second's count of calls toward BPJS, across every worker: a key per second under the queue's prefix, gone after two. */
  async countRegistryCall(second: string): Promise<number> {
    const key = `${this.queue.keys.meta.slice(0, -'meta'.length)}bpjs-calls:${second}`;
    const redis = await this.queue.getBackend().client;
    const [[, count]] = (await redis.multi().runCommand('incr', [key]).runCommand('pexpire', [key, 2000]).exec()) as [[Error | null, number], unknown];
    return Number(count);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
