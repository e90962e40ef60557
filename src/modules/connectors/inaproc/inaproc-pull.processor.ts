import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { bullConnection, queuePrefixOf, CLOCK, type Clock, safeError, SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import { todayWita } from '@sinergi/domain';
import { type Job, Queue, Worker } from 'bullmq';
import { checkIsoDuration } from '../../escalation/ladder/iso-duration';
import { CONNECTOR_QUEUE, INAPROC_PULL_JOB, INAPROC_PULL_SCHEDULER_ID, type InaprocPullJob } from '../connector.queue';
import { InaprocPuller } from './inaproc-puller';

/**
 * The scheduled INAPROC pull: a BullMQ job scheduler on the `connector` queue, every INAPROC_PULL_EVERY (the first
 * at once), one job at a time per worker and, through the puller's advisory lock, one run at a time in all. Each
 * run reads the current fiscal year (WITA) and the one before, whose hand-overs often come in the new year.
 * With the connector off, the scheduler is removed.
 */
@Injectable()
export class InaprocPullProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('InaprocConnector');
  private queue: Queue<InaprocPullJob> | null = null;
  private worker: Worker<InaprocPullJob> | null = null;
  private readonly stopping = new AbortController();

  constructor(
    private readonly puller: InaprocPuller,
    @Inject(SINERGI_CONFIG) private readonly config: SinergiConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const queue = new Queue<InaprocPullJob>(CONNECTOR_QUEUE, { connection: bullConnection(this.config, 'producer'), prefix: queuePrefixOf(this.config, CONNECTOR_QUEUE) });
    queue.on('error', (error) => this.logger.warn({ err: error.message }, 'connector queue connection error'));
    this.queue = queue;
    const inaproc = this.config.inaproc;
    try {
      if (!inaproc) {
        await queue.removeJobScheduler(INAPROC_PULL_SCHEDULER_ID);
        return;
      }
      const every = checkIsoDuration(inaproc.pullEvery);
      if (!every.ok) throw new Error(`INAPROC_PULL_EVERY: ${every.message}`);
      this.worker = new Worker<InaprocPullJob>(CONNECTOR_QUEUE, (job) => this.process(job), {
        connection: bullConnection(this.config, 'worker'),
        prefix: queuePrefixOf(this.config, CONNECTOR_QUEUE),
        concurrency: 1,
        maxStalledCount: 1,
      });
      this.worker.on('error', (error) => this.logger.error({ err: error.message }, 'connector worker error'));
      this.worker.on('failed', (job, error) => this.logger.warn({ jobId: job?.id, err: safeError(error) }, 'INAPROC pull job failed'));
      await queue.upsertJobScheduler(
        INAPROC_PULL_SCHEDULER_ID,
        { every: every.ms },
        { name: INAPROC_PULL_JOB, data: { connector: this.puller.connector! }, opts: { attempts: 1, removeOnComplete: 100, removeOnFail: 100 } },
      );
      this.logger.log({ connector: this.puller.connector, every: inaproc.pullEvery }, 'INAPROC pull scheduled');
    } catch (error) {
      this.logger.error({ err: safeError(error) }, 'could not schedule the INAPROC pull');
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort(new Error('the worker is shutting down'));
    await this.worker?.close();
    await this.queue?.close();
  }

  private async process(job: Job<InaprocPullJob>) {
    if (job.data.connector !== this.puller.connector) return { skipped: 'another_connector' };
    const year = Number(todayWita(this.clock.now()).slice(0, 4));
    const report = await this.puller.pull({ fiscalYears: [year, year - 1], trigger: 'schedule', signal: this.stopping.signal });
    return { runId: report.runId, status: report.status, reason: report.reason, fetched: report.totals.fetched, posted: report.totals.posted };
  }
}
