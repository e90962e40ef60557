import type { Pool, PoolClient } from 'pg';
import type { EventStore } from './event-store';
import { readParkedPositions } from './log-consumer';
import { LOG_START, type LogCheckpoint, type RecordedEvent } from './event-store.types';
import {
  compareLogPositions,
  positionOf,
  type Projection,
  projectionConsumerName,
  projectionSwapLockName,
  readConsumerCheckpoint,
  SHADOW_SUFFIX,
  shadowTable,
} from './projection';

export interface RebuildOptions {
  /** true: swap the rebuilt tables in (`projections:rebuild`); false: compare only, then drop them (`projections:check`). */
  swap: boolean;
  /** Events per replay batch: bigger batches fold more events per row written. @defaultValue 50000 */
  batchSize?: number;
  /** Differing rows described per table in the report. @defaultValue 10 */
  sampleSize?: number;
  /** How long a check waits for a live run that is behind the rebuild to catch up. @defaultValue 30000 */
  behindLiveTimeoutMs?: number;
  onProgress?: (progress: { events: number; position: LogCheckpoint }) => void;
}

export interface RowDifference {
  /** `live_only`, `rebuilt_only`, or `different` (same key, other values). */
  kind: 'live_only' | 'rebuilt_only' | 'different';
  live: Record<string, unknown> | null;
  rebuilt: Record<string, unknown> | null;
}

export interface TableComparison {
  table: string;
  liveRows: number;
  rebuiltRows: number;
  differences: number;
  samples: RowDifference[];
}

export interface RebuildReport {
  projection: string;
  swapped: boolean;
  /** Events applied to the shadow tables, catch-up included. */
  eventsReplayed: number;
  /** Time of the replay from position 0 (the bulk of the work) and its rate. */
  replaySeconds: number;
  eventsPerSecond: number;
  totalSeconds: number;
  /** Where the rebuilt tables stand; after a swap, where the live run goes on from. */
  checkpoint: LogCheckpoint;
  /** Where the live run stood when compared; null when it had never run. */
  liveCheckpoint: LogCheckpoint | null;
  tables: TableComparison[];
  /** Rows where live ≠ rebuilt, all tables. */
  differences: number;
}

