import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock, isUuid, SecretBox, SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import { inTransaction, PG_POOL } from '@sinergi/database';
import { type DomainEvent, EventStore, type EventMetadata, foldGroup, type NewEvent, readStreamsOf, retryOnConflict, streamRef } from '@sinergi/event-store';
import type { Pool, PoolClient } from 'pg';
import { SinergiMetrics } from '../../../../platform/metrics';
import { constructionProjectModel } from '../../../project-intake/construction-project.decider';
import { projectStreamId } from '../../../project-intake/construction-project.events';
import { complianceModel } from '../../../verification/compliance/compliance.decider';
import { complianceStreamId } from '../../../verification/compliance/compliance.events';
import { caseStreamId, escalationCaseModel } from '../../case-decider/escalation-case.decider';
import {
  type DeliveryFailureCode,
  type NotificationDeliveredData,
  type NotificationDeliveryFailedData,
  type NotificationDeliveryResult,
  type NotificationRecipientRef,
  notificationStreamId,
} from '../notification.events';
import { DeliveryError, type NotificationMessage } from '../notification.types';
import type { WebhookSecret } from '../webhook.channel';
import { NotificationChannels } from './notification-channels';
import { composeNotificationMessage, type MessageSources, type NotificationRow, regionLabel, type RegionRow } from './notification-message';
import { NotificationInFlightError, NotificationUndeliverableError } from './notification-undeliverable.error';
import { recordWhatsappAccepted, sendWhatsapp } from '../whatsapp/whatsapp-delivery';
import { regionAncestry } from '@sinergi/domain';
import { caseLinkFor } from '../../../console/case-link/case-link-token';

/** What one attempt came to; a temporary failure with attempts left is thrown instead, for BullMQ to retry. */
export type DeliveryOutcome = 'delivered' | 'failed' | 'skipped';

interface Failure {
  code: DeliveryFailureCode;
  retryable: boolean;
  replyCode: number | null;
}

const ACTOR = { kind: 'system', id: 'notification-worker' } as const;

/** The nil UUID: no case stream is ever named by it. */
const NO_CASE = '00000000-0000-0000-0000-000000000000';
const ROW_COLUMNS = `id, kind, channel, project_id, case_id, level, region_code, agency_code, recipient_kind, recipient_id, position,
  cause_event_id, status, attempts`;

/**
 * Delivers one notification row: builds its message from the project, compliance and case streams, looks the
 * recipient's address up at that moment (it never travels in a job or a log), sends it, and records the outcome on
 * the notification's own stream together with the row's status, in one transaction. A row that is no longer
 * PENDING is left alone, so a repeated job sends nothing.
 */
@Injectable()
export class DeliverNotificationHandler {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly store: EventStore,
    private readonly box: SecretBox,
    private readonly channels: NotificationChannels,
    private readonly metrics: SinergiMetrics,
    @Inject(SINERGI_CONFIG) private readonly config: SinergiConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * One attempt (`attempt` counts from 1). Throws the channel's DeliveryTemporaryError, after recording it, when
   * BullMQ should try again; permanent failures and the last attempt's failure are recorded and returned.
   * Errors that are not about delivery (the database is away) are thrown unrecorded. The row is claimed before
   * anything is sent; one that another delivery holds throws NotificationInFlightError, sending nothing.
   */
  async deliver(notificationId: string, attempt: number, lastAttempt: boolean): Promise<DeliveryOutcome> {
    const row = isUuid(notificationId) ? await this.findRow(notificationId) : null;
    if (row === null || row.status !== 'PENDING') {
      this.metrics.notificationDeliveries.inc({ channel: row?.channel ?? 'unknown', outcome: 'skipped' });
      return 'skipped';
    }
    if ((await this.claim([row.id])).size === 0) {
      const now = await this.findRow(row.id);
      if (now?.status === 'PENDING') throw new NotificationInFlightError(row.id);
      this.metrics.notificationDeliveries.inc({ channel: row.channel, outcome: 'skipped' });
      return 'skipped';
    }

    let correlationId = row.id;
    let message: NotificationMessage;
    let result: NotificationDeliveryResult;
    try {
      const sources = await this.loadSources(row);
      correlationId = sources.caseEvents.find((e) => e.eventId === row.causeEventId)?.metadata.correlationId ?? row.id;
      message = composeNotificationMessage(row, sources);
      result = await this.send(row, message, sources);
    } catch (error) {
      const failure = asFailure(error);
      if (failure === null) {
        await this.release([row.id]);
        throw error;
      }
      const final = !failure.retryable || lastAttempt;
      const recorded = await this.recordFailure(row, attempt, failure, final, correlationId);
      this.metrics.notificationDeliveries.inc({ channel: row.channel, outcome: !recorded ? 'skipped' : final ? 'failed' : 'retried' });
      if (!recorded) return 'skipped';
      if (!final) throw error;
      return 'failed';
    }

    const recorded = await this.recordDelivered(row, attempt, message, result, correlationId);
    this.metrics.notificationDeliveries.inc({ channel: row.channel, outcome: recorded ? 'delivered' : 'skipped' });
    return recorded ? 'delivered' : 'skipped';
  }

