import { randomUUID } from 'node:crypto';
import { traceparentOf } from '@sinergi/common/tracing';
import type { Pool, PoolClient } from 'pg';
import { type Clock, systemClock } from '@sinergi/common';
import { computeEventHash, GENESIS_HASH } from './event-hash';
import { ConcurrencyError, IdempotencyRaceError } from './event-store.errors';
import type {
  AppendedEvent,
  EventMetadata,
  IdempotencyRecord,
  IdempotencyWrite,
  LogCheckpoint,
  NewEvent,
  PersonalDataWrite,
  RecordedEvent,
  StreamAppend,
  StreamHead,
} from './event-store.types';
import { NO_STREAM } from './event-store.types';
import { UpcasterRegistry } from './upcasters';
import { type ChainVerification, verifyStreamChain } from './verify-chain';

export interface AppendExtras {
  idempotency?: IdempotencyWrite[];
  personalData?: PersonalDataWrite[];
}

export interface StreamSnapshot {
  events: RecordedEvent[];
  head: StreamHead;
}

type Queryable = Pool | PoolClient;

// Output names shadow columns in ORDER BY: order by `events.<column>`, never by these text aliases.
const EVENT_COLUMNS = `global_position::text AS global_position, transaction_id::text AS transaction_id, stream_id,
  stream_version, event_id, type, schema_version, data, metadata, recorded_at, prev_hash, hash`;

/**
 * Every appended row, the idempotency records and the personal data go in ONE statement, so they
 * commit together or not at all. The unique (stream_id, stream_version) index is the optimistic
 * lock: an append at a version someone else took fails as a whole.
 *
 * Concurrent appends share rows (a PPK named by many projects, a stream two batches touch), so each
 * write takes its rows in key order (byte order, COLLATE "C"): with one global lock order two appends
 * can wait for each other but never deadlock. A person whose stored record already equals the write is
 * skipped rather than upserted, so the common case takes no row lock on personal_data at all.
 */
const APPEND_SQL = `
WITH ev AS (
  INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata, recorded_at, prev_hash, hash)
  SELECT stream_id, stream_version, event_id, type, schema_version, data, metadata, recorded_at, prev_hash, hash
    FROM jsonb_to_recordset($1::jsonb) AS e(stream_id text, stream_version int, event_id uuid, type text, schema_version int,
                                            data jsonb, metadata jsonb, recorded_at timestamptz, prev_hash text, hash text)
   ORDER BY e.stream_id COLLATE "C", e.stream_version
  RETURNING global_position, event_id, stream_id, stream_version, hash
), idem AS (
  INSERT INTO idempotency_keys (scope, key, request_hash, event_id, stream_id, stream_version, global_position)
  SELECT i.scope, i.key, i.request_hash, ev.event_id, ev.stream_id, ev.stream_version, ev.global_position
    FROM jsonb_to_recordset($2::jsonb) AS i(scope text, key text, request_hash text, event_id uuid)
    JOIN ev ON ev.event_id = i.event_id
   ORDER BY i.scope COLLATE "C", i.key COLLATE "C"
  RETURNING 1
), pd AS (
  INSERT INTO personal_data (ref, kind, data)
  SELECT p.ref, p.kind, p.data FROM jsonb_to_recordset($3::jsonb) AS p(ref text, kind text, data jsonb)
   WHERE NOT EXISTS (SELECT 1 FROM personal_data cur
                      WHERE cur.ref = p.ref AND cur.kind = p.kind AND cur.data = p.data AND cur.erased_at IS NULL)
   ORDER BY p.ref COLLATE "C"
  ON CONFLICT (ref) DO UPDATE SET data = EXCLUDED.data, kind = EXCLUDED.kind, updated_at = now(), erased_at = NULL
  RETURNING 1
)
SELECT global_position::text AS global_position, event_id, stream_id, stream_version, hash
FROM ev ORDER BY ev.global_position`;

/** PostgreSQL's answers that mean "this transaction lost a race, run it again": deadlock victim, serialization failure. */
const TRANSIENT_CODES = new Set(['40P01', '40001']);
/** How often an append of its own (on the pool) is tried when it keeps losing such races. */
export const MAX_APPEND_ATTEMPTS = 4;

