import type { Pool, PoolClient } from 'pg';
import { safeError } from '@sinergi/common';
import type { EventStore } from './event-store';
import { LOG_START, type LogCheckpoint, type RecordedEvent } from './event-store.types';

/**
 * Whether an error is about the events themselves, so that applying them again fails again: PostgreSQL's data
 * exceptions (class 22: a value out of range, a bad cast) and integrity violations (class 23), JavaScript's type
 * and range errors, and errors that say so (`poison: true`). Anything else — a lost connection, a deadlock, Redis
 * away, a checkpoint moved by a rebuild — is retried as it is, however long it takes.
 */
export function isPoisonError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as Error & { code?: unknown; severity?: unknown; poison?: unknown };
  if (e.poison === true) return true;
  if (typeof e.code === 'string' && typeof e.severity === 'string') return /^2[23]/.test(e.code);
  return error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError;
}

/** How often a poison event is tried alone before it is parked, and how long between tries. */
const POISON_ATTEMPTS = 3;
const POISON_RETRY_MS = 200;

/** What a batch handler may ask to run once its transaction has committed (e.g. enqueue jobs). */
export type AfterCommit = () => Promise<void>;

/** Applies a batch of events inside `tx`; the checkpoint is written in the same transaction. */
export type LogBatchHandler = (events: RecordedEvent[], tx: PoolClient) => Promise<AfterCommit | void>;

export interface LogConsumerOptions {
  /** Names the checkpoint row and the advisory lock. */
  name: string;
  /** @defaultValue 500 */
  batchSize?: number;
  /** Pause when caught up with the log. @defaultValue 50 */
  idleDelayMs?: number;
  /** How often a standby instance tries to take the lock over. @defaultValue 1000 */
  lockRetryMs?: number;
  onError?: (error: unknown) => void;
  onBatch?: (events: RecordedEvent[]) => void;
  /** An event was parked (see `isPoisonError`): count it, alert on it. */
  onParked?: (event: RecordedEvent, error: unknown) => void;
}

/** Waits `ms` or until `signal` aborts; the abort listener goes with the wait (the relay idles forever). */
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Reads the global log in commit order and hands batches to a handler, one instance at a time:
 * the holder of a session advisory lock consumes; others wait and take over when its session ends.
 * Effects and checkpoint commit together, so a crash replays at most the uncommitted batch.
 *
 * A batch that fails because of its data is retried one event at a time; an event that still fails alone is
 * parked in `parked_events` (with the checkpoint moved past it, in one transaction) and the consumer goes on,
 * so one bad event never holds back every region behind it.
 */
export class LogConsumer {
  private readonly abort = new AbortController();
  private running: Promise<void> | null = null;
  private checkpoint: LogCheckpoint | null = null;
  /** While set, events are applied one at a time up to this position: a batch failed because of its data. */
  private isolateUntil: LogCheckpoint | null = null;
  private poison: { globalPosition: string; attempts: number } | null = null;
  /** Whether this instance currently holds the lock (for health and tests). */
  active = false;

  constructor(
    private readonly pool: Pool,
    private readonly store: EventStore,
    private readonly handler: LogBatchHandler,
    private readonly options: LogConsumerOptions,
  ) {}

  start(): void {
    this.running ??= this.run();
  }

