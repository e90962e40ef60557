import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type BpjsSimulator, startBpjsSimulator } from '@sinergi/bpjs-simulator';
import type { SinergiConfig } from '@sinergi/common';
import { ensureRedis, freePort, type RunningService } from '@sinergi/local-services';
import { createMigratedDatabase, type MigratedTestDatabase, projectRegistered, signedPost, TEST_SECRETS_KEY, testConfig, waitFor } from '@sinergi/testing';
import Redis from 'ioredis';
import { ProcurementClientRepository } from '../src/modules/procurement-clients/procurement-client.repository';
import { VerificationReconciler } from '../src/modules/verification/reconciler/verification.reconciler';
import { createApiApp } from '../src/api';
import { startWorker } from '../src/worker';

const NPWP = '0012345674901000';

/**
 * Redis losing everything and a worker dying mid-job. A private redis-server is started for this
 * file, so FLUSHALL touches nothing else on the machine.
 */
describe('verification survives Redis data loss and a killed worker', () => {
  let db: MigratedTestDatabase;
  let redis: RunningService;
  let sim: BpjsSimulator;
  let api: NestFastifyApplication;
  let config: SinergiConfig;
  let baseUrl: string;
  const client = { id: 'spse-resilience', secret: '' };

  beforeAll(async () => {
    db = await createMigratedDatabase('resilience');
    redis = await ensureRedis({ url: `redis://127.0.0.1:${await freePort()}` });
    sim = await startBpjsSimulator({ port: 0 });
    config = testConfig({
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: 'resilience',
      BPJS_API_URL: sim.url,
      VERIFICATION_BACKOFF_MS: '20',
      VERIFICATION_CONCURRENCY: '2',
      VERIFICATION_LOCK_MS: '2000',
      WORKER_METRICS_PORT: '0',
      RATE_LIMIT_PER_MINUTE: '100000',
    });
    api = await createApiApp(config);
    await api.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = await api.getUrl();
    client.secret = (await api.get(ProcurementClientRepository).create({ id: client.id, name: 'SPSE', regionScopes: ['73.07'] })).secret;
  });

  afterAll(async () => {
    await api?.close();
    await sim?.close();
    await redis?.stop();
    await db?.drop();
  });

  const enrol = (refs: string[]) =>
    sim.upsertProjects(
      refs.map((ref, i) => ({
        npwp: NPWP,
        contractNumber: `SPK/${ref}`,
        projectNumber: String(7307260000000 + i + Number(ref.slice(-3)) * 100),
        npp: '73070002',
        status: 'ACTIVE' as const,
        coveredFrom: '2025-04-28',
        coveredTo: '2026-04-22',
        contractValue: '2500000000',
        premiumAssessed: '3252703',
        premiumPaid: '3252703',
        workersRegistered: 20,
        workerNiks: [],
      })),
    );
  const registerAll = async (refs: string[]) => {
    const events = refs.map((ref) => projectRegistered(ref, {}, { contractNumber: `SPK/${ref}` }));
    const res = await signedPost(baseUrl, '/v1/procurement/events/batch', client, { events });
    expect(res.body.results.every((r: { status: number }) => r.status === 202)).toBe(true);
    return res.body.results.map((r: { projectId: string }) => r.projectId) as string[];
  };
  const verdicts = async (ids: string[]) =>
    (
      await db.pool.query(
        `SELECT stream_id, count(*)::int AS n FROM events WHERE stream_id = ANY($1::text[]) AND type = 'ComplianceStatusChanged' GROUP BY stream_id`,
        [ids.map((id) => `compliance-${id}`)],
      )
    ).rows as { stream_id: string; n: number }[];

  it('re-queues what a FLUSHALL lost, and every project still reaches exactly one verdict', async () => {
    const worker: INestApplicationContext = await startWorker(config);
    try {
      sim.setFaults({ latencyMs: 150 });
      const refs = Array.from({ length: 24 }, (_, i) => `7700${String(i).padStart(3, '0')}`);
      enrol(refs);
      const ids = await registerAll(refs);
      await waitFor(() => verdicts(ids), (v) => v.length >= 2);

      const r = new Redis(redis.url);
      await r.flushall();
      await r.quit();

      const { requeued } = await worker.get(VerificationReconciler).reconcile(0);
      expect(requeued).toBeGreaterThan(0);
      sim.setFaults({ latencyMs: 0 });
      const done = await waitFor(() => verdicts(ids), (v) => v.length === ids.length, 60_000);
      expect(done.every((v) => v.n === 1)).toBe(true);
    } finally {
      sim.setFaults({ latencyMs: 0 });
      await worker.close();
    }
  });

  it('runs a job again when its worker process is killed mid-job, and records one verdict', async () => {
    const env = {
      ...process.env,
      SINERGI_MODE: 'test',
      SECRETS_KEY: TEST_SECRETS_KEY,
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: 'resilience',
      BPJS_API_URL: sim.url,
      VERIFICATION_LOCK_MS: '2000',
      VERIFICATION_CONCURRENCY: '1',
      WORKER_METRICS_PORT: '0',
      LOG_LEVEL: 'silent',
    };
    const entry = join(__dirname, '..', 'dist', 'src', 'worker.js');
    const spawnWorker = () => spawn(process.execPath, [entry], { env, stdio: 'ignore' });
    const exited = (child: ChildProcess) => new Promise((resolve) => child.once('exit', resolve));

    sim.setFaults({ latencyMs: 4000 });
    enrol(['7799001']);
    const first = spawnWorker();
    let second: ChildProcess | null = null;
    try {
      const [id] = await registerAll(['7799001']);
      // The job is in hand once BPJS has been asked; the answer is 4 s away.
      await waitFor(async () => sim.calls().filter((c) => c.contractNumber === 'SPK/7799001').length, (n) => n > 0, 30_000);
      first.kill('SIGKILL');
      await exited(first);
      expect(await verdicts([id])).toEqual([]);

      sim.setFaults({ latencyMs: 0 });
      second = spawnWorker();
      const [done] = await waitFor(() => verdicts([id]), (v) => v.length === 1, 60_000);
      expect(done.n).toBe(1);
      const { rows } = await db.pool.query(`SELECT type FROM events WHERE stream_id = $1 ORDER BY stream_version`, [`compliance-${id}`]);
      expect(rows.map((r) => r.type)).toEqual(['EnrolmentConfirmed', 'ComplianceStatusChanged']);
    } finally {
      sim.setFaults({ latencyMs: 0 });
      if (first.exitCode === null) first.kill('SIGKILL');
      if (second) {
        second.kill('SIGTERM');
        await exited(second);
      }
    }
  });
});
