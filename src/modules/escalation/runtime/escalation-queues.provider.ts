import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { bullConnection, queuePrefixOf, SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import { Queue } from 'bullmq';
import {
  type DeliverNotificationJob,
  ESCALATION_QUEUE,
  type EscalationTimerJob,
  escalationTimerJobOptions,
  NOTIFICATION_QUEUE,
  notificationJobId,
  notificationJobOptions,
} from '../escalation.queues';
import { caseTimerJobId } from '../case-decider/escalation-case.decider';

/** A timer to make sure is queued: fires at `dueAt` (or at once, when that has passed). */
export interface TimerToSchedule {
  caseId: string;
  level: number;
  dueAt: Date;
}

/** The producer side of the `escalation` (timers) and `notification` queues. Job ids are deterministic. */
@Injectable()
export class EscalationQueues implements OnApplicationShutdown {
  private readonly logger = new Logger('EscalationQueues');
  readonly timers: Queue<EscalationTimerJob>;
  readonly notifications: Queue<DeliverNotificationJob>;

  constructor(@Inject(SINERGI_CONFIG) private readonly config: SinergiConfig) {
    const connection = bullConnection(config, 'producer');
    this.timers = new Queue<EscalationTimerJob>(ESCALATION_QUEUE, { connection, prefix: queuePrefixOf(config, ESCALATION_QUEUE) });
    this.notifications = new Queue<DeliverNotificationJob>(NOTIFICATION_QUEUE, { connection, prefix: queuePrefixOf(config, NOTIFICATION_QUEUE) });
    for (const q of [this.timers, this.notifications]) q.on('error', (error) => this.logger.warn({ err: error.message, queue: q.name }, 'queue connection error'));
  }

  /** Adds delayed timer jobs, each due `dueAt - now` from now (the caller's clock, ms); one already queued under the same id is left as it is. */
  async scheduleTimers(timers: TimerToSchedule[], now: number): Promise<void> {
    for (let i = 0; i < timers.length; i += 1000) {
      await this.timers.addBulk(
        timers.slice(i, i + 1000).map((t) => ({
          name: 'escalation-timer',
          data: { caseId: t.caseId, level: t.level },
          opts: { ...escalationTimerJobOptions(t.dueAt.getTime() - now), jobId: caseTimerJobId(t.caseId, t.level) },
        })),
      );
    }
  }

  /** Removes the timer jobs of cases that ended (best effort: a timer that still fires decides nothing). */
  async cancelTimers(jobIds: string[]): Promise<void> {
    await Promise.all(jobIds.map((id) => this.timers.remove(id).catch(() => 0)));
  }

  /** `traceparents`: the trace each notification continues, by id (tracing on only). */
  async enqueueNotifications(notificationIds: string[], traceparents: ReadonlyMap<string, string> = new Map()): Promise<void> {
    const opts = notificationJobOptions(this.config);
    const data = (id: string): DeliverNotificationJob => (traceparents.has(id) ? { notificationId: id, traceparent: traceparents.get(id) } : { notificationId: id });
    for (let i = 0; i < notificationIds.length; i += 1000) {
      await this.notifications.addBulk(notificationIds.slice(i, i + 1000).map((id) => ({ name: 'deliver', data: data(id), opts: { ...opts, jobId: notificationJobId(id) } })));
    }
  }

  /** Which of these job ids `queue` no longer holds. */
  async missing(queue: Queue, jobIds: string[]): Promise<string[]> {
    const missing: string[] = [];
    for (let i = 0; i < jobIds.length; i += 200) {
      const chunk = jobIds.slice(i, i + 200);
      const jobs = await Promise.all(chunk.map((id) => queue.getJob(id)));
      chunk.forEach((id, k) => jobs[k] || missing.push(id));
    }
    return missing;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.timers.close(), this.notifications.close()]);
  }
}
