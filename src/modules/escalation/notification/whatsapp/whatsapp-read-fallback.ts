import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CLOCK, type Clock, safeError, SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import { inTransaction, PG_POOL } from '@sinergi/database';
import { EventStore } from '@sinergi/event-store';
import type { Pool } from 'pg';
import { notificationIdFor } from '../../escalation.queues';
import { EscalationQueues } from '../../runtime/escalation-queues.provider';
import { lockMessageId, lockRowByMessageId, recordStatusReports, takeParkedReports } from './whatsapp-status.recorder';

const INTERVAL_MS = 60_000;
const BATCH = 500;
/** Statuses about a wamid no notification ever took are dropped after this long. */
const PARKED_TTL_DAYS = 7;
const LOCK = `hashtextextended('whatsapp-read-fallback', 0)`;

export interface ReadFallbackPass {
  /** E-mails planned (and queued) for WhatsApp messages not read in time. */
  emails: number;
  /** WhatsApp notifications looked at and settled (an e-mail planned, or none possible: no address, case ended). */
  checked: number;
  /** Parked statuses applied to a message whose acceptance is now recorded. */
  parkedApplied: number;
}

interface DueRow {
  id: string;
  kind: string;
  project_id: string;
  case_id: string;
  level: number | null;
  region_code: string;
  agency_code: string;
  recipient_id: string;
  position: string | null;
  cause_event_id: string;
  cause_position: string;
  can_email: boolean;
}

/**
 * An official who has not read a level's WhatsApp message within WHATSAPP_READ_FALLBACK_HOURS (or whose message
 * failed) gets it by e-mail, once: the e-mail row has the id that level's e-mail to that official would have had
 * (the planner holds it back for opted-in officials), so planning it twice creates one row, and the WhatsApp row is
 * marked as looked at. Only while the case is open and the official has an e-mail address. Runs in the worker every
 * minute, one instance at a time; it also applies statuses parked for a message whose acceptance has since been
 * recorded and drops old ones.
 *
 * A message's age is measured on this process's clock, from a time this process's clock wrote: when the Cloud API
 * accepted it (`sent_at`), or for one not accepted yet, when the event that planned it was recorded. Never from
 * `created_at` (PostgreSQL's now(), another host's clock): with this host's clock stepped a day ahead or behind the
 * database's (NTP), the e-mails went out a day early or a day late.
 */
