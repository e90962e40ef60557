import { createHash, randomBytes } from 'node:crypto';
import { type BpjsSimulator, startBpjsSimulator } from '@sinergi/bpjs-simulator';
import { SecretBox } from '@sinergi/common';
import { ensureAppLogin, runMigrations } from '@sinergi/database';
import { freePort } from '@sinergi/local-services';
import { deleteKeysWithPrefix, projectRegistered, signedPost, TEST_SECRETS_KEY, testPostgresUrl, testRedisUrl, uniqueQueuePrefix, waitFor } from '@sinergi/testing';
import { Client, Pool } from 'pg';
import { ProcurementClientRepository } from '../../../src/modules/procurement-clients/procurement-client.repository';
import { type ManagedProcess, startSinergi } from './processes';
import { type PrivatePostgres, type PrivateRedis, startPrivatePostgres, startPrivateRedis } from './private-services';

export const NPWP = '0012345674901000';

export interface FaultSystemOptions {
  /** `private`: a redis-server of this file's own (restart, flush, maxmemory), started with `redisArgs`. */
  redis?: 'shared' | 'private';
  redisArgs?: string[];
  /** `private`: an embedded PostgreSQL cluster of this file's own (restart). */
  postgres?: 'shared' | 'private';
  /** Environment every api and worker process of this system gets (a process's own overrides come on top). */
  env?: Record<string, string>;
}

export interface ApiProcess extends ManagedProcess {
  url: string;
}

/**
 * One scenario's system as real processes: a database of its own (migrated; api and worker connect as a least-privilege
 * login), a queue prefix of its own, the BPJS simulator in this process over HTTP, and api / worker processes
 * (`node dist/src/main.js`, `node dist/src/worker.js`) started and killed by the test.
 */
export interface FaultSystem {
  label: string;
  /** The owner's URL and pool: setting up, reading, tampering. */
  db: { url: string; appUrl: string; pool: Pool };
  pg: PrivatePostgres | null;
  redis: PrivateRedis | null;
  redisUrl: string;
  prefix: string;
  sim: BpjsSimulator;
  client: { id: string; secret: string };
  /** The environment of an api or worker process of this system. */
  env(overrides?: Record<string, string>): NodeJS.ProcessEnv;
  /** Starts an api process and waits until /health/live answers. */
  api(overrides?: Record<string, string>): Promise<ApiProcess>;
  /** Starts a worker process and waits until it says it started. */
  worker(overrides?: Record<string, string>): Promise<ManagedProcess>;
  /** Every process started so far. */
  processes: ManagedProcess[];
  /** Signs and POSTs a body to `api` as this system's procurement client (`options.now`: the client's time, for X-Timestamp). */
  post(api: { url: string }, path: string, body: unknown, options?: Parameters<typeof signedPost>[4]): ReturnType<typeof signedPost>;
  /** Registers `refs` at the BPJS simulator as enrolled and paid up. */
  enrol(refs: string[]): void;
  stop(): Promise<void>;
}

