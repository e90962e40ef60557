import { createTestDatabase, type TestDatabase, waitFor } from '@sinergi/testing';
import type { Pool } from 'pg';
import { openPool } from './data-source';

describe('openPool', () => {
  let db: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase('open_pool');
    pool = await openPool(db.url, 2, 'open-pool-test');
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('survives a checked-out connection that PostgreSQL drops between two queries (a restart, a failover)', async () => {
    const client = await pool.connect();
    // A listener of the pool's own, while checked out: an 'error' emitted with none would be thrown, and take the
    // process down (the worker died so when its PostgreSQL restarted).
    expect(client.listenerCount('error')).toBeGreaterThan(0);
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await pool.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
    await waitFor(
      async () => (await pool.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1', [rows[0].pid])).rows[0].n,
      (n) => n === 0,
    );
    await expect(client.query('SELECT 1')).rejects.toThrow();
    client.release(true);
    // The pool goes on with a new connection.
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0].one).toBe(1);
  });
});