export interface EventStoreOptions {
  clock?: Clock;
  upcasters?: UpcasterRegistry;
}

/** The append-only, hash-chained log in PostgreSQL: the system of record (docs/architecture.md, §8). */
export class EventStore {
  private readonly clock: Clock;
  readonly upcasters: UpcasterRegistry;

  constructor(
    private readonly pool: Pool,
    options: EventStoreOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.upcasters = options.upcasters ?? new UpcasterRegistry();
  }

  /** Appends to one stream at an expected head; throws ConcurrencyError when the stream moved on. */
  async appendToStream(
    streamId: string,
    expected: StreamHead | number,
    events: NewEvent[],
    extras: AppendExtras = {},
  ): Promise<AppendedEvent[]> {
    const head = typeof expected === 'number' ? await this.headAt(streamId, expected) : expected;
    return this.appendMany([{ streamId, expected: head, events }], extras);
  }

  /** Appends to several streams atomically (a batch of procurement events touches many projects). */
  async appendMany(appends: StreamAppend[], extras: AppendExtras = {}, db: Queryable = this.pool): Promise<AppendedEvent[]> {
    // Rows travel as one JSON document (jsonb_to_recordset): far cheaper than pg's escaping of text arrays.
    const rows: Record<string, unknown>[] = [];
    const recordedAt = this.clock.now();
    // Tracing on: the events carry the trace of the span they are appended under, unless they name their own.
    const traceparent = traceparentOf();
    for (const { streamId, expected, events } of appends) {
      let prevHash = expected.hash;
      let version = expected.version;
      for (const appended of events) {
        const event = traceparent && appended.metadata.traceparent === undefined ? { ...appended, metadata: { ...appended.metadata, traceparent } } : appended;
        version += 1;
        const eventId = event.eventId ?? randomUUID();
        const schemaVersion = event.schemaVersion ?? 1;
        // Event data is plain JSON (strings, numbers, booleans, null, arrays, objects), so the hash of these
        // objects equals the hash of what jsonb gives back; verify-chain recomputes it from the stored rows.
        const hash = computeEventHash(prevHash, { streamId, streamVersion: version, eventId, type: event.type, schemaVersion, data: event.data, metadata: event.metadata, recordedAt });
        rows.push({
          stream_id: streamId,
          stream_version: version,
          event_id: eventId,
          type: event.type,
          schema_version: schemaVersion,
          data: event.data,
          metadata: event.metadata,
          recorded_at: recordedAt,
          prev_hash: prevHash,
          hash,
        });
        prevHash = hash;
      }
    }
    if (rows.length === 0) return [];
    const idempotency = (extras.idempotency ?? []).map((i) => ({ scope: i.scope, key: i.key, request_hash: i.requestHash, event_id: i.eventId }));
    // ON CONFLICT cannot touch one row twice in a statement: keep the last write of each ref.
    const personal = [...new Map((extras.personalData ?? []).map((p) => [p.ref, p])).values()];
    const params = [JSON.stringify(rows), JSON.stringify(idempotency), JSON.stringify(personal)];
    for (let attempt = 1; ; attempt += 1) {
      try {
        const result = await db.query(APPEND_SQL, params);
        return result.rows.map((r) => ({
          eventId: r.event_id,
          streamId: r.stream_id,
          streamVersion: r.stream_version,
          globalPosition: r.global_position,
          hash: r.hash,
        }));
      } catch (error) {
        // On the pool the statement is its own transaction and PostgreSQL rolled all of it back: the same rows can
        // simply go again. Inside a caller's transaction only the caller can start over (it gets a ConcurrencyError).
        if (db === this.pool && isTransient(error) && attempt < MAX_APPEND_ATTEMPTS) {
          await sleep(retryDelayMs(attempt));
          continue;
        }
        throw translateAppendError(error, appends);
      }
    }
  }

  async readStream(streamId: string): Promise<StreamSnapshot> {
    return (await this.readStreams([streamId])).get(streamId) ?? { events: [], head: NO_STREAM };
  }

