import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mintLocalToken, type SinergiClaims } from '@sinergi/auth';
import { type BpjsSimulator, type BpjsSimulatorOptions, startBpjsSimulator } from '@sinergi/bpjs-simulator';
import type { SinergiConfig } from '@sinergi/common';
import { createMigratedDatabase, deleteKeysWithPrefix, type MigratedTestDatabase, testConfig, testRedisUrl, uniqueQueuePrefix } from '@sinergi/testing';
import { ProcurementClientRepository } from '../../src/modules/procurement-clients/procurement-client.repository';
import { createApiApp } from '../../src/api';
import { startWorker } from '../../src/worker';

/** API, worker and BPJS simulator over real HTTP, PostgreSQL and Redis, for one test file. */
export interface RunningSystem {
  db: MigratedTestDatabase;
  sim: BpjsSimulator;
  api: NestFastifyApplication;
  /** The worker running now; a test that restarts it assigns the new one here. */
  worker: INestApplicationContext;
  config: SinergiConfig;
  baseUrl: string;
  /** A signed-in user's bearer token, minted with the test JWT secret. */
  token(claims: SinergiClaims): Promise<string>;
  /** The API's Prometheus text, read from its public `/metrics` with the test METRICS_TOKEN. */
  metrics(): Promise<string>;
  /** A procurement client scoped to `regions`; returns its id and secret. */
  client(id: string, regions: string[]): Promise<{ id: string; secret: string }>;
  stop(): Promise<void>;
}

/** The bearer token of the test systems' `/metrics` (METRICS_TOKEN). */
export const TEST_METRICS_TOKEN = 'test-metrics-token-0123456789';

/**
 * Short timeouts and back-off so failure paths finish in seconds; `env` overrides any of them. The API and the
 * worker connect as a login of sinergi_app, as in production; `db.pool` is the owner's, for setting up and tampering.
 * `simulator` passes options to the BPJS simulator (its fault dice, say).
 */
export async function startSystem(label: string, env: Record<string, string> = {}, simulator: BpjsSimulatorOptions = {}): Promise<RunningSystem> {
  const db = await createMigratedDatabase(label);
  const sim = await startBpjsSimulator({ ...simulator, port: 0 });
  const prefix = uniqueQueuePrefix(label);
  const config = testConfig({
    DATABASE_URL: await db.appLogin(),
    QUEUE_PREFIX: prefix,
    BPJS_API_URL: sim.url,
    BPJS_TIMEOUT_MS: '300',
    BPJS_CIRCUIT_HALF_OPEN_MS: '200',
    VERIFICATION_ATTEMPTS: '8',
    VERIFICATION_BACKOFF_MS: '20',
    WORKER_METRICS_PORT: '0',
    // No metrics ports of their own (many systems run at once); the public /metrics answers this bearer only.
    METRICS_PORT: '0',
    METRICS_TOKEN: TEST_METRICS_TOKEN,
    RATE_LIMIT_PER_MINUTE: '100000',
    ...env,
  });
  const api = await createApiApp(config);
  // A free port unless `env.PORT` names one (with PUBLIC_BASE_URL on it, links in notices open this system).
  await api.listen({ port: env.PORT ? config.port : 0, host: '127.0.0.1' });
  const worker = await startWorker(config);
  const system: RunningSystem = {
    db,
    sim,
    api,
    worker,
    config,
    baseUrl: await api.getUrl(),
    token: (claims) => mintLocalToken(config.jwt.secret!, claims),
    metrics: async () => {
      const res = await fetch(`${system.baseUrl}/metrics`, { headers: { authorization: `Bearer ${config.metrics.token}` } });
      if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}`);
      return res.text();
    },
    client: async (id, regions) => ({ id, secret: (await api.get(ProcurementClientRepository).create({ id, name: id, regionScopes: regions })).secret }),
    stop: async () => {
      // A test may have restarted the worker: close the one running now.
      await system.worker.close();
      await api.close();
      await sim.close();
      await db.drop();
      await deleteKeysWithPrefix(testRedisUrl(), prefix);
    },
  };
  return system;
}