  /**
   * Inbox and e-mail deliveries of several notifications at once. Their sources are read together (one read of every
   * project, compliance and case stream they name, one of their regions); each message is composed and sent as
   * `deliver` would (e-mails at once, through the pooled SMTP transport; an inbox item goes nowhere outside
   * PostgreSQL), then every outcome of the batch is recorded in one transaction: rows locked, one append of all their
   * events, one UPDATE per kind of outcome, one INSERT of the inbox items. A row another attempt settled meanwhile is
   * recorded as nothing ('skipped'). Returns, for each notification it took, what its job answers: an outcome, or the
   * error to throw — a temporary failure with attempts left (recorded first, as `deliver` records it) or an error
   * that is not about delivery (recorded as nothing). The ones it did not take (webhook, WhatsApp, no longer PENDING)
   * are left for `deliver`, one at a time.
   */
  async deliverBatch(items: readonly BatchItem[]): Promise<Map<string, BatchAnswer>> {
    const answers = new Map<string, BatchAnswer>();
    const ids = [...new Set(items.map((i) => i.notificationId).filter(isUuid))];
    if (ids.length === 0) return answers;
    const { rows } = await this.pool.query(
      `SELECT ${ROW_COLUMNS} FROM notifications WHERE id = ANY($1::uuid[]) AND channel = ANY($2::text[]) AND status = 'PENDING'`,
      [ids, BATCHED_CHANNELS],
    );
    if (rows.length === 0) return answers;
    const itemOf = new Map(items.map((i) => [i.notificationId, i]));
    // Claimed before anything is sent: a row another delivery holds is its to settle; this job tries again later.
    const claimed = await this.claim(rows.map((r) => r.id));
    for (const r of rows) if (!claimed.has(r.id)) answers.set(r.id, { throw: new NotificationInFlightError(r.id) });
    const notifications = rows.filter((r) => claimed.has(r.id)).map(notificationRowOf);
    if (notifications.length === 0) return answers;
    const sources = await this.loadSourcesOf(notifications);

    const attempted = await Promise.all(
      notifications.map(async (row): Promise<Attempted> => {
        const { attempt, lastAttempt } = itemOf.get(row.id)!;
        const source = sources.get(row.id)!;
        const correlationId = source.caseEvents.find((e) => e.eventId === row.causeEventId)?.metadata.correlationId ?? row.id;
        try {
          const message = composeNotificationMessage(row, source);
          const result = row.channel === 'INBOX' ? ({ channel: 'INBOX', inboxItemId: row.id } as const) : await this.send(row, message, source);
          return { row, attempt, correlationId, message, result };
        } catch (error) {
          const failure = asFailure(error);
          if (failure === null) return { row, attempt, correlationId, unrecorded: error };
          return { row, attempt, correlationId, failure, final: !failure.retryable || lastAttempt, error };
        }
      }),
    );
    const unrecorded = attempted.filter((a) => 'unrecorded' in a);
    for (const a of unrecorded) answers.set(a.row.id, { throw: a.unrecorded });
    if (unrecorded.length) await this.release(unrecorded.map((a) => a.row.id));
    const toRecord = attempted.filter((a): a is Delivered | Failed => !('unrecorded' in a));
    if (toRecord.length === 0) return answers;

    const recorded = new Set((await retryOnConflict(() => inTransaction(this.pool, (client) => this.recordBatch(toRecord, client)))).map((a) => a.row.id));
    for (const a of toRecord) {
      const outcome = !recorded.has(a.row.id) ? 'skipped' : 'message' in a ? 'delivered' : a.final ? 'failed' : 'retried';
      this.metrics.notificationDeliveries.inc({ channel: a.row.channel, outcome });
      answers.set(a.row.id, outcome === 'retried' ? { throw: (a as Failed).error } : outcome);
    }
    for (const type of ['NotificationDelivered', 'NotificationDeliveryFailed'] as const) {
      const n = toRecord.filter((a) => recorded.has(a.row.id) && 'message' in a === (type === 'NotificationDelivered')).length;
      if (n) this.metrics.eventsAppended.inc({ type }, n);
    }
    return answers;
  }

