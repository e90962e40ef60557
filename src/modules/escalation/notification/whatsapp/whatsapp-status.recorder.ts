import type { EventMetadata, EventStore } from '@sinergi/event-store';
import { readStreamOf } from '@sinergi/event-store';
import type { PoolClient } from 'pg';
import {
  type NotificationEvent,
  type NotificationRecipientKind,
  type NotificationStatusReportedData,
  notificationStreamId,
  type ReportedMessageStatus,
} from '../notification.events';
import { advanceStatus, failedStatusCode, STATUS_RANK, type StatusReport } from './whatsapp-status';

/** A WHATSAPP notification row, locked by the caller's transaction, as the recorder needs it. */
export interface WhatsappNotificationRow {
  id: string;
  caseId: string | null;
  projectId: string;
  level: number | null;
  regionCode: string;
  recipientKind: NotificationRecipientKind;
  recipientId: string;
  position: string | null;
  causeEventId: string;
  /** A row with a WhatsApp message id was at least SENT. */
  status: ReportedMessageStatus;
  messageId: string;
}

const COLUMNS = `id, case_id, project_id, level, region_code, recipient_kind, recipient_id, position, cause_event_id, status, provider_message_id`;

/**
 * Taken by the status webhook and by the delivery recording a message's acceptance, for the transaction: a status
 * that arrives while the acceptance is being recorded waits for it, or is parked before it and found by it.
 */
export async function lockMessageId(client: PoolClient, messageId: string): Promise<void> {
  await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('whatsapp-message:' || $1, 0))`, [messageId]);
}

/** The row whose WhatsApp message is `messageId`, locked until the transaction ends; null when none has it (yet). */
export async function lockRowByMessageId(client: PoolClient, messageId: string): Promise<WhatsappNotificationRow | null> {
  const { rows } = await client.query(`SELECT ${COLUMNS} FROM notifications WHERE provider_message_id = $1 AND channel = 'WHATSAPP' FOR UPDATE`, [messageId]);
  return rows.length ? toRow(rows[0]) : null;
}

export async function lockRowById(client: PoolClient, id: string): Promise<WhatsappNotificationRow | null> {
  const { rows } = await client.query(
    `SELECT ${COLUMNS} FROM notifications WHERE id = $1 AND channel = 'WHATSAPP' AND provider_message_id IS NOT NULL FOR UPDATE`,
    [id],
  );
  return rows.length ? toRow(rows[0]) : null;
}

/**
 * Records what WhatsApp reported of the row's message, in the caller's transaction: one NotificationStatusReported
 * per (message, status) not on the notification's stream yet (a duplicate or a replay appends nothing), the row's
 * status moved forward only (advanceStatus: the furthest report wins, in whatever order they come), and the times it
 * was delivered, read or failed. Returns how many reports were new.
 */
export async function recordStatusReports(
  store: EventStore,
  client: PoolClient,
  row: WhatsappNotificationRow,
  reports: readonly StatusReport[],
  metadata: Pick<EventMetadata, 'actor' | 'correlationId'>,
): Promise<{ recorded: number; status: ReportedMessageStatus }> {
  const streamId = notificationStreamId(row.id);
  const stream = await readStreamOf<NotificationEvent>(store, streamId, client);
  const seen = new Set(stream.events.flatMap((e) => (e.type === 'NotificationStatusReported' ? [`${e.data.messageId}|${e.data.status}`] : [])));
  let status = row.status;
  let deliveredAt: string | null = null;
  let readAt: string | null = null;
  let failed: { at: string; code: string } | null = null;
  const events: NotificationStatusReportedData[] = [];
  for (const report of reports) {
    const key = `${report.messageId}|${report.status}`;
    if (report.messageId !== row.messageId || seen.has(key)) continue;
    seen.add(key);
    const next = advanceStatus(status, report.status);
    if (report.status === 'DELIVERED' && (deliveredAt === null || report.reportedAt < deliveredAt)) deliveredAt = report.reportedAt;
    if (report.status === 'READ') readAt = report.reportedAt;
    if (report.status === 'FAILED' && next === 'FAILED') failed = { at: report.reportedAt, code: failedStatusCode(report.errorCode) };
    status = next;
    events.push({
      notificationId: row.id,
      caseId: row.caseId,
      projectId: row.projectId,
      channel: 'WHATSAPP',
      level: row.level,
      recipient: { kind: row.recipientKind, id: row.recipientId, position: row.position },
      messageId: report.messageId,
      status: report.status,
      reportedAt: report.reportedAt,
      notificationStatus: next,
      errorCode: report.errorCode,
    });
  }
  if (events.length === 0) return { recorded: 0, status };

  const meta: EventMetadata = {
    ...metadata,
    causationId: row.causeEventId,
    regionCode: row.regionCode,
    projectId: row.projectId,
    caseId: row.caseId,
  };
  await store.appendMany(
    [{ streamId, expected: stream.head, events: events.map((data) => ({ type: 'NotificationStatusReported', data, metadata: meta })) }],
    {},
    client,
  );
  // A read message was delivered: when no delivered report came (WhatsApp skips it for a message read at once), the
  // read time stands for it; an earlier delivered report, in or out of order, wins. A failure time stands only while
  // the message is FAILED: a delivered or read report about it, before or after, means it arrived.
  await client.query(
    `UPDATE notifications
        SET status = $2,
            delivered_at = LEAST(COALESCE(delivered_at, $3, $4), COALESCE($3, delivered_at, $4)),
            read_at = COALESCE(read_at, $4),
            failed_at = CASE WHEN $2 = 'FAILED' THEN COALESCE(failed_at, $5) END,
            last_error_code = COALESCE($6, last_error_code)
      WHERE id = $1`,
    [row.id, status, deliveredAt, readAt, failed?.at ?? null, failed?.code ?? null],
  );
  return { recorded: events.length, status };
}

/**
 * Takes the statuses parked for `messageId` (the caller holds lockMessageId), in the order they happened (by rank
 * within the same second).
 */
export async function takeParkedReports(client: PoolClient, messageId: string): Promise<StatusReport[]> {
  const { rows } = await client.query<{ status: StatusReport['status']; reported_at: Date; error_code: number | null }>(
    `DELETE FROM whatsapp_parked_statuses WHERE message_id = $1 RETURNING status, reported_at, error_code`,
    [messageId],
  );
  return rows
    .map((r) => ({ messageId, status: r.status, reportedAt: new Date(r.reported_at).toISOString(), errorCode: r.error_code, phoneNumberId: null }))
    .sort((a, b) => a.reportedAt.localeCompare(b.reportedAt) || STATUS_RANK[a.status] - STATUS_RANK[b.status]);
}

function toRow(r: Record<string, any>): WhatsappNotificationRow {
  return {
    id: r.id,
    caseId: r.case_id,
    projectId: r.project_id,
    level: r.level,
    regionCode: r.region_code,
    recipientKind: r.recipient_kind,
    recipientId: r.recipient_id,
    position: r.position,
    causeEventId: r.cause_event_id,
    status: r.status,
    messageId: r.provider_message_id,
  };
}