@Injectable()
export class WhatsappReadFallback implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WhatsappReadFallback');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly store: EventStore,
    private readonly queues: EscalationQueues,
    @Inject(SINERGI_CONFIG) private readonly config: SinergiConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.whatsapp === null) return;
    const tick = () => {
      this.running = this.run()
        .catch((error) => this.logger.warn({ err: safeError(error) }, 'WhatsApp read fallback failed; will try again'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, INTERVAL_MS);
        });
    };
    tick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One pass as of `now` (the clock's by default; the times it is compared with were written by this clock too). */
  async run(now: Date = this.clock.now()): Promise<ReadFallbackPass> {
    const pass: ReadFallbackPass = { emails: 0, checked: 0, parkedApplied: 0 };
    if (this.config.whatsapp === null) return pass;
    const client = await this.pool.connect();
    try {
      const { rows: lock } = await client.query(`SELECT pg_try_advisory_lock(${LOCK}) AS locked`);
      if (!lock[0].locked) return pass;
      try {
        const dueBefore = new Date(now.getTime() - this.config.whatsapp.readFallbackHours * 3_600_000);
        for (;;) {
          const batch = await this.fallbackBatch(dueBefore, now);
          pass.checked += batch.checked;
          pass.emails += batch.emails.length;
          if (batch.emails.length) await this.queues.enqueueNotifications(batch.emails);
          if (batch.checked < BATCH) break;
        }
        pass.parkedApplied = await this.applyParked();
      } finally {
        await client.query(`SELECT pg_advisory_unlock(${LOCK})`);
      }
    } finally {
      client.release();
    }
    if (pass.emails || pass.parkedApplied) this.logger.log(pass, 'WhatsApp read fallback');
    return pass;
  }

  private fallbackBatch(dueBefore: Date, now: Date): Promise<{ checked: number; emails: string[] }> {
    return inTransaction(this.pool, async (tx) => {
      // Locked like the status webhook locks them: a read arriving now either lands first (and the row drops out) or waits.
      const { rows } = await tx.query<DueRow>(
        `SELECT w.id, w.kind, w.project_id, w.case_id, w.level, w.region_code, w.agency_code, w.recipient_id, w.position,
                w.cause_event_id, w.cause_position,
                (o.id IS NOT NULL AND o.active AND o.email IS NOT NULL AND c.status = 'OPEN') AS can_email
           FROM notifications w
           LEFT JOIN officials o ON o.id::text = w.recipient_id
           LEFT JOIN escalation_cases c ON c.case_id = w.case_id
          WHERE w.channel = 'WHATSAPP' AND w.recipient_kind = 'OFFICIAL' AND w.read_at IS NULL AND w.fallback_checked_at IS NULL
            AND w.status <> 'READ' AND w.kind = 'CASE_ESCALATED'
            AND (w.status = 'FAILED'
                 OR COALESCE(w.sent_at, (SELECT e.recorded_at FROM events e WHERE e.event_id = w.cause_event_id)) <= $1)
          ORDER BY w.created_at, w.id
          LIMIT ${BATCH}
          FOR UPDATE OF w SKIP LOCKED`,
        [dueBefore],
      );
      if (rows.length === 0) return { checked: 0, emails: [] };
      const planned = rows
        .filter((r) => r.can_email)
        .map((r) => ({
          id: notificationIdFor({ caseId: r.case_id, cause: `level-${r.level}`, channel: 'EMAIL', recipientKind: 'OFFICIAL', recipientId: r.recipient_id }),
          kind: r.kind,
          channel: 'EMAIL',
          project_id: r.project_id,
          case_id: r.case_id,
          level: r.level,
          region_code: r.region_code,
          agency_code: r.agency_code,
          recipient_kind: 'OFFICIAL',
          recipient_id: r.recipient_id,
          position: r.position,
          cause_event_id: r.cause_event_id,
          cause_position: r.cause_position,
          fallback_of: r.id,
        }));
      let emails: string[] = [];
      if (planned.length) {
        const inserted = await tx.query<{ id: string }>(
          `INSERT INTO notifications (id, kind, channel, project_id, case_id, level, region_code, agency_code, recipient_kind, recipient_id,
                  position, cause_event_id, cause_position, fallback_of)
           SELECT r.id, r.kind, r.channel, r.project_id, r.case_id, r.level, r.region_code, r.agency_code, r.recipient_kind, r.recipient_id,
                  r.position, r.cause_event_id, r.cause_position, r.fallback_of
             FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, kind text, channel text, project_id uuid, case_id uuid, level int, region_code text,
                  agency_code text, recipient_kind text, recipient_id text, position text, cause_event_id uuid, cause_position bigint, fallback_of uuid)
           ON CONFLICT (id) DO NOTHING RETURNING id`,
          [JSON.stringify(planned)],
        );
        emails = inserted.rows.map((r) => r.id);
      }
      await tx.query(`UPDATE notifications SET fallback_checked_at = $2 WHERE id = ANY($1::uuid[])`, [rows.map((r) => r.id), now]);
      return { checked: rows.length, emails };
    });
  }

  /** Statuses parked for a wamid that a notification now has (a missed hand-over), and parked ones too old to match. */
  private async applyParked(): Promise<number> {
    await this.pool.query(`DELETE FROM whatsapp_parked_statuses WHERE received_at < now() - make_interval(days => $1)`, [PARKED_TTL_DAYS]);
    const { rows } = await this.pool.query<{ message_id: string }>(
      `SELECT DISTINCT p.message_id FROM whatsapp_parked_statuses p JOIN notifications n ON n.provider_message_id = p.message_id LIMIT ${BATCH}`,
    );
    let applied = 0;
    for (const { message_id: messageId } of rows) {
      applied += await inTransaction(this.pool, async (tx) => {
        await lockMessageId(tx, messageId);
        const row = await lockRowByMessageId(tx, messageId);
        const reports = await takeParkedReports(tx, messageId);
        if (!row || reports.length === 0) return 0;
        return (await recordStatusReports(this.store, tx, row, reports, { actor: { kind: 'system', id: 'whatsapp-webhook' }, correlationId: `whatsapp-${row.id}` })).recorded;
      });
    }
    return applied;
  }
}