  /** The batch's outcomes of the rows still PENDING, recorded in `client`'s transaction; returns what it recorded. */
  private async recordBatch(attempted: readonly (Delivered | Failed)[], client: PoolClient): Promise<(Delivered | Failed)[]> {
    const at = this.clock.now();
    const { rows: locked } = await client.query<{ id: string }>(
      `SELECT id FROM notifications WHERE id = ANY($1::uuid[]) AND status = 'PENDING' ORDER BY id FOR UPDATE`,
      [attempted.map((a) => a.row.id)],
    );
    const pending = new Set(locked.map((r) => r.id));
    const batch = attempted.filter((a) => pending.has(a.row.id));
    if (batch.length === 0) return batch;
    const heads = await this.store.readStreams(
      batch.map((a) => notificationStreamId(a.row.id)),
      client,
    );
    await this.store.appendMany(
      batch.map((a) => {
        const event: NewEvent =
          'message' in a
            ? { type: 'NotificationDelivered', data: deliveredData(a.row, a.attempt, a.result, at), metadata: this.metadataOf(a.row, a.correlationId) }
            : { type: 'NotificationDeliveryFailed', data: failedData(a.row, a.attempt, a.failure, a.final, at), metadata: this.metadataOf(a.row, a.correlationId) };
        const streamId = notificationStreamId(a.row.id);
        return { streamId, expected: heads.get(streamId)!.head, events: [event] };
      }),
      {},
      client,
    );
    const failed = batch.filter((a): a is Failed => 'failure' in a);
    if (failed.length) {
      await client.query(
        `UPDATE notifications n
            SET attempts = n.attempts + 1, last_error_code = f.code, claimed_until = NULL,
                status = CASE WHEN f.final THEN 'FAILED' ELSE n.status END,
                failed_at = CASE WHEN f.final THEN $4 ELSE n.failed_at END
           FROM unnest($1::uuid[], $2::text[], $3::boolean[]) AS f(id, code, final) WHERE n.id = f.id`,
        [failed.map((a) => a.row.id), failed.map((a) => a.failure.code), failed.map((a) => a.final), at],
      );
    }
    const delivered = batch.filter((a): a is Delivered => 'message' in a);
    if (delivered.length === 0) return batch;
    await client.query(`UPDATE notifications SET status = 'DELIVERED', attempts = attempts + 1, delivered_at = $2, claimed_until = NULL WHERE id = ANY($1::uuid[])`, [
      delivered.map((a) => a.row.id),
      at,
    ]);
    const inbox = delivered.filter((a) => a.row.channel === 'INBOX');
    if (inbox.length === 0) return batch;
    await client.query(
      `INSERT INTO inbox_items (id, recipient_official_id, position, region_code, agency_code, case_id, project_id, subject, body, created_at)
       SELECT id, official, position, region, agency, case_id, project_id, subject, body, $10
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::uuid[], $8::text[], $9::text[])
              AS x(id, official, position, region, agency, case_id, project_id, subject, body)
       ON CONFLICT (id) DO NOTHING`,
      [
        inbox.map((a) => a.row.id),
        inbox.map((a) => (a.row.recipientKind === 'OFFICIAL' && isUuid(a.row.recipientId) ? a.row.recipientId : null)),
        inbox.map((a) => a.row.position ?? a.row.recipientKind),
        inbox.map((a) => a.row.regionCode),
        inbox.map((a) => a.row.agencyCode),
        inbox.map((a) => a.row.caseId),
        inbox.map((a) => a.row.projectId),
        inbox.map((a) => a.message.subject),
        inbox.map((a) => a.message.text),
        at,
      ],
    );
    return batch;
  }

