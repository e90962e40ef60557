/**
 * The delivery stream of one notification row (`notification-<notificationId>`): every attempt that failed and the
 * one that succeeded, then (WhatsApp) the statuses reported of the message, past tense. Recipients appear as their
 * kind, id and position, never as an address.
 */
import type { DeliveryResult, NotificationKind, PermanentDeliveryCode, TemporaryDeliveryCode } from './notification.types';

export type NotificationChannelKind = 'EMAIL' | 'WEBHOOK' | 'INBOX' | 'WHATSAPP';

export type NotificationRecipientKind = 'OFFICIAL' | 'CONTRACTOR' | 'PPK' | 'CLIENT';

/**
 * Whom a notification was for. `id` is an officials id or `position:<POSITION>`, the contractor's NPWP, the PPK's
 * personal-data reference, or a procurement client id.
 */
export interface NotificationRecipientRef {
  kind: NotificationRecipientKind;
  id: string;
  position: string | null;
}

/** Why a notification could not be handed over at all, before any channel was tried. */
export type UndeliverableCode =
  /** An e-mail notification, but the process has no SMTP_URL. */
  | 'smtp_not_configured'
  /** A WhatsApp notification, but the process has no WHATSAPP_API_URL. */
  | 'whatsapp_not_configured'
  /** The recipient has no address on this channel (no e-mail, no webhook URL, a disabled client, an inactive official). */
  | 'no_address'
  /** The project, case or cause the message is built from is not on record. */
  | 'message_unavailable'
  /** A failure the worker could not classify, recorded when it was still there on the last attempt. */
  | 'internal_error';

export type DeliveryFailureCode = TemporaryDeliveryCode | PermanentDeliveryCode | UndeliverableCode;

/** What the recipient's side acknowledged: the channel's result, or the inbox item that now holds the message. */
export type NotificationDeliveryResult = DeliveryResult | { readonly channel: 'INBOX'; readonly inboxItemId: string };

export interface NotificationDeliveredData {
  notificationId: string;
  /** null for a PAYMENT_REQUEST_CLEARED, which belongs to no case. */
  caseId: string | null;
  projectId: string;
  kind: NotificationKind;
  channel: NotificationChannelKind;
  level: number | null;
  recipient: NotificationRecipientRef;
  result: NotificationDeliveryResult;
  deliveredAt: string;
  /** 1 for the first try. */
  attempt: number;
}

export interface NotificationDeliveryFailedData {
  notificationId: string;
  caseId: string | null;
  projectId: string;
  kind: NotificationKind;
  channel: NotificationChannelKind;
  level: number | null;
  recipient: NotificationRecipientRef;
  attempt: number;
  code: DeliveryFailureCode;
  /** Whether the same delivery could succeed later (an SMTP 4xx, a webhook 5xx). */
  retryable: boolean;
  /** No further attempt follows: the notification is FAILED for good. */
  final: boolean;
  /** The SMTP reply code or HTTP status, when the remote side answered. */
  replyCode: number | null;
  failedAt: string;
}

/** What WhatsApp reports of a message it accepted; a status never goes back (SENT < FAILED < DELIVERED < READ: the furthest report wins). */
export type ReportedMessageStatus = 'SENT' | 'DELIVERED' | 'READ' | 'FAILED';

/**
 * A status webhook about the notification's WhatsApp message, recorded once per (message, status): a duplicate or a
 * replay appends nothing. An out-of-order report (delivered after read) is recorded but does not move the status back.
 */
export interface NotificationStatusReportedData {
  notificationId: string;
  caseId: string | null;
  projectId: string;
  channel: 'WHATSAPP';
  level: number | null;
  recipient: NotificationRecipientRef;
  /** The wamid the webhook named. */
  messageId: string;
  status: ReportedMessageStatus;
  /** When WhatsApp says it happened (the webhook's timestamp). */
  reportedAt: string;
  /** The notification's status once this report applied (the same as before when it came out of order). */
  notificationStatus: ReportedMessageStatus;
  /** The Cloud API's error code of a failed message (e.g. 131026), else null. */
  errorCode: number | null;
}

export type NotificationEvent =
  | { type: 'NotificationDelivered'; data: NotificationDeliveredData }
  | { type: 'NotificationDeliveryFailed'; data: NotificationDeliveryFailedData }
  | { type: 'NotificationStatusReported'; data: NotificationStatusReportedData };

export type NotificationEventType = NotificationEvent['type'];

export const NOTIFICATION_EVENT_TYPES: readonly NotificationEventType[] = ['NotificationDelivered', 'NotificationDeliveryFailed', 'NotificationStatusReported'];

const NOTIFICATION_STREAM_PREFIX = 'notification-';
export const notificationStreamId = (notificationId: string) => `${NOTIFICATION_STREAM_PREFIX}${notificationId}`;
/** `notificationStreamId` in SQL, for an expression holding a notification id (uuid or text). */
export const notificationStreamIdSql = (notificationId: string) => `('${NOTIFICATION_STREAM_PREFIX}' || ${notificationId}::text)`;
