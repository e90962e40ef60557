import { randomUUID } from 'node:crypto';
import { createMigratedDatabase, type MigratedTestDatabase } from '@sinergi/testing';
import { ConcurrencyError } from './event-store.errors';
import { EventStore } from './event-store';
import { LOG_START, type LogCheckpoint, type NewEvent, NO_STREAM, type RecordedEvent } from './event-store.types';
import { UpcasterRegistry } from './upcasters';

const meta = { actor: { kind: 'system' as const, id: 'test' }, correlationId: 'c-1' };
const event = (type: string, data: Record<string, unknown> = {}): NewEvent => ({ type, data, metadata: meta });

describe('EventStore (PostgreSQL)', () => {
  let db: MigratedTestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    db = await createMigratedDatabase('event_store');
    store = new EventStore(db.pool);
  });
  afterAll(() => db.drop());

  async function drainAll(from: LogCheckpoint = LOG_START): Promise<RecordedEvent[]> {
    const seen: RecordedEvent[] = [];
    let checkpoint = from;
    for (;;) {
      const page = await store.readAll(checkpoint, 7);
      if (page.length === 0) return seen;
      seen.push(...page);
      const last = page[page.length - 1];
      checkpoint = { transactionId: last.transactionId, globalPosition: last.globalPosition };
    }
  }

  it('appends events with consecutive versions and reads them back in order', async () => {
    const streamId = `project-${randomUUID()}`;
    const appended = await store.appendToStream(streamId, NO_STREAM, [event('A', { n: 1 }), event('B', { n: 2 })]);
    expect(appended.map((e) => e.streamVersion)).toEqual([1, 2]);
    const { events, head } = await store.readStream(streamId);
    expect(events.map((e) => [e.type, e.streamVersion, e.data])).toEqual([
      ['A', 1, { n: 1 }],
      ['B', 2, { n: 2 }],
    ]);
    expect(head).toEqual({ version: 2, hash: appended[1].hash });
    expect(events[1].prevHash).toBe(events[0].hash);
  });

  it('lets exactly one of two concurrent appends at the same expected version win', async () => {
    const streamId = `project-${randomUUID()}`;
    await store.appendToStream(streamId, NO_STREAM, [event('A')]);
    const { head } = await store.readStream(streamId);
    const results = await Promise.allSettled([
      store.appendToStream(streamId, head, [event('B1')]),
      store.appendToStream(streamId, head, [event('B2')]),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0].reason).toBeInstanceOf(ConcurrencyError);
    expect((await store.readStream(streamId)).events).toHaveLength(2);
  });

  it('refuses an append behind the head and writes nothing of a failed multi-stream append', async () => {
    const a = `project-${randomUUID()}`;
    const b = `project-${randomUUID()}`;
    await store.appendToStream(a, NO_STREAM, [event('A')]);
    await expect(
      store.appendMany(
        [
          { streamId: b, expected: NO_STREAM, events: [event('B')] },
          { streamId: a, expected: NO_STREAM, events: [event('A-again')] },
        ],
        { personalData: [{ ref: 'p-fail', kind: 'worker', data: { name: 'x' } }] },
      ),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    expect((await store.readStream(b)).events).toHaveLength(0);
    const { rows } = await db.pool.query(`SELECT 1 FROM personal_data WHERE ref = 'p-fail'`);
    expect(rows).toHaveLength(0);
  });

  it('records idempotency and personal data in the same statement as the events', async () => {
    const streamId = `project-${randomUUID()}`;
    const eventId = randomUUID();
    const [appended] = await store.appendMany([{ streamId, expected: NO_STREAM, events: [{ ...event('A'), eventId }] }], {
      idempotency: [{ scope: 'client-a', key: 'src-1', requestHash: 'h1', eventId }],
      personalData: [{ ref: 'p-1', kind: 'worker', data: { nik: '7307010101900001', name: 'Andi' } }],
    });
    const found = await store.findIdempotency('client-a', ['src-1', 'unknown']);
    expect(found.get('src-1')).toMatchObject({ requestHash: 'h1', streamId, streamVersion: 1, globalPosition: appended.globalPosition });
    expect(found.has('unknown')).toBe(false);
    const { rows } = await db.pool.query(`SELECT data FROM personal_data WHERE ref = 'p-1'`);
    expect(rows[0].data.name).toBe('Andi');
  });

  it('delivers a transaction that commits after a later-numbered one, exactly once, in commit order', async () => {
    const before = await drainAll();
    const checkpoint = before.length
      ? { transactionId: before[before.length - 1].transactionId, globalPosition: before[before.length - 1].globalPosition }
      : LOG_START;
    const slow = await db.pool.connect();
    try {
      await slow.query('BEGIN');
      const [early] = await store.appendMany([{ streamId: `s-${randomUUID()}`, expected: NO_STREAM, events: [event('Early')] }], {}, slow);
      const [late] = await store.appendToStream(`s-${randomUUID()}`, NO_STREAM, [event('Late')]);
      expect(BigInt(early.globalPosition)).toBeLessThan(BigInt(late.globalPosition));

      // While the earlier-numbered transaction is open, nothing past it may be handed out.
      const whileOpen = await drainAll(checkpoint);
      expect(whileOpen).toHaveLength(0);

      await slow.query('COMMIT');
      const after = await drainAll(checkpoint);
      expect(after.map((e) => e.type)).toEqual(['Early', 'Late']);
    } finally {
      slow.release();
    }
  });

  it('hands every event out once when many transactions commit out of order', async () => {
    const start = await drainAll();
    const from = start.length
      ? { transactionId: start[start.length - 1].transactionId, globalPosition: start[start.length - 1].globalPosition }
      : LOG_START;
    const clients = await Promise.all(Array.from({ length: 8 }, () => db.pool.connect()));
    const seen: RecordedEvent[] = [];
    let checkpoint = from;
    try {
      await Promise.all(clients.map((c) => c.query('BEGIN')));
      for (const [i, c] of clients.entries()) {
        await store.appendMany([{ streamId: `s-${randomUUID()}`, expected: NO_STREAM, events: [event(`E${i}`)] }], {}, c);
      }
      // Commit in reverse order of their positions, reading between commits as a relay would.
      for (const c of [...clients].reverse()) {
        await c.query('COMMIT');
        const page = await store.readAll(checkpoint, 100);
        seen.push(...page);
        if (page.length) {
          const last = page[page.length - 1];
          checkpoint = { transactionId: last.transactionId, globalPosition: last.globalPosition };
        }
      }
      seen.push(...(await drainAll(checkpoint)));
    } finally {
      clients.forEach((c) => c.release());
    }
    expect(seen.map((e) => e.type).sort()).toEqual(['E0', 'E1', 'E2', 'E3', 'E4', 'E5', 'E6', 'E7']);
  });

  it('verifies the hash chain and finds a row altered by a superuser at the right version', async () => {
    const streamId = `project-${randomUUID()}`;
    await store.appendToStream(streamId, NO_STREAM, [event('A', { v: 1 }), event('B', { v: 2 }), event('C', { v: 3 })]);
    expect(await store.verifyStream(streamId)).toEqual({ ok: true, checked: 3, firstBreak: null });

    const admin = await db.pool.connect();
    try {
      await admin.query(`SET session_replication_role = replica`);
      await admin.query(`UPDATE events SET data = '{"v": 20}' WHERE stream_id = $1 AND stream_version = 2`, [streamId]);
      await admin.query(`SET session_replication_role = origin`);
    } finally {
      admin.release();
    }
    const result = await store.verifyStream(streamId);
    expect(result.ok).toBe(false);
    expect(result.checked).toBe(1);
    expect(result.firstBreak).toMatchObject({ streamId, streamVersion: 2, reason: 'hash_mismatch' });
  });

  it('refuses UPDATE, DELETE and TRUNCATE on the log', async () => {
    const streamId = `project-${randomUUID()}`;
    await store.appendToStream(streamId, NO_STREAM, [event('A')]);
    await expect(db.pool.query(`UPDATE events SET type = 'X' WHERE stream_id = $1`, [streamId])).rejects.toThrow(/append-only: UPDATE/);
    await expect(db.pool.query(`DELETE FROM events WHERE stream_id = $1`, [streamId])).rejects.toThrow(/append-only: DELETE/);
    await expect(db.pool.query(`TRUNCATE events`)).rejects.toThrow(/append-only: TRUNCATE/);
    expect((await store.readStream(streamId)).events).toHaveLength(1);
  });

  it('upcasts old event shapes on read without rewriting what is stored', async () => {
    const upcasters = new UpcasterRegistry().register({
      type: 'Renamed',
      fromVersion: 1,
      upcast: (d) => ({ fullName: d.name }),
    });
    const reading = new EventStore(db.pool, { upcasters });
    const streamId = `s-${randomUUID()}`;
    await reading.appendToStream(streamId, NO_STREAM, [event('Renamed', { name: 'old' })]);
    const [read] = (await reading.readStream(streamId)).events;
    expect(read).toMatchObject({ schemaVersion: 2, data: { fullName: 'old' } });
    expect(await reading.verifyStream(streamId)).toMatchObject({ ok: true });
  });
});
