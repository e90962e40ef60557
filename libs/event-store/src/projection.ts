import type { Pool, PoolClient } from 'pg';
import type { EventStore } from './event-store';
import type { LogCheckpoint, RecordedEvent } from './event-store.types';
import { compareCheckpoints, LogConsumer, type LogConsumerOptions } from './log-consumer';

/** A table a projection writes, and the columns that identify a row (to compare live and rebuilt tables). */
export interface ProjectionTable {
  name: string;
  key: readonly string[];
}

/** The physical table a run writes for one of the projection's tables: the live table, or its rebuild shadow. */
export type TableName = (table: string) => string;

/**
 * A read model folded from the global log (docs/architecture.md, §7). `apply` must be a function of the events and of what
 * its tables already hold, nothing else (no clock, no other tables), so that a rebuild from position 0 yields the
 * same rows as the live run, whatever the batch boundaries were.
 */
export interface Projection {
  readonly name: string;
  readonly tables: readonly ProjectionTable[];
  /** Applies a batch inside `tx`, writing only to `table(t)` for each of `tables`. */
  apply(events: readonly RecordedEvent[], tx: PoolClient, table: TableName): Promise<void>;
}

export const SHADOW_SUFFIX = '__rebuild';
export const liveTable: TableName = (table) => table;
export const shadowTable: TableName = (table) => `${table}${SHADOW_SUFFIX}`;

/** The checkpoint row and advisory lock name of the live run. */
export const projectionConsumerName = (projection: string) => `projection:${projection}`;
/** Held shared by every live batch and exclusively by a rebuild's swap, so the swap waits for a batch and pauses the next. */
export const projectionSwapLockName = (projection: string) => `projection-swap:${projection}`;

/** Orders two log positions as the log does: by transaction id, then global position. */
export const compareLogPositions = compareCheckpoints;

export const positionOf = (event: RecordedEvent): LogCheckpoint => ({ transactionId: event.transactionId, globalPosition: event.globalPosition });

/** A live batch found its checkpoint moved under it (a rebuild swapped in tables further along): it re-reads and goes on. */
export class ProjectionCheckpointMovedError extends Error {
  constructor(projection: string) {
    super(`the checkpoint of projection ${projection} moved (a rebuild was swapped in); resuming from it`);
  }
}

/** A consumer's committed checkpoint (`consumer_checkpoints`); null when it never committed one. */
export async function readConsumerCheckpoint(db: Pool | PoolClient, consumer: string): Promise<LogCheckpoint | null> {
  const { rows } = await db.query(
    `SELECT transaction_id::text AS transaction_id, global_position::text AS global_position FROM consumer_checkpoints WHERE consumer = $1`,
    [consumer],
  );
  return rows.length ? { transactionId: rows[0].transaction_id, globalPosition: rows[0].global_position } : null;
}

/**
 * One live batch: waits out a rebuild's swap (shared lock), refuses a batch that the checkpoint has already passed
 * (a swap moved it forward: the consumer then reloads it), and applies. The caller commits the checkpoint with it.
 */
export async function applyLiveBatch(projection: Projection, events: readonly RecordedEvent[], tx: PoolClient): Promise<void> {
  if (events.length === 0) return;
  // Two statements: a snapshot taken before the lock was granted would miss the swap's checkpoint.
  await tx.query('SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))', [projectionSwapLockName(projection.name)]);
  const checkpoint = await readConsumerCheckpoint(tx, projectionConsumerName(projection.name));
  if (checkpoint !== null && compareLogPositions(positionOf(events[0]), checkpoint) <= 0) {
    throw new ProjectionCheckpointMovedError(projection.name);
  }
  await projection.apply(events, tx, liveTable);
}

export type ProjectionRunnerOptions = Omit<LogConsumerOptions, 'name'>;

/**
 * Runs a projection live: a LogConsumer named `projection:<name>` (one instance at a time, advisory lock), whose
 * batches are applied and checkpointed in one transaction, so a crash mid-batch replays that batch whole.
 */
export class ProjectionRunner {
  readonly consumer: LogConsumer;

  constructor(
    pool: Pool,
    store: EventStore,
    readonly projection: Projection,
    options: ProjectionRunnerOptions = {},
  ) {
    this.consumer = new LogConsumer(pool, store, (events, tx) => applyLiveBatch(projection, events, tx), {
      batchSize: 2000,
      idleDelayMs: 25,
      ...options,
      name: projectionConsumerName(projection.name),
    });
  }

  start(): void {
    this.consumer.start();
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }

  /** Whether this instance holds the projection's lock and is consuming. */
  get active(): boolean {
    return this.consumer.active;
  }
}