  /** For the processor: an error nobody classified was still there on the last attempt. Recorded as final. */
  async recordUnexpectedFailure(notificationId: string, attempt: number): Promise<void> {
    const row = isUuid(notificationId) ? await this.findRow(notificationId) : null;
    if (row === null || row.status !== 'PENDING') return;
    const recorded = await this.recordFailure(row, attempt, { code: 'internal_error', retryable: true, replyCode: null }, true, row.id);
    if (recorded) this.metrics.notificationDeliveries.inc({ channel: row.channel, outcome: 'failed' });
  }

  /**
   * Claims the PENDING rows among `ids` that no other delivery holds, for as long as a send may take (twice the
   * delivery timeout, and ten seconds more; PostgreSQL's clock, the one every worker shares); returns those claimed.
   */
  private async claim(ids: readonly string[]): Promise<Set<string>> {
    const { rows } = await this.pool.query<{ id: string }>(
      `UPDATE notifications SET claimed_until = now() + make_interval(secs => $2)
        WHERE id = ANY($1::uuid[]) AND status = 'PENDING' AND (claimed_until IS NULL OR claimed_until <= now())
        RETURNING id`,
      [ids, (2 * this.config.escalation.deliveryTimeoutMs + 10_000) / 1000],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** Gives claims back after an attempt that recorded nothing, so that the retry need not wait for them to lapse. */
  private async release(ids: readonly string[]): Promise<void> {
    await this.pool.query(`UPDATE notifications SET claimed_until = NULL WHERE id = ANY($1::uuid[]) AND status = 'PENDING'`, [ids]).catch(() => undefined);
  }

  private async findRow(id: string, db: Pool | PoolClient = this.pool, lock = false): Promise<NotificationRow | null> {
    const { rows } = await db.query(`SELECT ${ROW_COLUMNS} FROM notifications WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return rows.length === 0 ? null : notificationRowOf(rows[0]);
  }

  private async loadSources(row: NotificationRow): Promise<MessageSources> {
    return (await this.loadSourcesOf([row])).get(row.id)!;
  }

  /** What the messages of `rows` are built from: every stream they name read in one round trip, their regions in one. */
  private async loadSourcesOf(rows: readonly NotificationRow[]): Promise<Map<string, MessageSources>> {
    const groups = new Map(rows.map((row) => [row.id, sourceStreamsOf(row)]));
    const [streams, regions] = await Promise.all([
      readStreamsOf<DomainEvent>(
        this.store,
        [...groups.values()].flatMap((group) => Object.values(group).map((ref) => ref.streamId)),
      ),
      this.pool.query<RegionRow>('SELECT code, name, level FROM regions WHERE code = ANY($1::text[])', [[...new Set(rows.flatMap((r) => regionAncestry(r.regionCode)))]]),
    ]);
    const sources = await Promise.all(
      rows.map(async (row): Promise<[string, MessageSources]> => {
        const loaded = foldGroup(groups.get(row.id)!, streams);
        return [
          row.id,
          {
            project: loaded.project.state,
            compliance: loaded.compliance.state,
            escalationCase: loaded.escalationCase.state,
            caseEvents: loaded.escalationCase.events,
            regionName: regionLabel(row.regionCode, regions.rows),
            publicBaseUrl: this.config.publicBaseUrl,
            ppkName: await this.ppkName(row, loaded.project.state.registration?.ppk.ref),
            caseLink: (caseId, role) => caseLinkFor(this.config, caseId, role, this.clock.now()),
          },
        ];
      }),
    );
    return new Map(sources);
  }

  /**
   * The contract PPK's name for an e-mail or webhook copy of a case notice, read now and used only in the message
   * sent; an inbox item is stored, so it gets none (null), and an erased PPK has none.
   */
  private async ppkName(row: NotificationRow, ref: string | undefined): Promise<string | null> {
    if (row.kind !== 'CASE_ESCALATED' || row.channel === 'INBOX' || !ref) return null;
    const { rows } = await this.pool.query<{ name: string | null }>(
      `SELECT data->>'name' AS name FROM personal_data WHERE ref = $1 AND kind = 'ppk' AND erased_at IS NULL`,
      [ref],
    );
    return rows[0]?.name?.trim() || null;
  }

  private async send(row: NotificationRow, message: NotificationMessage, sources: MessageSources): Promise<NotificationDeliveryResult> {
    switch (row.channel) {
      case 'EMAIL': {
        const email = this.channels.email;
        if (email === null) throw new NotificationUndeliverableError('smtp_not_configured', 'no SMTP server is configured (SMTP_URL)');
        const to = await this.emailAddress(row, sources);
        return email.send(to, message, { messageId: `notification-${row.id}` });
      }
      case 'WEBHOOK': {
        const target = await this.webhookTarget(row);
        return this.channels.webhook.send(target.url, target.secret, message, { deliveryId: row.id, now: this.clock.now() });
      }
      case 'INBOX':
        // The item is written in the same transaction that records the delivery.
        return { channel: 'INBOX', inboxItemId: row.id };
      case 'WHATSAPP':
        return sendWhatsapp(this.pool, this.channels.whatsapp, this.config, row, message, sources, this.clock.now());
      default: {
        const unexpected: never = row.channel;
        throw new NotificationUndeliverableError('no_address', `unknown channel ${String(unexpected)}`);
      }
    }
  }

  /** The recipient's e-mail address as it stands now. */
  private async emailAddress(row: NotificationRow, sources: MessageSources): Promise<string> {
    let address: string | null = null;
    switch (row.recipientKind) {
      case 'OFFICIAL':
        if (isUuid(row.recipientId)) {
          const { rows } = await this.pool.query(`SELECT email FROM officials WHERE id = $1 AND active`, [row.recipientId]);
          address = rows[0]?.email ?? null;
        }
        break;
      case 'CONTRACTOR':
        address = sources.project.registration?.contractor.email ?? null;
        break;
      case 'PPK': {
        const { rows } = await this.pool.query(`SELECT data->>'email' AS email FROM personal_data WHERE ref = $1 AND kind = 'ppk' AND erased_at IS NULL`, [
          row.recipientId,
        ]);
        address = rows[0]?.email ?? null;
        break;
      }
      case 'CLIENT':
        break;
    }
    if (!address) throw new NotificationUndeliverableError('no_address', `the ${row.recipientKind.toLowerCase()} has no e-mail address`);
    return address;
  }

  /** Where and with which secret to sign: a client's newest secret, or an official's own webhook secret. */
  private async webhookTarget(row: NotificationRow): Promise<{ url: string; secret: WebhookSecret }> {
    if (row.recipientKind === 'CLIENT') {
      const { rows } = await this.pool.query(`SELECT webhook_url, secrets FROM procurement_clients WHERE id = $1 AND disabled_at IS NULL`, [row.recipientId]);
      const newest = rows[0] ? newestSecret(rows[0].secrets) : null;
      if (rows[0]?.webhook_url && newest) {
        return { url: rows[0].webhook_url, secret: { keyId: `client:${row.recipientId}`, secret: this.box.open(newest) } };
      }
    } else if (row.recipientKind === 'OFFICIAL' && isUuid(row.recipientId)) {
      const { rows } = await this.pool.query(`SELECT webhook_url, webhook_secret_sealed FROM officials WHERE id = $1 AND active`, [row.recipientId]);
      if (rows[0]?.webhook_url && rows[0].webhook_secret_sealed) {
        return { url: rows[0].webhook_url, secret: { keyId: `official:${row.recipientId}`, secret: this.box.open(rows[0].webhook_secret_sealed) } };
      }
    }
    throw new NotificationUndeliverableError('no_address', `the ${row.recipientKind.toLowerCase()} has no webhook`);
  }

  private async recordDelivered(
    row: NotificationRow,
    attempt: number,
    message: NotificationMessage,
    result: NotificationDeliveryResult,
    correlationId: string,
  ): Promise<boolean> {
    const deliveredAt = this.clock.now();
    const data = deliveredData(row, attempt, result, deliveredAt);
    return this.record(row, { type: 'NotificationDelivered', data }, correlationId, async (client) => {
      // WhatsApp: accepted is SENT; what follows (delivered, read, failed) comes by the status webhook.
      if (result.channel === 'WHATSAPP') return recordWhatsappAccepted(this.store, client, row, result, deliveredAt, correlationId);
      await client.query(`UPDATE notifications SET status = 'DELIVERED', attempts = attempts + 1, delivered_at = $2, claimed_until = NULL WHERE id = $1`, [
        row.id,
        deliveredAt,
      ]);
      if (row.channel === 'INBOX') {
        await client.query(
          `INSERT INTO inbox_items (id, recipient_official_id, position, region_code, agency_code, case_id, project_id, subject, body, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING`,
          [
            row.id,
            row.recipientKind === 'OFFICIAL' && isUuid(row.recipientId) ? row.recipientId : null,
            row.position ?? row.recipientKind,
            row.regionCode,
            row.agencyCode,
            row.caseId,
            row.projectId,
            message.subject,
            message.text,
            deliveredAt,
          ],
        );
      }
    });
  }

  private async recordFailure(row: NotificationRow, attempt: number, failure: Failure, final: boolean, correlationId: string): Promise<boolean> {
    const failedAt = this.clock.now();
    const data = failedData(row, attempt, failure, final, failedAt);
    return this.record(row, { type: 'NotificationDeliveryFailed', data }, correlationId, async (client) => {
      await client.query(
        `UPDATE notifications
            SET attempts = attempts + 1, last_error_code = $2, claimed_until = NULL,
                status = CASE WHEN $3 THEN 'FAILED' ELSE status END,
                failed_at = CASE WHEN $3 THEN $4 ELSE failed_at END
          WHERE id = $1`,
        [row.id, failure.code, final, failedAt],
      );
    });
  }

  /**
   * Appends `event` to the notification's stream and applies `effect` in one transaction, under a lock on the row:
   * false (and nothing written) when the row is no longer PENDING, because another attempt settled it meanwhile.
   */
  private record(
    row: NotificationRow,
    event: { type: string; data: NotificationDeliveredData | NotificationDeliveryFailedData },
    correlationId: string,
    effect: (client: PoolClient) => Promise<void>,
  ): Promise<boolean> {
    const metadata = this.metadataOf(row, correlationId);
    const streamId = notificationStreamId(row.id);
    return retryOnConflict(async () => {
      const recorded = await inTransaction(this.pool, async (client) => {
        // Locked until commit: a second delivery of the same row waits here, then sees it is no longer PENDING.
        const current = await this.findRow(row.id, client, true);
        if (current?.status !== 'PENDING') return false;
        const head = (await this.store.readStreams([streamId], client)).get(streamId)!.head;
        const newEvent: NewEvent = { type: event.type, data: event.data, metadata };
        await this.store.appendMany([{ streamId, expected: head, events: [newEvent] }], {}, client);
        await effect(client);
        return true;
      });
      if (recorded) this.metrics.eventsAppended.inc({ type: event.type });
      return recorded;
    });
  }

  private metadataOf(row: NotificationRow, correlationId: string): EventMetadata {
    return {
      actor: { ...ACTOR },
      correlationId,
      causationId: row.causeEventId,
      regionCode: row.regionCode,
      projectId: row.projectId,
      caseId: row.caseId,
    };
  }
}

function deliveredData(row: NotificationRow, attempt: number, result: NotificationDeliveryResult, deliveredAt: Date): NotificationDeliveredData {
  return { ...aboutRow(row), result, deliveredAt: deliveredAt.toISOString(), attempt };
}

/** The channels `deliverBatch` takes: nothing a receiver says (a webhook's Retry-After, WhatsApp's statuses) is per message. */
const BATCHED_CHANNELS = ['INBOX', 'EMAIL'];

/** One job's notification for `deliverBatch`, with the attempt it is (from 1) and whether it is the job's last. */
export interface BatchItem {
  notificationId: string;
  attempt: number;
  lastAttempt: boolean;
}

/** What a job of `deliverBatch` answers: the outcome, or the error to throw (BullMQ retries it). */
export type BatchAnswer = DeliveryOutcome | { throw: unknown };

/** The project, compliance and case streams a notification's message is built from. */
function sourceStreamsOf(row: NotificationRow) {
  return {
    project: streamRef(constructionProjectModel, projectStreamId(row.projectId)),
    compliance: streamRef(complianceModel, complianceStreamId(row.projectId)),
    // A clearance belongs to no case: the nil id names a stream that never exists, so its case reads as not opened.
    escalationCase: streamRef(escalationCaseModel, caseStreamId(row.caseId ?? NO_CASE)),
  };
}

/** A batch's notification after its attempt: sent (or put in the inbox), failed as a delivery, or failed otherwise. */
type AttemptedBase = { row: NotificationRow; attempt: number; correlationId: string };
type Delivered = AttemptedBase & { message: NotificationMessage; result: NotificationDeliveryResult };
type Failed = AttemptedBase & { failure: Failure; final: boolean; error: unknown };
type Attempted = Delivered | Failed | (AttemptedBase & { unrecorded: unknown });

/** A `notifications` row as `ROW_COLUMNS` selects it. */
function notificationRowOf(r: Record<string, any>): NotificationRow {
  return {
    id: r.id,
    kind: r.kind,
    channel: r.channel,
    projectId: r.project_id,
    caseId: r.case_id,
    level: r.level,
    regionCode: r.region_code,
    agencyCode: r.agency_code,
    recipientKind: r.recipient_kind,
    recipientId: r.recipient_id,
    position: r.position,
    causeEventId: r.cause_event_id,
    status: r.status,
    attempts: r.attempts,
  };
}

function failedData(row: NotificationRow, attempt: number, failure: Failure, final: boolean, failedAt: Date): NotificationDeliveryFailedData {
  return {
    ...aboutRow(row),
    attempt,
    code: failure.code,
    retryable: failure.retryable,
    final,
    replyCode: failure.replyCode,
    failedAt: failedAt.toISOString(),
  };
}

/** What every delivery event says of its notification. */
function aboutRow(row: NotificationRow) {
  return {
    notificationId: row.id,
    caseId: row.caseId,
    projectId: row.projectId,
    kind: row.kind,
    channel: row.channel,
    level: row.level,
    recipient: recipientOf(row),
  };
}

function recipientOf(row: NotificationRow): NotificationRecipientRef {
  return { kind: row.recipientKind, id: row.recipientId, position: row.position };
}

/** A channel's classified error or a missing address; anything else is not a delivery outcome. */
function asFailure(error: unknown): Failure | null {
  if (error instanceof NotificationUndeliverableError) return { code: error.code, retryable: false, replyCode: null };
  if (error instanceof DeliveryError) {
    const details = (error as DeliveryError & { details?: { responseCode?: number; status?: number } }).details ?? {};
    return { code: error.code, retryable: error.retryable, replyCode: details.responseCode ?? details.status ?? null };
  }
  return null;
}

/** Rotation appends, so the last entry is the newest; `createdAt` decides when present. */
function newestSecret(secrets: unknown): string | null {
  if (!Array.isArray(secrets) || secrets.length === 0) return null;
  const sorted = [...(secrets as { sealed: string; createdAt?: string }[])].sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? ''));
  return sorted[sorted.length - 1].sealed ?? null;
}