export async function startFaultSystem(label: string, options: FaultSystemOptions = {}): Promise<FaultSystem> {
  const pg = options.postgres === 'private' ? await startPrivatePostgres() : null;
  const redis = options.redis === 'private' ? await startPrivateRedis(options.redisArgs) : null;
  const db = await migratedDatabaseOn(pg?.url ?? testPostgresUrl(), label);
  const redisUrl = redis?.url ?? testRedisUrl();
  const prefix = uniqueQueuePrefix(`faults-${label}`);
  const sim = await startBpjsSimulator({ port: 0 });
  const repository = new ProcurementClientRepository(db.pool, new SecretBox(Buffer.from(TEST_SECRETS_KEY, 'hex')));
  const client = { id: `spse-faults-${label}`.slice(0, 60), secret: '' };
  client.secret = (await repository.create({ id: client.id, name: `SPSE ${label}`, regionScopes: ['73.07'] })).secret;
  const processes: ManagedProcess[] = [];

  const env = (overrides: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    SINERGI_MODE: 'test',
    SECRETS_KEY: TEST_SECRETS_KEY,
    DATABASE_URL: db.appUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    BPJS_API_URL: sim.url,
    BPJS_TIMEOUT_MS: '1000',
    BPJS_CIRCUIT_HALF_OPEN_MS: '300',
    VERIFICATION_ATTEMPTS: '8',
    VERIFICATION_BACKOFF_MS: '50',
    VERIFICATION_LOCK_MS: '3000',
    WORKER_METRICS_PORT: '0',
    METRICS_PORT: '0',
    RATE_LIMIT_PER_MINUTE: '100000',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ...options.env,
    ...overrides,
  });

  const system: FaultSystem = {
    label,
    db,
    pg,
    redis,
    redisUrl,
    prefix,
    sim,
    client,
    env,
    processes,
    api: async (overrides = {}) => {
      const port = overrides.PORT ?? String(await freePort());
      const child = startSinergi(`api ${label}#${processes.length}`, 'main', env({ ...overrides, PORT: port }));
      processes.push(child);
      const url = `http://127.0.0.1:${port}`;
      await waitFor(
        async () => (child.running() ? fetch(`${url}/health/live`).then((r) => r.status, () => 0) : -1),
        (status) => status === 200 || status === -1,
        90_000,
        100,
      );
      if (!child.running()) throw new Error(`${child.name} exited while starting:\n${child.output().slice(-3000)}`);
      return Object.assign(child, { url });
    },
    worker: async (overrides = {}) => {
      const child = startSinergi(`worker ${label}#${processes.length}`, 'worker', env(overrides));
      processes.push(child);
      await child.waitForOutput('worker started', 90_000);
      return child;
    },
    post: (api, path, body, options) => signedPost(api.url, path, client, body, options),
    enrol: (refs) =>
      sim.upsertProjects(
        refs.map((ref) => ({
          npwp: NPWP,
          contractNumber: contractNumberOf(ref),
          projectNumber: String(7307000000000 + (parseInt(createHash('sha256').update(ref).digest('hex').slice(0, 12), 16) % 1e9)),
          npp: '73070002',
          status: 'ACTIVE' as const,
          coveredFrom: '2025-04-28',
          coveredTo: '2026-04-22',
          contractValue: '2500000000',
          premiumAssessed: '3252703',
          premiumPaid: '3252703',
          workersRegistered: 35,
          workerNiks: [],
        })),
      ),
    stop: async () => {
      await Promise.all(processes.map((p) => p.stop('SIGKILL')));
      await sim.close();
      await db.drop();
      if (redis) await redis.stop();
      else await deleteKeysWithPrefix(redisUrl, prefix);
      await pg?.destroy();
    },
  };
  return system;
}

/** The contract number `projectRegistered(ref)` posts (libs/testing's fixture). */
export function contractNumberOf(ref: string): string {
  return (projectRegistered(ref).data as { contractNumber: string }).contractNumber;
}

/** A fresh database on `serverUrl` with every migration applied, and a least-privilege login of its own. */
async function migratedDatabaseOn(serverUrl: string, label: string) {
  const name = `sinergi_faults_${label.toLowerCase().replace(/[^a-z0-9_]+/g, '_').slice(0, 28)}_${randomBytes(3).toString('hex')}`;
  const onServer = async (sql: string) => {
    const client = new Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await onServer(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await runMigrations(url.href);
  const login = { user: `${name}_app`.slice(0, 63), password: randomBytes(12).toString('hex') };
  const appUrl = await ensureAppLogin(url.href, login);
  const pool = new Pool({ connectionString: url.href, max: 5 });
  pool.on('error', () => undefined);
  return {
    url: url.href,
    appUrl,
    pool,
    drop: async () => {
      await pool.end();
      await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await onServer(`DROP ROLE IF EXISTS ${login.user}`);
    },
  };
}
