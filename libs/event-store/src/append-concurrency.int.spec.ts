import { randomUUID } from 'node:crypto';
import { createMigratedDatabase, type MigratedTestDatabase } from '@sinergi/testing';
import { EventStore } from './event-store';
import { type NewEvent, NO_STREAM, type PersonalDataWrite, type StreamAppend } from './event-store.types';

const meta = { actor: { kind: 'system' as const, id: 'test' }, correlationId: 'c-1' };

/** A deterministic shuffle (mulberry32), so every batch takes the shared rows in its own order. */
function shuffled<T>(items: T[], seed: number): T[] {
  let t = seed;
  const random = () => {
    t = (t + 0x6d2b79f5) | 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('EventStore.appendMany under concurrent batches (PostgreSQL)', () => {
  let db: MigratedTestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    db = await createMigratedDatabase('append_concurrency');
    store = new EventStore(db.pool);
  });
  afterAll(() => db.drop());

  it('commits eight concurrent batches that upsert the same personal data in different orders, every event once, without a deadlock', async () => {
    const BATCHES = 8;
    const PER_BATCH = 500;
    // Every batch refers to the same 300 PPKs (as a province's systems posting at once do), each in a different order.
    const people: PersonalDataWrite[] = Array.from({ length: 300 }, (_, i) => ({ ref: `ppk-${i}-${randomUUID()}`, kind: 'ppk', data: { name: `PPK ${i}` } }));
    const deadlocksBefore = await deadlocks(db);

    const batches = Array.from({ length: BATCHES }, (_, b) => {
      const appends: StreamAppend[] = Array.from({ length: PER_BATCH }, (_, i) => ({
        streamId: `project-${randomUUID()}`,
        expected: NO_STREAM,
        events: [{ eventId: randomUUID(), type: 'ProjectRegistered', data: { batch: b, item: i }, metadata: meta } satisfies NewEvent],
      }));
      const idempotency = appends.map((a) => ({ scope: `client-${b % 2}`, key: `src-${a.events[0].eventId}`, requestHash: 'h', eventId: a.events[0].eventId! }));
      // Upserts change the data on the way (a PPK's e-mail moved), so every batch really writes every row.
      const personalData = shuffled(people, b + 1).map((p) => ({ ...p, data: { ...p.data, email: `ppk-${b}@example.test` } }));
      return { appends, idempotency, personalData };
    });

    const results = await Promise.allSettled(batches.map((b) => store.appendMany(b.appends, { idempotency: b.idempotency, personalData: b.personalData })));
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [`${(r.reason as Error).name}: ${(r.reason as { code?: string }).code}`] : []));
    expect(failures).toEqual([]);

    const ids = batches.flatMap((b) => b.appends.map((a) => a.events[0].eventId!));
    const { rows } = await db.pool.query(`SELECT event_id, count(*)::int AS n FROM events WHERE event_id = ANY($1::uuid[]) GROUP BY event_id`, [ids]);
    expect(rows).toHaveLength(BATCHES * PER_BATCH);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    const keys = await db.pool.query(`SELECT count(*)::int AS n FROM idempotency_keys WHERE key = ANY($1::text[])`, [ids.map((id) => `src-${id}`)]);
    expect(keys.rows[0].n).toBe(BATCHES * PER_BATCH);
    const stored = await db.pool.query(`SELECT count(*)::int AS n FROM personal_data WHERE ref = ANY($1::text[])`, [people.map((p) => p.ref)]);
    expect(stored.rows[0].n).toBe(people.length);
    // Not merely retried until it went through: the rows were taken in one order, so no append ever deadlocked.
    expect(await deadlocks(db)).toBe(deadlocksBefore);
  });

  it('lets one of several batches racing for the same new streams win and refuses the others as conflicts, never deadlocking', async () => {
    const streams = Array.from({ length: 2000 }, () => `race-${randomUUID()}`);
    const deadlocksBefore = await deadlocks(db);
    // Another writer holds one of the streams, uncommitted: every batch runs into it and they all start again together
    // when it rolls back, each holding whatever it inserted before. Only a common order keeps them from a cycle.
    const blocker = await db.pool.connect();
    let results: PromiseSettledResult<unknown>[];
    try {
      await blocker.query('BEGIN');
      await blocker.query(
        `INSERT INTO events (stream_id, stream_version, event_id, type, data, metadata, recorded_at, prev_hash, hash)
         VALUES ($1, 1, $2, 'Held', '{}', '{}', now(), '', '')`,
        [streams[1000], randomUUID()],
      );
      const racing = Promise.allSettled(
        Array.from({ length: 6 }, (_, b) =>
          store.appendMany(shuffled(streams, 100 + b).map((streamId) => ({ streamId, expected: NO_STREAM, events: [{ type: 'Opened', data: { b }, metadata: meta }] }))),
        ),
      );
      // Without a common order some of them deadlock while queueing, so do not insist on all six.
      await waitForLockWait(db, 6, 3000, 'go-on');
      await blocker.query('ROLLBACK');
      results = await racing;
    } finally {
      blocker.release();
    }
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as { code?: string }).code).toBe('concurrent_modification');
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM events WHERE stream_id = ANY($1::text[])`, [streams]);
    expect(rows[0].n).toBe(streams.length);
    expect(await deadlocks(db)).toBe(deadlocksBefore);
  });

  it('leaves a person stored exactly as written untouched, without waiting for their row, and still writes a changed or erased one', async () => {
    const same = { ref: `same-${randomUUID()}`, kind: 'ppk', data: { name: 'Andi Baso', email: 'a@example.test' } };
    const changed = { ref: `changed-${randomUUID()}`, kind: 'ppk', data: { name: 'Old' } };
    const erased = { ref: `erased-${randomUUID()}`, kind: 'worker', data: { nik: '7307015203900001', name: 'Hasnah' } };
    const seed = () => ({ streamId: `s-${randomUUID()}`, expected: NO_STREAM, events: [{ type: 'Seed', data: {}, metadata: meta }] });
    await store.appendMany([seed()], { personalData: [same, changed, erased] });
    await db.pool.query(`UPDATE personal_data SET data = NULL, erased_at = now() WHERE ref = $1`, [erased.ref]);
    const before = await db.pool.query(`SELECT updated_at FROM personal_data WHERE ref = $1`, [same.ref]);

    const other = await db.pool.connect();
    try {
      await other.query('BEGIN');
      await other.query(`SELECT 1 FROM personal_data WHERE ref = $1 FOR UPDATE`, [same.ref]);
      // Were `same` upserted, this append would queue behind the lock held above until the timeout.
      const append = store.appendMany([seed()], { personalData: [same, { ...changed, data: { name: 'New' } }, erased] });
      const outcome = await Promise.race([append.then(() => 'appended'), new Promise((r) => setTimeout(() => r('blocked'), 3000))]);
      expect(outcome).toBe('appended');
    } finally {
      await other.query('ROLLBACK');
      other.release();
    }
    const { rows } = await db.pool.query(`SELECT ref, data, erased_at, updated_at FROM personal_data WHERE ref = ANY($1::text[])`, [[same.ref, changed.ref, erased.ref]]);
    const byRef = new Map(rows.map((r) => [r.ref, r]));
    expect(byRef.get(same.ref)).toMatchObject({ data: same.data, updated_at: before.rows[0].updated_at });
    expect(byRef.get(changed.ref)).toMatchObject({ data: { name: 'New' }, erased_at: null });
    // Named again after an erasure, a person is stored again (as before this change).
    expect(byRef.get(erased.ref)).toMatchObject({ data: erased.data, erased_at: null });
  });

  it('runs a deadlock victim again inside appendMany instead of answering a conflict', async () => {
    // A session outside appendMany takes two people in the opposite order on purpose, so PostgreSQL must abort
    // one of the two (40P01); appendMany, running on the pool, has to run its append again and succeed.
    const a = { ref: `dl-a-${randomUUID()}`, kind: 'ppk', data: { name: 'A' } };
    const b = { ref: `dl-b-${randomUUID()}`, kind: 'ppk', data: { name: 'B' } };
    await store.appendMany([{ streamId: `s-${randomUUID()}`, expected: NO_STREAM, events: [{ type: 'Seed', data: {}, metadata: meta }] }], { personalData: [a, b] });
    const deadlocksBefore = await deadlocks(db);

    const [first, last] = [a.ref, b.ref].sort();
    const other = await db.pool.connect();
    try {
      await other.query('BEGIN');
      // The append's session checks for the cycle first, so the append is the victim, not this session.
      await other.query(`SET LOCAL deadlock_timeout = '60s'`);
      await other.query(`UPDATE personal_data SET updated_at = now() WHERE ref = $1`, [last]);
      const append = store.appendMany([{ streamId: `s-${randomUUID()}`, expected: NO_STREAM, events: [{ type: 'Changed', data: {}, metadata: meta }] }], {
        personalData: [
          { ...a, data: { name: 'A2' } },
          { ...b, data: { name: 'B2' } },
        ],
      });
      append.catch(() => undefined);
      // The append has taken `first` and waits for `last`; asking for `first` now closes the cycle.
      await waitForLockWait(db, 1);
      await other.query(`UPDATE personal_data SET updated_at = now() WHERE ref = $1`, [first]);
      await other.query('COMMIT');
      await expect(append).resolves.toHaveLength(1);
    } finally {
      other.release();
    }
    expect(await deadlocks(db)).toBe(deadlocksBefore + 1);
    const { rows } = await db.pool.query(`SELECT data->>'name' AS name FROM personal_data WHERE ref = ANY($1::text[]) ORDER BY ref`, [[a.ref, b.ref]]);
    expect(rows.map((r) => r.name).sort()).toEqual(['A2', 'B2']);
  });
});

/**
 * Deadlocks PostgreSQL detected in this database. A backend reports its counters when it goes idle, at most
 * once a second, so this waits that long first.
 */
async function deadlocks(db: MigratedTestDatabase): Promise<number> {
  await new Promise((r) => setTimeout(r, 1500));
  const { rows } = await db.pool.query(`SELECT deadlocks::int AS n FROM pg_stat_database WHERE datname = current_database()`);
  return rows[0].n;
}

/** Waits until `n` sessions of this database wait for a lock; after `timeoutMs` it fails, or goes on when told to. */
async function waitForLockWait(db: MigratedTestDatabase, n: number, timeoutMs = 10_000, onTimeout: 'fail' | 'go-on' = 'fail'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (rows[0].n >= n) return;
    if (Date.now() > deadline) {
      if (onTimeout === 'go-on') return;
      throw new Error(`fewer than ${n} sessions came to wait for a lock`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