interface TablePlan {
  table: string;
  key: readonly string[];
  shadow: string;
  /** Primary key and unique constraints, added when the shadow is created (the upserts need them). */
  constraints: { name: string; definition: string }[];
  /** Other indexes, built after the replay (cheaper than maintaining them row by row). */
  indexes: { name: string; definition: string }[];
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;
const shadowName = (name: string) => {
  const shadow = `${name}${SHADOW_SUFFIX}`;
  if (Buffer.byteLength(shadow) > 63) throw new Error(`${name}: name too long for a rebuild shadow (${shadow} exceeds 63 bytes)`);
  return shadow;
};

/**
 * Rebuilds a projection from position 0 into shadow tables (`<table>__rebuild`) while the live tables keep serving,
 * catches up with the live run, compares row by row, and (with `swap`) swaps the shadow in, in one transaction that
 * holds the projection's swap lock, so the live run pauses between two batches and resumes on the new tables.
 */
export async function rebuildProjection(pool: Pool, store: EventStore, projection: Projection, options: RebuildOptions): Promise<RebuildReport> {
  const started = performance.now();
  const batchSize = options.batchSize ?? 50_000;
  const liveName = projectionConsumerName(projection.name);
  const privateName = `${liveName}${SHADOW_SUFFIX}`;
  const client = await pool.connect();
  let broken = false;
  const onError = () => (broken = true);
  client.on('error', onError);
  let swapped = false;
  const plans: TablePlan[] = [];
  try {
    const { rows } = await client.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [`projection-rebuild:${projection.name}`]);
    if (!rows[0].locked) throw new Error(`a rebuild of projection ${projection.name} is already running`);
    for (const t of projection.tables) plans.push(await planTable(client, t.name, t.key));
    await createShadows(client, plans);
    await client.query('DELETE FROM consumer_checkpoints WHERE consumer = $1', [privateName]);

    // Replay from 0 up to the live run's checkpoint (re-read every batch, as it moves on), or the head if it never ran.
    let at: LogCheckpoint = LOG_START;
    let replayed = 0;
    const replayStarted = performance.now();
    let prefetch: Promise<RecordedEvent[]> | null = null;
    for (;;) {
      const target = await readConsumerCheckpoint(pool, liveName);
      const events: RecordedEvent[] = await (prefetch ?? store.readAll(at, batchSize, pool));
      prefetch = null;
      const upTo = target === null ? events : events.filter((e) => compareLogPositions(positionOf(e), target) <= 0);
      if (upTo.length === 0) break;
      const next = positionOf(upTo[upTo.length - 1]);
      // Read the next batch while this one is applied: reading and writing then overlap.
      if (upTo.length === events.length && events.length === batchSize) {
        prefetch = store.readAll(next, batchSize, pool);
        prefetch.catch(() => undefined);
      }
      await applyShadowBatch(client, projection, await withoutParked(client, liveName, upTo), privateName, next);
      at = next;
      replayed += upTo.length;
      options.onProgress?.({ events: replayed, position: at });
    }
    const replaySeconds = (performance.now() - replayStarted) / 1000;

    await finishShadows(client, plans);

    // Catch up, compare and swap under the swap lock: the live run is between two batches and stays there.
    const deadline = Date.now() + (options.behindLiveTimeoutMs ?? 30_000);
    for (;;) {
      await client.query('BEGIN');
      try {
        await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [projectionSwapLockName(projection.name)]);
        const live = await readConsumerCheckpoint(client, liveName);
        const behind = live !== null && compareLogPositions(live, at) < 0;
        if (behind && !options.swap && Date.now() < deadline) {
          // A check compares at one position: give the live run time to pass the rebuild.
          await client.query('ROLLBACK');
          await new Promise((r) => setTimeout(r, 200));
          continue;
        }
        if (live !== null && !behind) {
          const caughtUp = await catchUp(client, store, projection, at, live, batchSize);
          replayed += caughtUp.events;
          at = caughtUp.at;
        }
        const tables = await compareTables(client, plans, options.sampleSize ?? 10);
        if (options.swap) {
          await swapTables(client, plans);
          // Behind or never run: the live run resumes where the rebuild stands (a stale batch of it is refused).
          await client.query(
            `INSERT INTO consumer_checkpoints (consumer, transaction_id, global_position, updated_at) VALUES ($1, $2::text::xid8, $3, now())
             ON CONFLICT (consumer) DO UPDATE SET transaction_id = EXCLUDED.transaction_id, global_position = EXCLUDED.global_position, updated_at = now()`,
            [liveName, at.transactionId, at.globalPosition],
          );
          await client.query('DELETE FROM consumer_checkpoints WHERE consumer = $1', [privateName]);
          await client.query('COMMIT');
          swapped = true;
        } else {
          await client.query('ROLLBACK');
        }
        return {
          projection: projection.name,
          swapped,
          eventsReplayed: replayed,
          replaySeconds,
          eventsPerSecond: replaySeconds > 0 ? Math.round(replayed / replaySeconds) : 0,
          totalSeconds: (performance.now() - started) / 1000,
          checkpoint: at,
          liveCheckpoint: live,
          tables,
          differences: tables.reduce((n, t) => n + t.differences, 0),
        };
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    }
  } finally {
    if (!broken) {
      await client
        .query('BEGIN')
        .then(async () => {
          if (!swapped) for (const plan of plans) await client.query(`DROP TABLE IF EXISTS ${quote(plan.shadow)}`);
          await client.query('DELETE FROM consumer_checkpoints WHERE consumer = $1', [privateName]);
          await client.query('COMMIT');
        })
        .catch(() => (broken = true));
      await client.query('SELECT pg_advisory_unlock_all()').catch(() => (broken = true));
    }
    client.off('error', onError);
    client.release(broken);
  }
}

