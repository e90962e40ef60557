import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type BpjsSimulator, startBpjsSimulator } from '@sinergi/bpjs-simulator';
import { EventStore, type LogCheckpoint, compareCheckpoints } from '@sinergi/event-store';
import {
  createMigratedDatabase,
  deleteKeysWithPrefix,
  type MigratedTestDatabase,
  projectRegistered,
  signedPost,
  TEST_SECRETS_KEY,
  testConfig,
  testRedisUrl,
  uniqueQueuePrefix,
  waitFor,
} from '@sinergi/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApiApp } from '../src/api';
import { ProcurementClientRepository } from '../src/modules/procurement-clients/procurement-client.repository';
import { rebuildProjectionByName } from '../src/projections';

const WORKER = join(__dirname, '..', 'dist', 'src', 'worker.js');
const CONSUMERS = ['verification-relay', 'escalation-relay', 'projection:coverage'];

/**
 * Two worker processes (`node dist/src/worker.js`, real OS processes) share the queues and stand by for each other's
 * log consumers. The one holding the consumers' advisory locks is killed with SIGKILL in the middle of a stream of
 * registrations; the other takes the locks over (and gives them back to a restarted first worker when it is killed in
 * turn), and the database shows every event's effect exactly once: one
 * verification request per registration, one verdict per project, one case per non-compliant project, the coverage
 * projection equal to its rebuild, and no checkpoint ever moving backwards.
 */