  /** Reads whole streams in one round trip; streams without events come back empty at NO_STREAM. */
  async readStreams(streamIds: string[], db: Queryable = this.pool): Promise<Map<string, StreamSnapshot>> {
    const result = new Map<string, StreamSnapshot>(streamIds.map((id) => [id, { events: [], head: NO_STREAM }]));
    if (streamIds.length === 0) return result;
    const { rows } = await db.query(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ANY($1::text[]) ORDER BY events.stream_id, events.stream_version`,
      [streamIds],
    );
    for (const row of rows) {
      const event = this.toRecorded(row);
      const snapshot = result.get(event.streamId)!;
      snapshot.events.push(event);
      snapshot.head = { version: event.streamVersion, hash: event.hash };
    }
    return result;
  }

  /**
   * Events after `after` in commit order. Only transactions older than every transaction still
   * running are read (pg_snapshot_xmin), so one that commits late can never be skipped.
   */
  async readAll(after: LogCheckpoint, limit = 1000, db: Queryable = this.pool): Promise<RecordedEvent[]> {
    const { rows } = await db.query(
      `SELECT ${EVENT_COLUMNS} FROM events
        WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
          AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY events.transaction_id, events.global_position
        LIMIT $3`,
      [after.transactionId, after.globalPosition, limit],
    );
    return rows.map((r) => this.toRecorded(r));
  }

  async findIdempotency(scope: string, keys: string[], db: Queryable = this.pool): Promise<Map<string, IdempotencyRecord>> {
    if (keys.length === 0) return new Map();
    const { rows } = await db.query(
      `SELECT scope, key, request_hash, event_id, stream_id, stream_version, global_position::text AS global_position
         FROM idempotency_keys WHERE scope = $1 AND key = ANY($2::text[])`,
      [scope, keys],
    );
    return new Map(
      rows.map((r) => [
        r.key,
        {
          scope: r.scope,
          key: r.key,
          requestHash: r.request_hash,
          eventId: r.event_id,
          streamId: r.stream_id,
          streamVersion: r.stream_version,
          globalPosition: r.global_position,
        },
      ]),
    );
  }

  private async headAt(streamId: string, version: number): Promise<StreamHead> {
    if (version === 0) return NO_STREAM;
    const { rows } = await this.pool.query('SELECT hash FROM events WHERE stream_id = $1 AND stream_version = $2', [streamId, version]);
    if (rows.length === 0) throw new ConcurrencyError([streamId]);
    return { version, hash: rows[0].hash };
  }

  /** The stream exactly as stored (no upcasting), for hash-chain verification. */
  async readStoredStream(streamId: string, db: Queryable = this.pool): Promise<RecordedEvent[]> {
    const { rows } = await db.query(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 ORDER BY events.stream_version`, [streamId]);
    return rows.map((r) => this.toRecorded(r, false));
  }

  async verifyStream(streamId: string): Promise<ChainVerification> {
    return verifyStreamChain(await this.readStoredStream(streamId));
  }

  private toRecorded(row: Record<string, any>, upcast = true): RecordedEvent {
    const { schemaVersion, data } = upcast
      ? this.upcasters.upcast(row.type, row.schema_version, row.data)
      : { schemaVersion: row.schema_version as number, data: row.data };
    return {
      globalPosition: row.global_position,
      transactionId: row.transaction_id,
      streamId: row.stream_id,
      streamVersion: row.stream_version,
      eventId: row.event_id,
      type: row.type,
      schemaVersion,
      data,
      metadata: row.metadata as EventMetadata,
      recordedAt: row.recorded_at,
      prevHash: row.prev_hash,
      hash: row.hash,
    };
  }
}

function isTransient(error: unknown): boolean {
  return TRANSIENT_CODES.has((error as { code?: string }).code ?? '');
}

/** A few tens of milliseconds, growing and jittered, so the appends that collided do not collide again in step. */
function retryDelayMs(attempt: number): number {
  return 5 + Math.random() * 20 * 2 ** (attempt - 1);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function translateAppendError(error: unknown, appends: StreamAppend[]): unknown {
  const pgError = error as { code?: string; constraint?: string };
  if (pgError.code === '23505' && pgError.constraint === 'events_stream_version_key') {
    return new ConcurrencyError(appends.map((a) => a.streamId));
  }
  if (pgError.code === '23505' && pgError.constraint === 'idempotency_keys_pkey') return new IdempotencyRaceError();
  if (isTransient(error)) return new ConcurrencyError(appends.map((a) => a.streamId));
  return error;
}

export { GENESIS_HASH };
