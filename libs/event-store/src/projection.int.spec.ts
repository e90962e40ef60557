import { createMigratedDatabase, type MigratedTestDatabase, waitFor } from '@sinergi/testing';
import { EventStore } from './event-store';
import { NO_STREAM, type StreamHead } from './event-store.types';
import {
  type Projection,
  ProjectionCheckpointMovedError,
  projectionSwapLockName,
  ProjectionRunner,
  readConsumerCheckpoint,
} from './projection';
import { rebuildProjection } from './projection-rebuild';

const meta = { actor: { kind: 'system' as const, id: 'test' }, correlationId: 'c' };

/** The smallest projection: one row per event seen, so a second application of any event breaks the primary key. */
const seen: Projection = {
  name: 'seen',
  tables: [{ name: 'seen', key: ['event_id'] }],
  apply: async (events, tx, table) => {
    await tx.query(`INSERT INTO ${table('seen')} (event_id, global_position) SELECT * FROM unnest($1::uuid[], $2::bigint[])`, [
      events.map((e) => e.eventId),
      events.map((e) => e.globalPosition),
    ]);
  },
};

describe('projections (PostgreSQL)', () => {
  let db: MigratedTestDatabase;
  let store: EventStore;
  let head: StreamHead = NO_STREAM;

  beforeAll(async () => {
    db = await createMigratedDatabase('projection_framework');
    store = new EventStore(db.pool);
    await db.pool.query('CREATE TABLE seen (event_id uuid PRIMARY KEY, global_position bigint NOT NULL)');
    await db.pool.query('CREATE INDEX seen_position_idx ON seen (global_position)');
  });
  afterAll(() => db.drop());

  async function append(n: number) {
    for (let i = 0; i < n; i++) {
      const [a] = await store.appendMany([{ streamId: 'thing-1', expected: head, events: [{ type: 'ThingHappened', data: { i }, metadata: meta }] }]);
      head = { version: a.streamVersion, hash: a.hash };
    }
  }
  const positions = async () => (await db.pool.query('SELECT global_position::int AS p FROM seen ORDER BY 1')).rows.map((r) => r.p as number);
  const eventAt = async (version: number) =>
    (await db.pool.query(`SELECT transaction_id::text, global_position::text FROM events WHERE stream_version = $1`, [version])).rows[0];

  it('pauses live batches during a swap and resumes where the swap moved the checkpoint, applying nothing twice', async () => {
    const errors: unknown[] = [];
    const runner = new ProjectionRunner(db.pool, store, seen, { batchSize: 5, idleDelayMs: 10, onError: (e) => errors.push(e) });
    await append(10);
    runner.start();
    try {
      await waitFor(() => positions(), (p) => p.length === 10);

      // A rebuild swapping in tables that stand further along than the live run: exclusive swap lock held.
      const swap = await db.pool.connect();
      try {
        await swap.query('BEGIN');
        await swap.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [projectionSwapLockName('seen')]);
        await append(10);
        // The live run has read the next batch and waits on the lock before applying it.
        await waitFor(
          async () => (await db.pool.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`)).rows[0].n,
          (n) => n === 1,
        );
        const ahead = await eventAt(17);
        await swap.query(`INSERT INTO seen (event_id, global_position) SELECT event_id, global_position FROM events WHERE stream_version BETWEEN 11 AND 17`);
        await swap.query(`UPDATE consumer_checkpoints SET transaction_id = $1::text::xid8, global_position = $2 WHERE consumer = 'projection:seen'`, [
          ahead.transaction_id,
          ahead.global_position,
        ]);
        await swap.query('COMMIT');
      } finally {
        swap.release();
      }

      await waitFor(() => positions(), (p) => p.length === 20, 10_000);
      expect(errors.some((e) => e instanceof ProjectionCheckpointMovedError)).toBe(true);
      expect(errors.every((e) => e instanceof ProjectionCheckpointMovedError)).toBe(true);
      const last = await eventAt(20);
      await waitFor(() => readConsumerCheckpoint(db.pool, 'projection:seen'), (c) => c?.globalPosition === last.global_position);
    } finally {
      await runner.stop();
    }
  });

  it('rebuilds from position 0 up to the live checkpoint when the live run is stopped, and refuses a second rebuild at once', async () => {
    await append(5); // the live run is stopped: these stay unapplied, and the rebuild must not count them either
    const r = await rebuildProjection(db.pool, store, seen, { swap: false, batchSize: 4 });
    expect(r.eventsReplayed).toBe(20);
    expect(r.differences).toBe(0);
    expect(r.checkpoint).toEqual(r.liveCheckpoint);

    // Another rebuild of the same projection holds its lock.
    const other = await db.pool.connect();
    try {
      await other.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', ['projection-rebuild:seen']);
      await expect(rebuildProjection(db.pool, store, seen, { swap: true })).rejects.toThrow('already running');
    } finally {
      await other.query('SELECT pg_advisory_unlock_all()');
      other.release();
    }

    const swapped = await rebuildProjection(db.pool, store, seen, { swap: true, batchSize: 4 });
    expect(swapped.swapped).toBe(true);
    const { rows } = await db.pool.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'seen' ORDER BY 1`);
    expect(rows.map((x) => x.indexname)).toEqual(['seen_pkey', 'seen_position_idx']);
    expect(await positions()).toHaveLength(20);
  });
});
