import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { openRedis, queuePrefixOf, type RedisClient, SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import { Queue } from 'bullmq';
import { AUDIT_QUEUE } from '../modules/audit/tamper-evidence/audit.queue';
import { CONNECTOR_QUEUE } from '../modules/connectors/connector.queue';
import { NOTIFICATION_QUEUE } from '../modules/escalation/escalation.queues';
import { VERIFICATION_QUEUE } from '../modules/verification/verification.queue';
import { SinergiMetrics } from './metrics';

/**
 * Every BullMQ queue Sinergi declares. A unit test (queue-metrics.unit.spec.ts) checks that each `…_QUEUE` name the
 * code exports is here, so a new queue cannot go without its gauges.
 */
export const SINERGI_QUEUES: readonly string[] = [VERIFICATION_QUEUE, NOTIFICATION_QUEUE, AUDIT_QUEUE, CONNECTOR_QUEUE];

/** The job states the gauges report (BullMQ's names). */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized'] as const;

/**
 * `sinergi_queue_jobs{queue,state}` and `sinergi_queue_oldest_job_age_seconds{queue}` for every queue, read from Redis
 * on scrape (shared state: every process reports the same numbers). One Redis connection, opened on the first scrape;
 * a scrape while Redis is away reports no queue samples rather than failing the whole scrape.
 */
@Injectable()
export class QueueMetrics implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('QueueMetrics');
  private connection: RedisClient | null = null;
  private queues: Queue[] | null = null;

  constructor(
    private readonly metrics: SinergiMetrics,
    @Inject(SINERGI_CONFIG) private readonly config: SinergiConfig,
  ) {}

  onModuleInit(): void {
    this.metrics.gauge('sinergi_queue_jobs', 'Jobs in each BullMQ queue by state', ['queue', 'state'], async (g) => {
      g.reset();
      for (const queue of await this.read()) {
        const counts = await queue.getJobCounts(...QUEUE_STATES);
        for (const state of QUEUE_STATES) g.set({ queue: queue.name, state }, counts[state] ?? 0);
      }
    });
    this.metrics.gauge('sinergi_queue_oldest_job_age_seconds', 'Age of the oldest waiting job in each BullMQ queue (0 when none waits)', ['queue'], async (g) => {
      g.reset();
      for (const queue of await this.read()) {
        const [oldest] = await queue.getWaiting(-1, -1);
        g.set({ queue: queue.name }, oldest ? Math.max(0, (Date.now() - oldest.timestamp) / 1000) : 0);
      }
    });
  }

  /** The queues, or none while Redis does not answer (logged once per outage, not per scrape). */
  private async read(): Promise<Queue[]> {
    if (!this.queues) {
      this.connection = openRedis(this.config, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false, connectTimeout: 2000 });
      this.connection.on('error', () => undefined);
      this.queues = SINERGI_QUEUES.map((name) => new Queue(name, { connection: this.connection!, prefix: queuePrefixOf(this.config, name) }));
      for (const q of this.queues) q.on('error', () => undefined);
    }
    try {
      await ready(this.connection!, 2000);
      await this.connection!.ping();
      return this.queues;
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'queue gauges skipped: Redis does not answer');
      return [];
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.queues) return;
    await Promise.all(this.queues.map((q) => q.close().catch(() => undefined)));
    await this.connection?.quit().catch(() => this.connection?.disconnect());
  }
}

/** Resolves once `redis` is connected (at once when it is), rejects after `ms` (the producer connection queues nothing offline). */
function ready(redis: RedisClient, ms: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`not connected within ${ms} ms`));
    }, ms);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}