describe('two worker processes: queues shared, consumers fail over on SIGKILL', () => {
  let db: MigratedTestDatabase;
  let sim: BpjsSimulator;
  let api: NestFastifyApplication;
  let baseUrl: string;
  let prefix: string;
  let appUrl: string;
  const client = { id: 'spse-failover', secret: '' };
  const workers = new Map<string, ChildProcess>();
  const output = new Map<string, string[]>();

  beforeAll(async () => {
    if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: build first (npx tsc -p tsconfig.build.json)`);
    db = await createMigratedDatabase('multi_process');
    sim = await startBpjsSimulator({ port: 0 });
    prefix = uniqueQueuePrefix('multi-process');
    appUrl = await db.appLogin();
    // The API in this process, without a worker of its own.
    api = await createApiApp(testConfig({ DATABASE_URL: appUrl, QUEUE_PREFIX: prefix, BPJS_API_URL: sim.url, METRICS_PORT: '0', RATE_LIMIT_PER_MINUTE: '100000' }));
    await api.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = await api.getUrl();
    client.secret = (await api.get(ProcurementClientRepository).create({ id: client.id, name: client.id, regionScopes: ['73.07'] })).secret;
  });

  afterAll(async () => {
    for (const child of workers.values()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all([...workers.values()].map((child) => (child.exitCode === null && child.signalCode === null ? new Promise((r) => child.once('exit', r)) : null)));
    await api?.close();
    await sim?.close();
    await db?.drop();
    if (prefix) await deleteKeysWithPrefix(testRedisUrl(), prefix);
  });

  /** A worker process named `name`: its PostgreSQL sessions say `sinergi-<name>` (application_name follows process.title). */
  const startWorker = (name: string) => {
    const lines: string[] = [];
    const child = spawn(process.execPath, [`--title=${name}`, WORKER], {
      env: {
        PATH: process.env.PATH,
        SINERGI_MODE: 'test',
        SECRETS_KEY: TEST_SECRETS_KEY,
        DATABASE_URL: appUrl,
        REDIS_URL: testRedisUrl(),
        QUEUE_PREFIX: prefix,
        BPJS_API_URL: sim.url,
        BPJS_TIMEOUT_MS: '1000',
        VERIFICATION_BACKOFF_MS: '50',
        // A job the killed worker held runs again on the other after this.
        VERIFICATION_LOCK_MS: '2000',
        WORKER_METRICS_PORT: '0',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => lines.push(chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => lines.push(chunk.toString('utf8')));
    workers.set(name, child);
    output.set(name, lines);
    return child;
  };

  /** Which worker holds each consumer's advisory lock now (by application_name), from pg_locks. */
  const lockHolders = async (): Promise<Record<string, string | null>> => {
    const { rows } = await db.pool.query<{ consumer: string; holder: string | null }>(
      `SELECT c.consumer, a.application_name AS holder
         FROM unnest($1::text[]) AS c(consumer)
         LEFT JOIN pg_locks l ON l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended('log-consumer:' || c.consumer, 0)
         LEFT JOIN pg_stat_activity a ON a.pid = l.pid`,
      [CONSUMERS],
    );
    return Object.fromEntries(rows.map((r) => [r.consumer, r.holder]));
  };

  const register = async (refs: string[]) => {
    const ids: string[] = [];
    for (const ref of refs) {
      const res = await signedPost(baseUrl, '/v1/procurement/events', client, projectRegistered(ref, {}, { contractNumber: `SPK/${ref}` }));
      expect(res.status).toBe(202);
      ids.push(res.body.projectId as string);
    }
    return ids;
  };
  const refs = (from: number, n: number) => Array.from({ length: n }, (_, i) => `MP-${from + i}`);
  const verdictCount = async (ids: string[]) =>
    (
      await db.pool.query<{ n: number }>(`SELECT count(DISTINCT stream_id)::int AS n FROM events WHERE type = 'ComplianceStatusChanged' AND stream_id = ANY($1)`, [
        ids.map((id) => `compliance-${id}`),
      ])
    ).rows[0].n;

  it('hands the consumers over to the survivor, and back, with every effect exactly once', async () => {
    startWorker('worker-a');
    await waitFor(lockHolders, (h) => CONSUMERS.every((c) => h[c] === 'sinergi-worker-a'), 30_000, 100);
    startWorker('worker-b');
    // worker-b is up (its pool connected) and standing by: it holds none of the locks.
    await waitFor(
      () => db.pool.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = 'sinergi-worker-b'`),
      (r) => r.rows.length > 0,
      30_000,
      100,
    );

    // Every consumer's checkpoint, sampled throughout: it may only move forward.
    const samples = new Map<string, LogCheckpoint[]>(CONSUMERS.map((c) => [c, []]));
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const { rows } = await db.pool.query(`SELECT consumer, transaction_id::text AS tx, global_position::text AS pos FROM consumer_checkpoints`);
        for (const r of rows) samples.get(r.consumer)?.push({ transactionId: r.tx, globalPosition: r.pos });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    // BPJS answers slowly, so the killed worker dies with verifications in hand (BullMQ gives them to the other).
    sim.setFaults({ latencyMs: 150 });
    const first = await register(refs(1, 20));
    await waitFor(() => verdictCount(first), (n) => n >= 5, 30_000);
    // Killed mid-stream: some of these projects have their verdicts, others are in flight or not yet relayed.
    const inFlight = (await db.pool.query(`SELECT count(*)::int AS n FROM verification_requests WHERE completed_at IS NULL`)).rows[0].n as number;
    workers.get('worker-a')!.kill('SIGKILL');
    const rest = await register(refs(100, 20));
    await waitFor(lockHolders, (h) => CONSUMERS.every((c) => h[c] === 'sinergi-worker-b'), 30_000, 100);

    // worker-a comes back as the standby; worker-b is killed in turn and the consumers go back to worker-a.
    await waitFor(() => verdictCount(rest), (n) => n >= 5, 30_000);
    startWorker('worker-a2');
    await waitFor(
      () => db.pool.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = 'sinergi-worker-a2'`),
      (r) => r.rows.length > 0,
      30_000,
      100,
    );
    workers.get('worker-b')!.kill('SIGKILL');
    const last = await register(refs(200, 10));
    await waitFor(lockHolders, (h) => CONSUMERS.every((c) => h[c] === 'sinergi-worker-a2'), 30_000, 100);

    const all = [...first, ...rest, ...last];
    await waitFor(() => verdictCount(all), (n) => n === all.length, 60_000, 100);
    // The consumers caught up with the log's head (nothing left behind a dead holder).
    const head = (await db.pool.query(`SELECT max(global_position)::text AS pos FROM events`)).rows[0].pos as string;
    await waitFor(
      () => db.pool.query(`SELECT consumer, global_position::text AS pos FROM consumer_checkpoints`),
      (r) => CONSUMERS.every((c) => r.rows.some((row) => row.consumer === c && BigInt(row.pos) >= BigInt(head))),
      30_000,
      100,
    );
    sampling = false;
    await sampler;

    // One verification request per registration, and one verdict per project: nothing skipped, nothing twice.
    const { rows: perTrigger } = await db.pool.query(
      `SELECT e.global_position, count(r.job_id)::int AS requests
         FROM events e LEFT JOIN verification_requests r ON r.trigger_position = e.global_position
        WHERE e.type = 'ProjectRegistered' GROUP BY e.global_position`,
    );
    expect(perTrigger).toHaveLength(all.length);
    expect(perTrigger.filter((r) => r.requests !== 1)).toEqual([]);
    const { rows: compliance } = await db.pool.query(
      `SELECT stream_id, array_agg(type ORDER BY stream_version) AS types FROM events WHERE stream_id = ANY($1) GROUP BY stream_id`,
      [all.map((id) => `compliance-${id}`)],
    );
    expect(compliance).toHaveLength(all.length);
    for (const row of compliance) expect(row.types).toEqual(['EnrolmentMissing', 'ComplianceStatusChanged']);
    // The escalation relay opened exactly one case per non-compliant project.
    const { rows: cases } = await db.pool.query(
      `SELECT data->>'projectId' AS project_id, count(*)::int AS n FROM events WHERE type = 'CaseOpened' GROUP BY 1`,
    );
    expect(cases.map((c) => c.project_id).sort()).toEqual([...all].sort());
    expect(cases.filter((c) => c.n !== 1)).toEqual([]);
    // The coverage projection equals a rebuild from the log.
    const report = await rebuildProjectionByName(db.pool, new EventStore(db.pool), 'coverage', false, () => undefined);
    expect(report.differences).toBe(0);

    for (const [consumer, positions] of samples) {
      expect(positions.length).toBeGreaterThan(0);
      for (let i = 1; i < positions.length; i++) {
        if (compareCheckpoints(positions[i - 1], positions[i]) > 0) throw new Error(`${consumer}'s checkpoint moved back from ${positions[i - 1].globalPosition} to ${positions[i].globalPosition}`);
      }
    }
    expect(workers.get('worker-a2')!.exitCode).toBeNull();
    process.stderr.write(`[multi-process-failover] worker-a killed with ${inFlight} verification(s) pending\n`);
  }, 150_000);
});
