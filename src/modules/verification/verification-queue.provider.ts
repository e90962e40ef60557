import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { bullConnection, queuePrefixOf, SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import { Queue } from 'bullmq';
import { VERIFICATION_QUEUE, verificationJobOptions, type VerifyEnrolmentJob } from './verification.queue';

/** The producer side of the `verification` queue (relay, reconciler, dead-letter retries). */
@Injectable()
export class VerificationQueue implements OnApplicationShutdown {
  private readonly logger = new Logger('VerificationQueue');
  readonly queue: Queue<VerifyEnrolmentJob>;

  constructor(@Inject(SINERGI_CONFIG) private readonly config: SinergiConfig) {
    this.queue = new Queue<VerifyEnrolmentJob>(VERIFICATION_QUEUE, { connection: bullConnection(config, 'producer'), prefix: queuePrefixOf(config, VERIFICATION_QUEUE) });
    this.queue.on('error', (error) => this.logger.warn({ err: error.message }, 'verification queue connection error'));
  }

  /** Adds jobs by their deterministic ids; one already there is left as it is. */
  async enqueue(requests: VerifyEnrolmentJob[]): Promise<void> {
    if (requests.length === 0) return;
    const opts = verificationJobOptions(this.config);
    await this.queue.addBulk(requests.map((r) => ({ name: 'verify-enrolment', data: r, opts: { ...opts, jobId: r.requestId } })));
  }

  /** Which of these job ids Redis no longer holds (lost to a restart, flush or failover). */
  async missing(jobIds: string[]): Promise<string[]> {
    const missing: string[] = [];
    for (let i = 0; i < jobIds.length; i += 200) {
      const chunk = jobIds.slice(i, i + 200);
      const jobs = await Promise.all(chunk.map((id) => this.queue.getJob(id)));
      chunk.forEach((id, k) => jobs[k] || missing.push(id));
    }
    return missing;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
