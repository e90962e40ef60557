import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { bullConnection, queuePrefixOf, SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import { Queue } from 'bullmq';
import { AUDIT_QUEUE, VERIFY_LOG_ATTEMPTS, VERIFY_LOG_JOB, type VerifyLogJob, verifyLogJobId } from './audit.queue';

/** The producer side of the `audit` queue. */
@Injectable()
export class AuditQueue implements OnApplicationShutdown {
  private readonly logger = new Logger('AuditQueue');
  readonly queue: Queue;

  constructor(@Inject(SINERGI_CONFIG) config: SinergiConfig) {
    this.queue = new Queue(AUDIT_QUEUE, { connection: bullConnection(config, 'producer'), prefix: queuePrefixOf(config, AUDIT_QUEUE) });
    this.queue.on('error', (error) => this.logger.warn({ err: error.message }, 'audit queue connection error'));
  }

  /** Queues verifications by their deterministic job ids; one already queued is left as it is. */
  async enqueueVerifications(verificationIds: string[]): Promise<void> {
    if (verificationIds.length === 0) return;
    await this.queue.addBulk(
      verificationIds.map((verificationId) => ({
        name: VERIFY_LOG_JOB,
        data: { verificationId } satisfies VerifyLogJob,
        opts: {
          jobId: verifyLogJobId(verificationId),
          attempts: VERIFY_LOG_ATTEMPTS,
          backoff: { type: 'exponential', delay: 5000 },
          removeOnComplete: { age: 24 * 3600 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      })),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
