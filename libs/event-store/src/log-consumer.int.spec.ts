import { randomUUID } from 'node:crypto';
import { createMigratedDatabase, type MigratedTestDatabase } from '@sinergi/testing';
import { Pool } from 'pg';
import { EventStore } from './event-store';
import { NO_STREAM, type RecordedEvent } from './event-store.types';
import { LogConsumer } from './log-consumer';

const meta = { actor: { kind: 'system' as const, id: 'test' }, correlationId: 'c' };

describe('LogConsumer (PostgreSQL)', () => {
  let db: MigratedTestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    db = await createMigratedDatabase('log_consumer');
    store = new EventStore(db.pool);
    await db.pool.query('CREATE TABLE applied (event_id uuid PRIMARY KEY, consumer text NOT NULL)');
  });
  afterAll(() => db.drop());

  const consumer = (label: string, onError: (e: unknown) => void = (e) => { throw e; }) =>
    new LogConsumer(
      db.pool,
      store,
      async (events, tx) => {
        // A second delivery of any event would violate the primary key and fail the batch.
        await tx.query('INSERT INTO applied (event_id, consumer) SELECT unnest($1::uuid[]), $2', [events.map((e) => e.eventId), label]);
      },
      { name: 'relay-test', batchSize: 7, idleDelayMs: 10, lockRetryMs: 50, onError },
    );

  async function until(predicate: () => Promise<boolean>, ms = 20_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await predicate())) {
      if (Date.now() > deadline) throw new Error('condition not reached in time');
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const appliedCount = async () => Number((await db.pool.query('SELECT count(*) FROM applied')).rows[0].count);

  it('leaves no listener behind on its pooled connection while it stands by for the lock', async () => {
    const holder = await db.pool.connect();
    await holder.query(`SELECT pg_advisory_lock(hashtextextended('log-consumer:standby-listeners', 0))`);
    // One connection, so every attempt of the standby borrows the same client.
    const single = new Pool({ connectionString: db.url, max: 1 });
    const standby = new LogConsumer(single, store, async () => undefined, { name: 'standby-listeners', idleDelayMs: 10, lockRetryMs: 5, onError: () => undefined });
    try {
      const probe = await single.connect();
      const baseline = probe.listenerCount('error');
      probe.release();
      standby.start();
      // Twenty-odd refused attempts, each borrowing and returning the client.
      await new Promise((r) => setTimeout(r, 400));
      await standby.stop();
      const after = await single.connect();
      expect(standby.active).toBe(false);
      expect(after.listenerCount('error')).toBe(baseline);
      after.release();
    } finally {
      await standby.stop();
      await holder.query(`SELECT pg_advisory_unlock_all()`);
      holder.release();
      await single.end();
    }
  });

  it('applies 200 events from transactions committing out of order exactly once, across a takeover', async () => {
    const errors: unknown[] = [];
    const first = consumer('first', (e) => errors.push(e));
    const standby = consumer('standby', (e) => errors.push(e));
    first.start();
    await until(async () => first.active);
    standby.start();

    // 200 events in 20 transactions held open and committed in shuffled order (a pool of their own:
    // the consumers must still get connections while these are held).
    const writers = new Pool({ connectionString: db.url, max: 20 });
    const clients = await Promise.all(Array.from({ length: 20 }, () => writers.connect()));
    try {
      await Promise.all(clients.map((c) => c.query('BEGIN')));
      for (const c of clients) {
        await store.appendMany(
          [{ streamId: `s-${randomUUID()}`, expected: NO_STREAM, events: Array.from({ length: 10 }, (_, i) => ({ type: `E${i}`, data: {}, metadata: meta })) }],
          {},
          c,
        );
      }
      const order = clients.map((c, i) => ({ c, k: (i * 7919) % 20 })).sort((a, b) => a.k - b.k);
      for (const [i, { c }] of order.entries()) {
        await c.query('COMMIT');
        if (i === 10) await first.stop(); // the active instance goes away mid-run; the standby takes over
        await new Promise((r) => setTimeout(r, 5));
      }
    } finally {
      clients.forEach((c) => c.release());
      await writers.end();
    }

    await until(async () => (await appliedCount()) === 200).catch(async () => {
      throw new Error(`applied ${await appliedCount()} of 200; consumer errors: ${errors.map(String).join('; ')}`);
    });
    await new Promise((r) => setTimeout(r, 200));
    await standby.stop();
    expect(await appliedCount()).toBe(200);
    expect(errors).toEqual([]);
    const byConsumer = await db.pool.query('SELECT consumer, count(*)::int AS n FROM applied GROUP BY consumer ORDER BY consumer');
    expect(byConsumer.rows.map((r) => r.consumer)).toEqual(['first', 'standby']);
  });

  it('keeps its place: a restarted consumer resumes after its checkpoint', async () => {
    const before = await appliedCount();
    await store.appendToStream(`s-${randomUUID()}`, NO_STREAM, [{ type: 'Late', data: {}, metadata: meta }]);
    const again = consumer('again');
    again.start();
    await until(async () => (await appliedCount()) === before + 1);
    await again.stop();
    expect(await appliedCount()).toBe(before + 1);
  });

  it('does not move its checkpoint when the handler fails, and delivers the batch again', async () => {
    let failures = 0;
    const flaky = new LogConsumer(
      db.pool,
      store,
      async (events, tx) => {
        if (failures++ === 0) throw new Error('boom');
        await tx.query('INSERT INTO applied (event_id, consumer) SELECT unnest($1::uuid[]), $2', [events.map((e) => e.eventId), 'flaky']);
      },
      { name: 'relay-test', idleDelayMs: 10, lockRetryMs: 50, onError: () => undefined },
    );
    const before = await appliedCount();
    await store.appendToStream(`s-${randomUUID()}`, NO_STREAM, [{ type: 'Retried', data: {}, metadata: meta }]);
    flaky.start();
    await until(async () => (await appliedCount()) === before + 1);
    await flaky.stop();
    expect(failures).toBeGreaterThanOrEqual(2);
  });

  describe('an event that fails because of its data', () => {
    // A handler that sums into a bigint column, as the coverage projection once did: one value too large fails the
    // whole batch with PostgreSQL's 22003 (numeric value out of range) every time it is tried. Each test reads only
    // the events of its own type, and records what it applied in `summed`.
    beforeAll(async () => {
      await db.pool.query('CREATE TABLE sums (k text PRIMARY KEY, total bigint NOT NULL)');
      await db.pool.query('CREATE TABLE summed (consumer text NOT NULL, event_id uuid NOT NULL, PRIMARY KEY (consumer, event_id))');
    });
    const summing = (name: string, parked: RecordedEvent[], errors: unknown[] = []) =>
      new LogConsumer(
        db.pool,
        store,
        async (events, tx) => {
          for (const e of events) {
            if (e.type !== name) continue;
            await tx.query('INSERT INTO sums (k, total) VALUES ($1, $2::numeric) ON CONFLICT (k) DO UPDATE SET total = sums.total + EXCLUDED.total', [
              name,
              String(e.data.amount),
            ]);
            await tx.query('INSERT INTO summed (consumer, event_id) VALUES ($1, $2)', [name, e.eventId]);
          }
        },
        { name, batchSize: 50, idleDelayMs: 10, lockRetryMs: 50, onError: (e) => errors.push(e), onParked: (e) => parked.push(e) },
      );
    const appliedBy = async (name: string) => Number((await db.pool.query('SELECT count(*) FROM summed WHERE consumer = $1', [name])).rows[0].count);
    const amounts = (name: string, values: string[], regionCode?: string) =>
      values.map((amount) => ({ type: name, data: { amount }, metadata: regionCode ? { ...meta, regionCode } : meta }));
    async function running<T>(c: LogConsumer, body: () => Promise<T>): Promise<T> {
      c.start();
      try {
        return await body();
      } finally {
        await c.stop();
      }
    }

    it('parks that event alone, with its error, and goes on with the events before and after it', async () => {
      const name = `sum-${randomUUID().slice(0, 8)}`;
      const stream = `s-${randomUUID()}`;
      const appended = await store.appendToStream(stream, NO_STREAM, amounts(name, ['1', '2', '9223372036854775808', '3', '4'], '73.07'));
      const parked: RecordedEvent[] = [];
      const errors: unknown[] = [];
      await running(summing(name, parked, errors), () => until(async () => (await appliedBy(name)) === 4 && parked.length === 1));

      expect(parked.map((e) => e.data.amount)).toEqual(['9223372036854775808']);
      expect((await db.pool.query('SELECT total::text FROM sums WHERE k = $1', [name])).rows[0].total).toBe('10');
      const { rows } = await db.pool.query('SELECT * FROM parked_events WHERE consumer = $1', [name]);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ stream_id: stream, event_type: name, region_code: '73.07', error_code: '22003', attempts: 3 });
      expect(rows[0].global_position).toBe(appended[2].globalPosition);
      // The record names the failure, never the values it was about.
      expect(rows[0].error_message).not.toContain('9223372036854775808');
      expect(errors.length).toBeGreaterThanOrEqual(3);
    });

    it('resumes after the parked event on restart, and parks nothing twice', async () => {
      const name = `sum-${randomUUID().slice(0, 8)}`;
      await store.appendToStream(`s-${randomUUID()}`, NO_STREAM, amounts(name, ['5', '99999999999999999999']));
      const parked: RecordedEvent[] = [];
      await running(summing(name, parked), () => until(async () => parked.length === 1));
      await store.appendToStream(`s-${randomUUID()}`, NO_STREAM, amounts(name, ['6']));
      await running(summing(name, parked), () => until(async () => (await appliedBy(name)) === 2));
      expect(parked).toHaveLength(1);
      expect(Number((await db.pool.query('SELECT count(*) FROM parked_events WHERE consumer = $1', [name])).rows[0].count)).toBe(1);
    });

    it('never parks an event for a failure that is not about its data, and applies it once that passes', async () => {
      const name = `flaky-${randomUUID().slice(0, 8)}`;
      let failures = 0;
      const parked: RecordedEvent[] = [];
      const c = new LogConsumer(
        db.pool,
        store,
        async (events, tx) => {
          const mine = events.filter((e) => e.type === name);
          if (mine.length && failures++ < 5) throw Object.assign(new Error('deadlock detected'), { code: '40P01', severity: 'ERROR' });
          for (const e of mine) await tx.query('INSERT INTO summed (consumer, event_id) VALUES ($1, $2)', [name, e.eventId]);
        },
        { name, idleDelayMs: 10, lockRetryMs: 50, onError: () => undefined, onParked: (e) => parked.push(e) },
      );
      await store.appendToStream(`s-${randomUUID()}`, NO_STREAM, amounts(name, ['1']));
      await running(c, () => until(async () => (await appliedBy(name)) === 1, 30_000));
      expect(failures).toBe(6);
      expect(parked).toEqual([]);
    });
  });
});
