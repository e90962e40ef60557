import { createServer } from 'node:net';
import { types } from 'node:util';
import { Client } from 'pg';
import Redis from 'ioredis';

const DEFAULT_TIMEOUT_MS = 1500;

/** Why PostgreSQL at `url` cannot be used (connect + `SELECT 1`), or `null` when it can. */
export async function probePostgres(url: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string | null> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return reasonOf(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Whether a PostgreSQL server accepts a connection at `url` and answers `SELECT 1`. */
export async function isPostgresReachable(url: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<boolean> {
  return (await probePostgres(url, timeoutMs)) === null;
}

/** Whether a Redis at `url` answers PING; gives up after `timeoutMs` and never retries. */
export async function isRedisReachable(url: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs * 2);
  });
  const ping = (async () => {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  })().catch(() => false);
  try {
    return await Promise.race([ping, deadline]);
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not find a free port'))));
    });
  });
}

/** The message of an error from any realm (Jest's sandbox or Node's own), else its code or text. */
export function reasonOf(error: unknown): string {
  if (error instanceof Error || types.isNativeError(error)) {
    const code = (error as { code?: unknown }).code;
    return error.message || (typeof code === 'string' ? code : error.name);
  }
  return String(error);
}
