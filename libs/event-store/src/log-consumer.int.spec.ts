import { randomUUID } from 'node:crypto';
import { createMigratedDatabase, type MigratedTestDatabase } from '@sinergi/testing';
import { Pool } from 'pg';
import { EventStore } from './event-store';
import { NO_STREAM } from './event-store.types';
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
});
