import type { Pool, PoolClient } from 'pg';
import type { EventStore } from './event-store';
import { LOG_START, type LogCheckpoint, type RecordedEvent } from './event-store.types';

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
 */
export class LogConsumer {
  private readonly abort = new AbortController();
  private running: Promise<void> | null = null;
  private checkpoint: LogCheckpoint | null = null;
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
      const events = await this.store.readAll(from, batchSize, client);
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
        await client.query(
          `INSERT INTO consumer_checkpoints (consumer, transaction_id, global_position, updated_at)
           VALUES ($1, $2::text::xid8, $3, now())
           ON CONFLICT (consumer) DO UPDATE SET transaction_id = EXCLUDED.transaction_id,
             global_position = EXCLUDED.global_position, updated_at = now()`,
          [this.options.name, next.transactionId, next.globalPosition],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        this.checkpoint = null;
        throw error;
      }
      this.checkpoint = next;
      this.options.onBatch?.(events);
      if (after) await after().catch((error) => this.options.onError?.(error));
    }
  }

  private async readCheckpoint(client: PoolClient): Promise<LogCheckpoint> {
    const { rows } = await client.query(
      `SELECT transaction_id::text AS transaction_id, global_position::text AS global_position FROM consumer_checkpoints WHERE consumer = $1`,
      [this.options.name],
    );
    return rows.length ? { transactionId: rows[0].transaction_id, globalPosition: rows[0].global_position } : LOG_START;
  }
}