async function planTable(client: PoolClient, table: string, key: readonly string[]): Promise<TablePlan> {
  const { rows: constraints } = await client.query<{ name: string; definition: string }>(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint
      WHERE conrelid = $1::regclass AND contype IN ('p', 'u', 'x') ORDER BY conname`,
    [table],
  );
  const { rows: indexes } = await client.query<{ name: string; definition: string }>(
    `SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS definition
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
      WHERE x.indrelid = $1::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
      ORDER BY i.relname`,
    [table],
  );
  const shadow = shadowName(table);
  return {
    table,
    key,
    shadow,
    constraints: constraints.map((c) => ({ name: c.name, definition: c.definition })),
    indexes: indexes.map((i) => {
      // pg_get_indexdef: CREATE [UNIQUE] INDEX name ON [ONLY] schema.table USING method (...)
      const match = /^CREATE (UNIQUE )?INDEX \S+ ON (?:ONLY )?\S+ (USING .*)$/.exec(i.definition);
      if (!match) throw new Error(`cannot rebuild index ${i.name}: unexpected definition ${i.definition}`);
      return { name: i.name, definition: `CREATE ${match[1] ?? ''}INDEX ${quote(shadowName(i.name))} ON ${quote(shadow)} ${match[2]}` };
    }),
  };
}

/** Empty, unlogged shadows (no WAL while replaying) with only their keys; a leftover of a failed rebuild goes first. */
async function createShadows(client: PoolClient, plans: TablePlan[]): Promise<void> {
  for (const plan of plans) {
    await client.query(`DROP TABLE IF EXISTS ${quote(plan.shadow)}`);
    await client.query(
      `CREATE UNLOGGED TABLE ${quote(plan.shadow)} (LIKE ${quote(plan.table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED)`,
    );
    for (const c of plan.constraints) {
      await client.query(`ALTER TABLE ${quote(plan.shadow)} ADD CONSTRAINT ${quote(shadowName(c.name))} ${c.definition}`);
    }
  }
}

/** Logged again (crash-safe from here on), indexed like the live tables, and analysed for the comparison. */
async function finishShadows(client: PoolClient, plans: TablePlan[]): Promise<void> {
  for (const plan of plans) {
    await client.query(`ALTER TABLE ${quote(plan.shadow)} SET LOGGED`);
    for (const index of plan.indexes) await client.query(index.definition);
    await client.query(`ANALYZE ${quote(plan.shadow)}`);
  }
}

const liveNameOf = (projection: Projection) => projectionConsumerName(projection.name);

/** The batch without the events the live run parked: the rebuilt tables must equal the live ones. */
async function withoutParked(client: PoolClient, liveName: string, events: RecordedEvent[]): Promise<RecordedEvent[]> {
  const parked = await readParkedPositions(client, liveName);
  return parked.size === 0 ? events : events.filter((e) => !parked.has(e.globalPosition));
}

async function applyShadowBatch(client: PoolClient, projection: Projection, events: RecordedEvent[], privateName: string, at: LogCheckpoint): Promise<void> {
  await client.query('BEGIN');
  try {
    await projection.apply(events, client, shadowTable);
    await client.query(
      `INSERT INTO consumer_checkpoints (consumer, transaction_id, global_position, updated_at) VALUES ($1, $2::text::xid8, $3, now())
       ON CONFLICT (consumer) DO UPDATE SET transaction_id = EXCLUDED.transaction_id, global_position = EXCLUDED.global_position, updated_at = now()`,
      [privateName, at.transactionId, at.globalPosition],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Applies the events after `from` up to and including `to` to the shadows, inside the caller's transaction. */
async function catchUp(
  client: PoolClient,
  store: EventStore,
  projection: Projection,
  from: LogCheckpoint,
  to: LogCheckpoint,
  batchSize: number,
): Promise<{ events: number; at: LogCheckpoint }> {
  let at = from;
  let events = 0;
  while (compareLogPositions(at, to) < 0) {
    const batch = (await store.readAll(at, batchSize, client)).filter((e) => compareLogPositions(positionOf(e), to) <= 0);
    if (batch.length === 0) break;
    await projection.apply(await withoutParked(client, liveNameOf(projection), batch), client, shadowTable);
    at = positionOf(batch[batch.length - 1]);
    events += batch.length;
  }
  // `to` is the position of an event the live run applied, so it is readable; stopping short would lose events.
  if (compareLogPositions(at, to) !== 0) throw new Error(`rebuild catch-up stopped at ${at.globalPosition}, before the live checkpoint ${to.globalPosition}`);
  return { events, at };
}

async function compareTables(client: PoolClient, plans: TablePlan[], sampleSize: number): Promise<TableComparison[]> {
  const result: TableComparison[] = [];
  for (const plan of plans) {
    const on = plan.key.map((k) => `live__.${quote(k)} = rebuilt__.${quote(k)}`).join(' AND ');
    const { rows } = await client.query(
      `SELECT CASE WHEN live__ IS NULL THEN 'rebuilt_only' WHEN rebuilt__ IS NULL THEN 'live_only' ELSE 'different' END AS kind,
              to_jsonb(live__) AS live, to_jsonb(rebuilt__) AS rebuilt, count(*) OVER () AS total
         FROM ${quote(plan.table)} live__ FULL JOIN ${quote(plan.shadow)} rebuilt__ ON ${on}
        WHERE live__ IS DISTINCT FROM rebuilt__
        LIMIT $1`,
      [sampleSize],
    );
    const { rows: counts } = await client.query(
      `SELECT (SELECT count(*) FROM ${quote(plan.table)})::int AS live, (SELECT count(*) FROM ${quote(plan.shadow)})::int AS rebuilt`,
    );
    result.push({
      table: plan.table,
      liveRows: counts[0].live,
      rebuiltRows: counts[0].rebuilt,
      differences: rows.length ? Number(rows[0].total) : 0,
      samples: rows.map((r) => ({ kind: r.kind, live: r.live, rebuilt: r.rebuilt })),
    });
  }
  return result;
}

/** Drops each live table and renames its shadow, constraints and indexes into its place. */
async function swapTables(client: PoolClient, plans: TablePlan[]): Promise<void> {
  for (const plan of plans) {
    await client.query(`DROP TABLE ${quote(plan.table)}`);
    await client.query(`ALTER TABLE ${quote(plan.shadow)} RENAME TO ${quote(plan.table)}`);
    for (const c of plan.constraints) {
      await client.query(`ALTER TABLE ${quote(plan.table)} RENAME CONSTRAINT ${quote(shadowName(c.name))} TO ${quote(c.name)}`);
    }
    for (const index of plan.indexes) await client.query(`ALTER INDEX ${quote(shadowName(index.name))} RENAME TO ${quote(index.name)}`);
  }
}
