/** Who caused an event: a procurement client, a signed-in user, or Sinergi itself. */
export interface EventActor {
  kind: 'client' | 'user' | 'system';
  id: string;
}

export interface EventMetadata {
  actor: EventActor;
  correlationId: string;
  causationId?: string | null;
  /** The source system's own id of the event that led to this one (procurement eventId). */
  sourceEventId?: string;
  /** Region of the stream's subject, kept for scoped audit queries. */
  regionCode?: string;
  /** W3C trace context of the span the event was recorded under (tracing on only): a relay or a job continues it. */
  traceparent?: string;
  [key: string]: unknown;
}

export interface NewEvent<Type extends string = string, Data extends object = object> {
  type: Type;
  /** A JSON object: a decider's event data goes in as it is typed (`CaseOpenedData`, …). */
  data: Data;
  metadata: EventMetadata;
  /** Defaults to 1; bump it when the data's shape changes and register an upcaster. */
  schemaVersion?: number;
  /** Defaults to a random UUID. */
  eventId?: string;
}

export interface RecordedEvent<Type extends string = string, Data = Record<string, unknown>> {
  globalPosition: string;
  transactionId: string;
  streamId: string;
  streamVersion: number;
  eventId: string;
  type: Type;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
  recordedAt: Date;
  prevHash: string;
  hash: string;
}

/** Where a stream stood when it was read: the version and the hash an append must chain onto. */
export interface StreamHead {
  version: number;
  hash: string;
}

export const NO_STREAM: StreamHead = Object.freeze({ version: 0, hash: '0'.repeat(64) });

export interface StreamAppend {
  streamId: string;
  expected: StreamHead;
  events: NewEvent[];
}

/**
 * Remembers that a request was applied, in the same statement as its events, so a retry gets the
 * first answer back. `eventId` names the appended event the record points at.
 */
export interface IdempotencyWrite {
  scope: string;
  key: string;
  requestHash: string;
  eventId: string;
}

export interface IdempotencyRecord {
  scope: string;
  key: string;
  requestHash: string;
  eventId: string;
  streamId: string;
  streamVersion: number;
  globalPosition: string;
}

/** Personal data kept beside the log and referred to from events, so erasing a person never breaks the chain. */
export interface PersonalDataWrite {
  ref: string;
  kind: string;
  data: Record<string, unknown>;
}

export interface AppendedEvent {
  eventId: string;
  streamId: string;
  streamVersion: number;
  globalPosition: string;
  hash: string;
}

/** A consumer's place in the global log: the pair (transaction id, position) it has handled up to. */
export interface LogCheckpoint {
  transactionId: string;
  globalPosition: string;
}

export const LOG_START: LogCheckpoint = Object.freeze({ transactionId: '0', globalPosition: '0' });
