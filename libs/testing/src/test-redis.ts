import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';

/** URL of the Redis the tests use (`SINERGI_TEST_REDIS_URL`, set by Jest's global setup). */
export function testRedisUrl(): string {
  const url = process.env.SINERGI_TEST_REDIS_URL;
  if (!url) throw new Error('SINERGI_TEST_REDIS_URL is not set: run the tests through Jest, whose global setup sets it.');
  return url;
}

/** A key prefix no other test uses, such as `test-verification-1a2b3c4d`. */
export function uniqueQueuePrefix(name: string): string {
  return `test-${name}-${randomBytes(4).toString('hex')}`;
}

/** Deletes every key starting with `prefix` (SCAN + UNLINK), and closes its connection. */
export async function deleteKeysWithPrefix(url: string, prefix: string): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length > 0) deleted += await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}
