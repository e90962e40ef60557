import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ReportedMessageStatus } from '../notification.events';

// The status side of the WhatsApp Cloud API, pure: the webhook's signature, its payload, and how a notification's
// status moves when WhatsApp reports one.

/** One entry of a status webhook's `statuses`, as far as Sinergi reads it (never the recipient's number). */
export interface StatusReport {
  /** The wamid. */
  messageId: string;
  status: ReportedMessageStatus;
  /** ISO-8601, from the webhook's Unix-seconds `timestamp`. */
  reportedAt: string;
  /** The first error's code of a failed message, else null. */
  errorCode: number | null;
  /** The business number the status is about (`metadata.phone_number_id`), when the webhook says. */
  phoneNumberId: string | null;
}

const STATUSES: Readonly<Record<string, ReportedMessageStatus>> = { sent: 'SENT', delivered: 'DELIVERED', read: 'READ', failed: 'FAILED' };
/**
 * How far a report says the message got. Meta does not send status webhooks in the order they happened (their
 * timestamps tell), retries them, and may report `failed` for a message it also reports `delivered` (a recipient with
 * more than one device): `delivered` and `read` prove the message reached the recipient's phone, which no failure
 * report undoes, so `failed` ranks above `sent` only.
 */
export const STATUS_RANK: Readonly<Record<ReportedMessageStatus, number>> = { SENT: 1, FAILED: 2, DELIVERED: 3, READ: 4 };

/** `sha256=<hex HMAC-SHA256(app secret, raw body)>`, as Meta signs a webhook (X-Hub-Signature-256). */
export function hubSignature(appSecret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/** Whether `header` is the raw body's signature with the app secret; compared in constant time. */
export function verifyHubSignature(appSecret: string, rawBody: Buffer, header: string | undefined): boolean {
  const match = typeof header === 'string' ? /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim()) : null;
  if (!match) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  const given = Buffer.from(match[1], 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The message statuses a `messages` webhook carries (`entry[].changes[].value.statuses[]`). Incoming messages,
 * other fields, statuses Sinergi does not track (`deleted`, `played`) and malformed entries are left out.
 */
export function statusReportsOf(body: unknown): StatusReport[] {
  const out: StatusReport[] = [];
  if (!isObject(body) || body.object !== 'whatsapp_business_account' || !Array.isArray(body.entry)) return out;
  for (const entry of body.entry) {
    if (!isObject(entry) || !Array.isArray(entry.changes)) continue;
    for (const change of entry.changes) {
      if (!isObject(change) || change.field !== 'messages' || !isObject(change.value) || !Array.isArray(change.value.statuses)) continue;
      const metadata = isObject(change.value.metadata) ? change.value.metadata : {};
      const phoneNumberId = typeof metadata.phone_number_id === 'string' ? metadata.phone_number_id : null;
      for (const s of change.value.statuses) {
        if (!isObject(s) || typeof s.id !== 'string' || s.id.length === 0 || s.id.length > 256) continue;
        const status = typeof s.status === 'string' ? STATUSES[s.status] : undefined;
        const seconds = typeof s.timestamp === 'string' && /^\d{1,12}$/.test(s.timestamp) ? Number(s.timestamp) : typeof s.timestamp === 'number' ? s.timestamp : NaN;
        if (!status || !Number.isSafeInteger(seconds) || seconds <= 0) continue;
        const firstError = Array.isArray(s.errors) && isObject(s.errors[0]) ? s.errors[0] : null;
        const errorCode = firstError && Number.isSafeInteger(Number(firstError.code)) ? Number(firstError.code) : null;
        out.push({ messageId: s.id, status, reportedAt: new Date(seconds * 1000).toISOString(), errorCode, phoneNumberId });
      }
    }
  }
  return out;
}

/**
 * The notification's status once `reported` applies: the furthest any report says (SENT < FAILED < DELIVERED < READ),
 * so it never goes back, and the same reports give the same status whatever order, and however often, they come.
 * A failed message is FAILED only while no delivered or read report is known: a failure reported after (or before)
 * a delivery leaves it DELIVERED or READ.
 */
export function advanceStatus(current: ReportedMessageStatus, reported: ReportedMessageStatus): ReportedMessageStatus {
  return STATUS_RANK[reported] > STATUS_RANK[current] ? reported : current;
}

/** The failure code a failed status is recorded under (`notifications.last_error_code`). */
export function failedStatusCode(errorCode: number | null): string {
  if (errorCode === 131021 || errorCode === 131026) return 'whatsapp_not_on_whatsapp';
  if (errorCode === 131050) return 'whatsapp_opted_out';
  return 'whatsapp_failed';
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