  /** Finishes the batch in hand, releases the lock and returns. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      let client: PoolClient | null = null;
      let broken = false;
      // A held connection that PostgreSQL drops (restart, failover) reports it here, not in a query:
      // without a listener that would crash the process instead of letting this loop reconnect.
      const onClientError = (error: Error) => {
        broken = true;
        this.options.onError?.(error);
      };
      try {
        client = await this.pool.connect();
        client.on('error', onClientError);
        const { rows } = await client.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [`log-consumer:${this.options.name}`]);
        if (!rows[0].locked) {
          // A standby asks again every second on a pooled connection: its listener goes with it, or they pile up.
          client.off('error', onClientError);
          client.release();
          client = null;
          await sleep(this.options.lockRetryMs ?? 1000, signal);
          continue;
        }
        this.active = true;
        this.checkpoint = null;
        await this.consume(client, signal);
      } catch (error) {
        broken = true;
        this.options.onError?.(error);
        await sleep(500, signal);
      } finally {
        this.active = false;
        if (client) {
          if (!broken) await client.query('SELECT pg_advisory_unlock_all()').catch(() => (broken = true));
          client.off('error', onClientError);
          // A connection in an unknown state is destroyed, which also frees its lock.
          client.release(broken);
        }
      }
    }
  }

  private async consume(client: PoolClient, signal: AbortSignal): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    while (!signal.aborted) {
      const from = this.checkpoint ?? (await this.readCheckpoint(client));
      const events = await this.store.readAll(from, this.isolateUntil ? 1 : batchSize, client);
      if (events.length === 0) {
        await sleep(this.options.idleDelayMs ?? 50, signal);
        continue;
      }
      const last = events[events.length - 1];
      const next = { transactionId: last.transactionId, globalPosition: last.globalPosition };
      let after: AfterCommit | void;
      await client.query('BEGIN');
      try {
        after = await this.handler(events, client);
        await this.writeCheckpoint(client, next);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        this.checkpoint = null;
        if (!isPoisonError(error)) throw error;
        this.options.onError?.(error);
        await this.onPoison(client, events, error, signal);
        continue;
      }
      this.checkpoint = next;
      this.poison = null;
      if (this.isolateUntil && compareCheckpoints(next, this.isolateUntil) >= 0) this.isolateUntil = null;
      this.options.onBatch?.(events);
      if (after) await after().catch((error) => this.options.onError?.(error));
    }
  }

  /** A batch failed because of its data: narrow it down to one event, try that a few times, then park it. */
  private async onPoison(client: PoolClient, events: RecordedEvent[], error: unknown, signal: AbortSignal): Promise<void> {
    if (events.length > 1) {
      const last = events[events.length - 1];
      this.isolateUntil = { transactionId: last.transactionId, globalPosition: last.globalPosition };
      return;
    }
    const [event] = events;
    const attempts = this.poison?.globalPosition === event.globalPosition ? this.poison.attempts + 1 : 1;
    this.poison = { globalPosition: event.globalPosition, attempts };
    if (attempts < POISON_ATTEMPTS) {
      await sleep(POISON_RETRY_MS * attempts, signal);
      return;
    }
    const reason = safeError(error);
    await client.query('BEGIN');
    try {
      await client.query(
        `INSERT INTO parked_events (consumer, global_position, transaction_id, event_id, stream_id, event_type, region_code,
                                    attempts, error_type, error_code, error_message)
         VALUES ($1, $2, $3::text::xid8, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (consumer, global_position) DO NOTHING`,
        [
          this.options.name,
          event.globalPosition,
          event.transactionId,
          event.eventId,
          event.streamId,
          event.type,
          typeof event.metadata.regionCode === 'string' ? event.metadata.regionCode : null,
          attempts,
          reason.type,
          reason.code ?? null,
          reason.message ?? reason.type,
        ],
      );
      await this.writeCheckpoint(client, { transactionId: event.transactionId, globalPosition: event.globalPosition });
      await client.query('COMMIT');
    } catch (parkError) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw parkError;
    }
    this.poison = null;
    this.options.onParked?.(event, error);
  }

  private async writeCheckpoint(client: PoolClient, at: LogCheckpoint): Promise<void> {
    await client.query(
      `INSERT INTO consumer_checkpoints (consumer, transaction_id, global_position, updated_at)
       VALUES ($1, $2::text::xid8, $3, now())
       ON CONFLICT (consumer) DO UPDATE SET transaction_id = EXCLUDED.transaction_id,
         global_position = EXCLUDED.global_position, updated_at = now()`,
      [this.options.name, at.transactionId, at.globalPosition],
    );
  }

  private async readCheckpoint(client: PoolClient): Promise<LogCheckpoint> {
    const { rows } = await client.query(
      `SELECT transaction_id::text AS transaction_id, global_position::text AS global_position FROM consumer_checkpoints WHERE consumer = $1`,
      [this.options.name],
    );
    return rows.length ? { transactionId: rows[0].transaction_id, globalPosition: rows[0].global_position } : LOG_START;
  }
}

/** Orders two log positions as the log does: by transaction id, then global position. */
export function compareCheckpoints(a: LogCheckpoint, b: LogCheckpoint): number {
  const tx = BigInt(a.transactionId) - BigInt(b.transactionId);
  if (tx !== 0n) return tx < 0n ? -1 : 1;
  const pos = BigInt(a.globalPosition) - BigInt(b.globalPosition);
  return pos === 0n ? 0 : pos < 0n ? -1 : 1;
}

/** The positions a consumer parked, so a rebuild of its projection skips exactly what the live run skipped. */
export async function readParkedPositions(db: Pool | PoolClient, consumer: string): Promise<Set<string>> {
  const { rows } = await db.query<{ global_position: string }>('SELECT global_position::text AS global_position FROM parked_events WHERE consumer = $1', [consumer]);
  return new Set(rows.map((r) => r.global_position));
}
