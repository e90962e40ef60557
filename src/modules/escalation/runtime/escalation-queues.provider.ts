import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { bullConnection, queuePrefixOf, SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import { Queue } from 'bullmq';
import { type DeliverNotificationJob, NOTIFICATION_QUEUE, notificationJobId, notificationJobOptions } from '../escalation.queues';

/** The producer side of the `notification` queue (ladder timers live in PostgreSQL: escalation-timers.ts). Job ids are deterministic. */
@Injectable()
export class EscalationQueues implements OnApplicationShutdown {
  private readonly logger = new Logger('EscalationQueues');
  readonly notifications: Queue<DeliverNotificationJob>;

  constructor(@Inject(SINERGI_CONFIG) private readonly config: SinergiConfig) {
    const connection = bullConnection(config, 'producer');
    this.notifications = new Queue<DeliverNotificationJob>(NOTIFICATION_QUEUE, { connection, prefix: queuePrefixOf(config, NOTIFICATION_QUEUE) });
    this.notifications.on('error', (error) => this.logger.warn({ err: error.message, queue: NOTIFICATION_QUEUE }, 'queue connection error'));
  }

  /** `traceparents`: the trace each notification continues, by id (tracing on only). */
  async enqueueNotifications(notificationIds: string[], traceparents: ReadonlyMap<string, string> = new Map()): Promise<void> {
    const opts = notificationJobOptions(this.config);
    const data = (id: string): DeliverNotificationJob => (traceparents.has(id) ? { notificationId: id, traceparent: traceparents.get(id) } : { notificationId: id });
    for (let i = 0; i < notificationIds.length; i += 1000) {
      await this.notifications.addBulk(notificationIds.slice(i, i + 1000).map((id) => ({ name: 'deliver', data: data(id), opts: { ...opts, jobId: notificationJobId(id) } })));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.notifications.close();
  }
}
