import type { EventActor } from '@sinergi/event-store';

/** A row of `auditEventColumns` (masking and personal data already applied by the query). */
export interface AuditEventRow {
  global_position: string;
  transaction_id: string;
  stream_id: string;
  stream_version: number;
  event_id: string;
  type: string;
  schema_version: number;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recorded_at: Date;
  prev_hash: string;
  hash: string;
  masked: boolean;
  personal_data: Record<string, ResolvedPerson> | null;
}

/** A person as `personal_data` holds them, for a reader with `pii:read`; an erased person shows nothing. */
export type ResolvedPerson = { kind: string; erased: false; data: Record<string, unknown> } | { kind: string; erased: true };

/** One event as auditors see it (history, search, and each NDJSON line of an export). */
export interface AuditEventView {
  position: string;
  transactionId: string;
  streamId: string;
  version: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  recordedAt: string;
  regionCode: string | null;
  actor: EventActor | null;
  correlationId: string | null;
  causationId: string | null;
  sourceEventId: string | null;
  /** The stored data; the contractor's contact details masked unless the reader holds `pii:read`. */
  data: Record<string, unknown>;
  /** The stored metadata, as hashed. */
  metadata: Record<string, unknown>;
  /** True when `data` differs from what is stored, so `hash` cannot be recomputed from this view. */
  masked: boolean;
  /** The people `data` refers to, by reference; only for a reader with `pii:read`. */
  personalData?: Record<string, ResolvedPerson>;
  prevHash: string;
  hash: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const actorOf = (metadata: Record<string, unknown>): EventActor | null =>
  isRecord(metadata.actor) && typeof metadata.actor.kind === 'string' && typeof metadata.actor.id === 'string'
    ? { kind: metadata.actor.kind as EventActor['kind'], id: metadata.actor.id }
    : null;

export function toAuditEventView(row: AuditEventRow): AuditEventView {
  const { metadata } = row;
  return {
    position: row.global_position,
    transactionId: row.transaction_id,
    streamId: row.stream_id,
    version: row.stream_version,
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    recordedAt: row.recorded_at.toISOString(),
    regionCode: text(metadata.regionCode),
    actor: actorOf(metadata),
    correlationId: text(metadata.correlationId),
    causationId: text(metadata.causationId),
    sourceEventId: text(metadata.sourceEventId),
    data: row.data,
    metadata,
    masked: row.masked,
    ...(row.personal_data ? { personalData: row.personal_data } : {}),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** The references whose data the views showed (erased people reveal nothing). */
export function revealedRefs(views: readonly AuditEventView[]): string[] {
  const refs = new Set<string>();
  for (const view of views) {
    for (const [ref, person] of Object.entries(view.personalData ?? {})) if (!person.erased) refs.add(ref);
  }
  return [...refs];
}
