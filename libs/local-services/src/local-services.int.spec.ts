import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import Redis from 'ioredis';
import { ensurePostgres, ensureRedis, freePort, isPostgresReachable, isRedisReachable } from '@sinergi/local-services';

async function selectOne(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ one: number }>('SELECT 1 AS one')).rows[0].one;
  } finally {
    await client.end();
  }
}

describe('local services', () => {
  it('reports an unreachable PostgreSQL and Redis quickly', async () => {
    const port = await freePort();
    const started = Date.now();
    await expect(isPostgresReachable(`postgres://postgres@127.0.0.1:${port}/postgres`)).resolves.toBe(false);
    await expect(isRedisReachable(`redis://127.0.0.1:${port}`)).resolves.toBe(false);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('spawns a redis-server when nothing answers at the url, and stop() ends it', async () => {
    const lines: string[] = [];
    const redis = await ensureRedis({ url: `redis://127.0.0.1:${await freePort()}`, log: (line) => lines.push(line) });
    try {
      expect(redis.embedded).toBe(true);
      const client = new Redis(redis.url);
      expect(await client.ping()).toBe('PONG');
      client.disconnect();
      expect(lines.join('\n')).toMatch(/Redis not reachable at .*; started .*redis-server on 127\.0\.0\.1:\d+/);
    } finally {
      await redis.stop();
    }
    await expect(isRedisReachable(redis.url)).resolves.toBe(false);
  });

  it('uses a Redis that answers', async () => {
    const url = process.env.SINERGI_TEST_REDIS_URL!;
    const redis = await ensureRedis({ url });
    expect(redis).toMatchObject({ url, embedded: false });
    await redis.stop();
  });

  it('starts an embedded PostgreSQL when nothing answers at the url, and stop() ends it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sinergi-local-services-'));
    const lines: string[] = [];
    try {
      const postgres = await ensurePostgres({
        url: `postgres://postgres@127.0.0.1:${await freePort()}/postgres`,
        dataDir,
        database: 'sinergi_local',
        log: (line) => lines.push(line),
      });
      try {
        expect(postgres.embedded).toBe(true);
        expect(new URL(postgres.url).pathname).toBe('/sinergi_local');
        await expect(selectOne(postgres.url)).resolves.toBe(1);
        expect(lines.join('\n')).toMatch(/PostgreSQL not reachable at .*; started embedded PostgreSQL \d+ on 127\.0\.0\.1:\d+/);
      } finally {
        await postgres.stop();
      }
      await expect(isPostgresReachable(postgres.url)).resolves.toBe(false);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('uses a PostgreSQL that answers, creating the database its url names', async () => {
    const database = `sinergi_test_ensure_${Date.now().toString(36)}`;
    const lines: string[] = [];
    const postgres = await ensurePostgres({ url: onTestServer(database), dataDir: '/nonexistent', database: 'sinergi', log: (line) => lines.push(line) });
    try {
      expect(postgres.embedded).toBe(false);
      expect(new URL(postgres.url).pathname).toBe(`/${database}`);
      await expect(currentDatabase(postgres.url)).resolves.toBe(database);
      expect(lines).toEqual([expect.stringContaining(`(database ${database}, newly created)`)]);
      const again = await ensurePostgres({ url: postgres.url, dataDir: '/nonexistent', database: 'sinergi', log: (line) => lines.push(line) });
      expect(again.url).toBe(postgres.url);
      expect(lines[1]).toContain(`(database ${database}).`);
    } finally {
      await dropDatabases([database]);
    }
  });

  it('gives two systems pointed at two databases of one server two databases, not one shared', async () => {
    const suffix = Date.now().toString(36);
    const [a, b] = [`sinergi_test_a_${suffix}`, `sinergi_test_b_${suffix}`];
    try {
      const first = await ensurePostgres({ url: onTestServer(a), dataDir: '/nonexistent', database: 'sinergi' });
      const second = await ensurePostgres({ url: onTestServer(b), dataDir: '/nonexistent', database: 'sinergi' });
      await expect(currentDatabase(first.url)).resolves.toBe(a);
      await expect(currentDatabase(second.url)).resolves.toBe(b);
    } finally {
      await dropDatabases([a, b]);
    }
  });

  it('uses the default database when the url names none', async () => {
    const database = `sinergi_test_default_${Date.now().toString(36)}`;
    const url = new URL(process.env.SINERGI_TEST_PG_URL!);
    url.pathname = '';
    try {
      const postgres = await ensurePostgres({ url: url.href, dataDir: '/nonexistent', database });
      await expect(currentDatabase(postgres.url)).resolves.toBe(database);
    } finally {
      await dropDatabases([database]);
    }
  });
});

/** The test server's url with `database` in it. */
function onTestServer(database: string): string {
  const url = new URL(process.env.SINERGI_TEST_PG_URL!);
  url.pathname = `/${database}`;
  return url.href;
}

async function currentDatabase(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ name: string }>('SELECT current_database() AS name')).rows[0].name;
  } finally {
    await client.end();
  }
}

async function dropDatabases(names: string[]): Promise<void> {
  const admin = new Client({ connectionString: process.env.SINERGI_TEST_PG_URL });
  await admin.connect();
  try {
    for (const name of names) await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
