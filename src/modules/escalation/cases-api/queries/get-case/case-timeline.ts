import type { EventActor, RecordedOf } from '@sinergi/event-store';
import { type EscalationCaseState, evolveCase, initialCaseState } from '../../../case-decider/escalation-case.decider';
import type { EscalationCaseEvent } from '../../../case-decider/escalation-case.events';

/**
 * A delivery of the case's notifications, as `notifications` records it: no address, no name. A WhatsApp message is
 * SENT once the Cloud API accepted it, then DELIVERED, READ or FAILED as WhatsApp reports (never back).
 */
export interface NotificationView {
  id: string;
  kind: 'CASE_ESCALATED' | 'PAYMENT_HOLD_RECOMMENDED' | 'PAYMENT_HOLD_LIFTED';
  channel: 'EMAIL' | 'WEBHOOK' | 'INBOX' | 'WHATSAPP';
  recipientKind: 'OFFICIAL' | 'CONTRACTOR' | 'PPK' | 'CLIENT';
  position: string | null;
  status: 'PENDING' | 'SENT' | 'DELIVERED' | 'READ' | 'FAILED';
  attempts: number;
  lastErrorCode: string | null;
  createdAt: string;
  /** WhatsApp: when the Cloud API accepted the message. */
  sentAt: string | null;
  /** E-mail, webhook, inbox: when the channel accepted it; WhatsApp: when WhatsApp reported it on the device. */
  deliveredAt: string | null;
  /** WhatsApp: when WhatsApp reported it read. */
  readAt: string | null;
  failedAt: string | null;
  /** An e-mail sent because this WhatsApp notification was not read in time: the WhatsApp notification's id. */
  fallbackOf: string | null;
}

export interface NotificationRow {
  id: string;
  kind: NotificationView['kind'];
  channel: NotificationView['channel'];
  recipient_kind: NotificationView['recipientKind'];
  position: string | null;
  status: NotificationView['status'];
  attempts: number;
  last_error_code: string | null;
  level: number | null;
  cause_event_id: string;
  created_at: Date;
  sent_at: Date | null;
  delivered_at: Date | null;
  read_at: Date | null;
  failed_at: Date | null;
  fallback_of: string | null;
}

export interface TimelineEntry {
  eventId: string;
  version: number;
  type: EscalationCaseEvent['type'];
  /** When it happened, as the event says; `recordedAt` is when the log took it. */
  at: string;
  recordedAt: string;
  /** The level the case stood at once the event applied. */
  level: number | null;
  actor: EventActor;
  details: Record<string, unknown>;
  notifications: NotificationView[];
}

const iso = (value: Date | null) => (value === null ? null : new Date(value).toISOString());

export const toNotificationView = (r: NotificationRow): NotificationView => ({
  id: r.id,
  kind: r.kind,
  channel: r.channel,
  recipientKind: r.recipient_kind,
  position: r.position,
  status: r.status,
  attempts: r.attempts,
  lastErrorCode: r.last_error_code,
  createdAt: iso(r.created_at)!,
  sentAt: iso(r.sent_at),
  deliveredAt: iso(r.delivered_at),
  readAt: iso(r.read_at),
  failedAt: iso(r.failed_at),
  fallbackOf: r.fallback_of,
});

/** When the event happened and what an official reading the case needs of it (officials only as subject and position). */
function describe(event: EscalationCaseEvent): { at: string; details: Record<string, unknown> } {
  switch (event.type) {
    case 'CaseOpened':
      return { at: event.data.openedAt, details: { reasons: event.data.reasons, ladderVersion: event.data.ladder.version } };
    case 'EscalationLevelReached':
      return { at: event.data.reachedAt, details: { recipients: event.data.recipients, nextEscalationAt: event.data.nextEscalationAt } };
    case 'CaseAcknowledged':
      return { at: event.data.acknowledgedAt, details: { by: event.data.by, note: event.data.note } };
    case 'CaseReasonsChanged':
      return { at: event.data.changedAt, details: { reasons: event.data.reasons } };
    case 'CaseResolved':
      return { at: event.data.resolvedAt, details: { reason: event.data.reason } };
    case 'CaseClosed':
      return { at: event.data.closedAt, details: { reason: event.data.reason } };
    case 'CaseWaived':
      return { at: event.data.waivedAt, details: { by: event.data.by, justification: event.data.justification } };
    case 'PaymentHoldRecommended':
      return { at: event.data.recommendedAt, details: { terminNumber: event.data.terminNumber, reasons: event.data.reasons } };
    case 'PaymentHoldLifted':
      return { at: event.data.liftedAt, details: { terminNumbers: event.data.terminNumbers, reason: event.data.reason } };
    default: {
      const unexpected: never = event;
      throw new Error(`unknown event ${(unexpected as { type: string }).type}`);
    }
  }
}

const NOTIFICATION_CAUSES: Record<NotificationView['kind'], EscalationCaseEvent['type']> = {
  CASE_ESCALATED: 'EscalationLevelReached',
  PAYMENT_HOLD_RECOMMENDED: 'PaymentHoldRecommended',
  PAYMENT_HOLD_LIFTED: 'PaymentHoldLifted',
};

/**
 * The case's events in stream order, each with the notifications it caused. A notification names its cause event;
 * one whose cause is not on this stream goes to the latest event of its kind (and level) recorded before it, so
 * none is lost from the view.
 */
export function buildTimeline(recorded: readonly RecordedOf<EscalationCaseEvent>[], notifications: readonly NotificationRow[]): { state: EscalationCaseState; timeline: TimelineEntry[] } {
  let state = initialCaseState();
  const timeline: TimelineEntry[] = [];
  for (const event of recorded) {
    state = evolveCase(state, event);
    const { at, details } = describe(event);
    const level = event.type === 'EscalationLevelReached' || event.type === 'CaseAcknowledged' ? event.data.level : state.currentLevel;
    timeline.push({ eventId: event.eventId, version: event.streamVersion, type: event.type, at, recordedAt: event.recordedAt.toISOString(), level, actor: event.metadata.actor, details, notifications: [] });
  }
  const byEventId = new Map(timeline.map((e) => [e.eventId, e]));
  for (const n of notifications) {
    const entry = byEventId.get(n.cause_event_id) ?? fallbackCause(timeline, n);
    entry?.notifications.push(toNotificationView(n));
  }
  return { state, timeline };
}

function fallbackCause(timeline: readonly TimelineEntry[], n: NotificationRow): TimelineEntry | undefined {
  const type = NOTIFICATION_CAUSES[n.kind];
  const candidates = timeline.filter((e) => e.type === type && (type !== 'EscalationLevelReached' || n.level === null || e.level === n.level));
  const created = new Date(n.created_at).getTime();
  return [...candidates].reverse().find((e) => new Date(e.recordedAt).getTime() <= created) ?? candidates[0];
}
