import { Client } from 'pg';
import Redis from 'ioredis';
import { createTestDatabase, deleteKeysWithPrefix, testRedisUrl, uniqueQueuePrefix } from '@sinergi/testing';

async function databaseExists(name: string): Promise<boolean> {
  const client = new Client({ connectionString: process.env.SINERGI_TEST_PG_URL });
  await client.connect();
  try {
    return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('testing helpers', () => {
  it('creates a database of its own, and drop() removes it even while a connection is open', async () => {
    const db = await createTestDatabase('helpers');
    expect(db.name).toMatch(/^sinergi_test_helpers_[0-9a-f]{8}$/);
    const client = new Client({ connectionString: db.url });
    client.on('error', () => undefined);
    await client.connect();
    expect((await client.query('SELECT current_database() AS name')).rows[0].name).toBe(db.name);
    await db.drop();
    expect(await databaseExists(db.name)).toBe(false);
    await client.end().catch(() => undefined);
  });

  it('deletes only the keys under a queue prefix', async () => {
    const prefix = uniqueQueuePrefix('helpers');
    const other = uniqueQueuePrefix('helpers');
    expect(prefix).toMatch(/^test-helpers-[0-9a-f]{8}$/);
    const redis = new Redis(testRedisUrl());
    try {
      await redis.mset(`${prefix}:a`, '1', `${prefix}:b`, '2', `${other}:a`, '3');
      await expect(deleteKeysWithPrefix(testRedisUrl(), prefix)).resolves.toBe(2);
      expect(await redis.exists(`${prefix}:a`, `${prefix}:b`)).toBe(0);
      expect(await redis.get(`${other}:a`)).toBe('3');
    } finally {
      await redis.del(`${other}:a`);
      redis.disconnect();
    }
  });
});
