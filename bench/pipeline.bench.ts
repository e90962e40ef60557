/**
 * npm run bench:pipeline — 10,000 projects registered through the batch API with the BPJS simulator
 * answering at once: time from the first post until every project has a compliance verdict,
 * verdicts/s, relay lag p50/p99 and the worker's peak RSS; beside it, in the same run, the raw
 * BullMQ ceiling (no-op jobs at the same concurrency). Then as many projects again with the simulator
 * answering after BENCH_BPJS_LATENCY_MS (100; 0 skips it): there the ceiling is the BPJS concurrency,
 * VERIFICATION_CONCURRENCY / latency. Each phase also prints the CPU one verdict costs in each process (api, worker,
 * the database's PostgreSQL backends, this process with the simulator) and the rate the machine's cores could give at
 * that cost, whatever the concurrency. Numbers for the closing note; nothing asserted.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { signedHeaders } from '@sinergi/auth';
import { startBpjsSimulator } from '@sinergi/bpjs-simulator';
import { SecretBox } from '@sinergi/common';
import { runMigrations } from '@sinergi/database';
import { computeJakonPremium } from '@sinergi/domain';
import { Pool } from 'pg';
import { benchDatabase, cpuSeconds, cpuSecondsOfPid, DatabaseCpu, dropRedisPrefix, peakRssMiB, rawBullmqCeiling, redisServerPid, round, startProcess, stopProcess } from './bench-support';

const PROJECTS = Number(process.env.BENCH_PROJECTS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const LATENCY_MS = Number(process.env.BENCH_BPJS_LATENCY_MS ?? 100);
const SECRETS_KEY = 'c'.repeat(64);
const CLIENT = { id: 'bench-pipeline', secret: 'bench-secret' };
const API_PORT = Number(process.env.BENCH_PORT ?? 3311);
const NPWP = '0012345674901000';
const PREMIUM = computeJakonPremium({ contractValue: 2_500_000_000n, valueIncludesVat: true, contractDate: '2025-04-21' }).total.toString();

async function main(): Promise<void> {
  console.error(`# bench:pipeline — ${PROJECTS} projects, worker concurrency ${CONCURRENCY}`);
  const db = await benchDatabase('pipeline');
  const redisUrl = db.services[1].url;
  const pool = new Pool({ connectionString: db.url, max: 4 });
  const sim = await startBpjsSimulator({ port: 0 });
  const env = {
    SINERGI_MODE: 'production',
    PUBLIC_BASE_URL: `http://127.0.0.1:${API_PORT}`,
    DATABASE_URL: db.url,
    REDIS_URL: redisUrl,
    BPJS_API_URL: sim.url,
    SECRETS_KEY,
    JWT_SECRET: 'd'.repeat(40),
    LOG_LEVEL: 'warn',
    QUEUE_PREFIX: `benchpipe${process.pid}`,
    VERIFICATION_CONCURRENCY: String(CONCURRENCY),
    BPJS_RATE_LIMIT_PER_SECOND: '100000',
    RECHECK_INTERVAL_HOURS: '0',
    DATABASE_POOL_SIZE: '30',
  };
  try {
    await runMigrations(db.url);
    const box = new SecretBox(Buffer.from(SECRETS_KEY, 'hex'));
    await pool.query(
      `INSERT INTO procurement_clients (id, name, source_system, region_scopes, secrets, rate_limit_per_minute) VALUES ($1, 'bench', 'bench', '{73.07}', $2, 10000000)`,
      [CLIENT.id, JSON.stringify([{ id: 's1', sealed: box.seal(CLIENT.secret), createdAt: new Date().toISOString() }])],
    );
    const refs = Array.from({ length: PROJECTS }, (_, i) => `p${i}`);
    const slowRefs = LATENCY_MS > 0 ? Array.from({ length: PROJECTS }, (_, i) => `s${i}`) : [];
    sim.upsertProjects(
      [...refs, ...slowRefs]
        .filter((_, i) => i % 5 < 2)
        .map((ref, i) => ({
          npwp: NPWP,
          contractNumber: `SPK/${ref}`,
          projectNumber: String(7307270000000 + i),
          npp: '73070003',
          status: 'ACTIVE' as const,
          coveredFrom: '2025-04-28',
          coveredTo: '2026-04-22',
          contractValue: '2500000000',
          premiumAssessed: PREMIUM,
          premiumPaid: PREMIUM,
          workersRegistered: 20,
          workerNiks: [],
        })),
    );

    console.error('# raw BullMQ ceiling (no-op jobs)');
    const ceiling = await rawBullmqCeiling(redisUrl, PROJECTS, CONCURRENCY);

    const api = await startProcess(join(__dirname, '..', 'src', 'main.js'), { ...env, PORT: String(API_PORT), HOST: '127.0.0.1', WORKER_METRICS_PORT: '0' }, `http://127.0.0.1:${API_PORT}/health/ready`);
    const workerMetricsPort = API_PORT + 1;
    let worker: Awaited<ReturnType<typeof startProcess>> | null = null;
    let rss = 0;
    try {
      worker = await startProcess(
        join(__dirname, '..', 'src', 'worker.js'),
        { ...env, WORKER_METRICS_PORT: String(workerMetricsPort), HOST: '127.0.0.1' },
        `http://127.0.0.1:${workerMetricsPort}/metrics`,
        process.env.BENCH_WORKER_EXEC_ARGV ? process.env.BENCH_WORKER_EXEC_ARGV.split(' ') : [],
      );
      /** Posts `batch` in batches of 500 and waits until every project has a verdict; prints what it measured. */
      const phase = async (label: string, batch: string[], expected: number, verdictsBefore: number) => {
        console.error(`# ${label}: posting batches of 500 and waiting for every verdict`);
        const started = performance.now();
        const since = new Date();
        const databaseCpu = new DatabaseCpu(pool, new URL(db.url).pathname.slice(1));
        await databaseCpu.start();
        const redisPid = await redisServerPid(redisUrl);
        const redisCpu = () => (redisPid === null ? 0 : (cpuSecondsOfPid(redisPid) ?? 0));
        const cpuBefore = { api: cpuSeconds(api), worker: cpuSeconds(worker!), redis: redisCpu(), bench: process.cpuUsage() };
        for (let i = 0; i < batch.length; i += 500) {
          const events = batch.slice(i, i + 500).map((ref) => ({
            eventId: `bench-${ref}`,
            type: 'ProjectRegistered',
            occurredAt: '2025-04-23T08:00:00+08:00',
            projectRef: ref,
            data: {
              name: 'Rehabilitasi Jalan', agency: { code: '1.03', name: 'Dinas PUPR' }, regionCode: '73.07.06', workType: 'KONSTRUKSI',
              fundingSource: 'APBD', fiscalYear: 2025, contractNumber: `SPK/${ref}`, contractDate: '2025-04-21', contractValue: '2500000000',
              startDate: '2025-04-28', endDate: '2025-10-24', maintenanceEndDate: '2026-04-22',
              contractor: { npwp: NPWP, name: 'CV Bench' }, ppk: { name: 'PPK' },
            },
          }));
          const body = JSON.stringify({ events });
          const res = await fetch(`http://127.0.0.1:${API_PORT}/v1/procurement/events/batch`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...signedHeaders(CLIENT.id, CLIENT.secret, body) },
            body,
          });
          if (!res.ok) throw new Error(`batch refused: ${res.status}`);
        }
        const posted = performance.now();
        let verdicts = 0;
        while (verdicts < batch.length) {
          await new Promise((r) => setTimeout(r, 200));
          rss = Math.max(rss, peakRssMiB(worker!));
          verdicts = Number((await pool.query(`SELECT count(*) FROM events WHERE type = 'ComplianceStatusChanged'`)).rows[0].count) - verdictsBefore;
          if (performance.now() - started > 15 * 60_000) throw new Error(`only ${verdicts} verdicts after 15 minutes`);
        }
        const seconds = (performance.now() - started) / 1000;
        const benchCpu = process.cpuUsage(cpuBefore.bench);
        const cpu = {
          api: cpuSeconds(api) - cpuBefore.api,
          worker: cpuSeconds(worker!) - cpuBefore.worker,
          postgres: await databaseCpu.stop(),
          redis: redisCpu() - cpuBefore.redis,
          bench: (benchCpu.user + benchCpu.system) / 1e6,
        };
        rss = Math.max(rss, peakRssMiB(worker!));
        const lag = (
          await pool.query(
            `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY l) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY l) AS p99
               FROM (SELECT EXTRACT(EPOCH FROM created_at - trigger_recorded_at) * 1000 AS l FROM verification_requests WHERE created_at >= $1) s`,
            [since],
          )
        ).rows[0];
        const jobs = (await pool.query(`SELECT count(*)::int AS n, count(DISTINCT project_id)::int AS projects FROM verification_requests WHERE created_at >= $1`, [since])).rows[0];
        const rate = batch.length / seconds;
        console.log(`\n${label}`);
        console.log(`projects: ${batch.length}; posting took ${round((posted - started) / 1000, 1)} s; all verdicts after ${round(seconds, 1)} s`);
        console.log(`verification requests: ${jobs.n} for ${jobs.projects} projects`);
        console.log(`verdicts/s (first post to last verdict): ${round(rate, 0)}`);
        console.log(`relay lag (event recorded -> verification requested): p50 ${round(Number(lag.p50), 1)} ms, p99 ${round(Number(lag.p99), 1)} ms   (goal p99 < 1000 ms)`);
        console.log(`ceiling: ${expected} /s; verdicts/s ÷ ceiling: ${round(rate / expected, 3)}`);
        // What a verdict costs in CPU, wherever it is spent: on a machine of N cores nothing can go faster than
        // N / (CPU seconds per verdict), however the work is spread over processes.
        const perVerdictMs = (s: number) => round((s * 1000) / batch.length, 2);
        const totalCpu = cpu.api + cpu.worker + cpu.postgres + cpu.redis + cpu.bench;
        console.log(
          `CPU per verdict (ms): api ${perVerdictMs(cpu.api)}, worker ${perVerdictMs(cpu.worker)}, PostgreSQL (this database's backends) ${perVerdictMs(cpu.postgres)}, ` +
            `Redis (the whole server${redisPid === null ? ': not on this host, not counted' : ''}) ${perVerdictMs(cpu.redis)}, ` +
            `bench + BPJS simulator ${perVerdictMs(cpu.bench)}; in all ${perVerdictMs(totalCpu)} ms ` +
            `(${round(totalCpu / seconds / availableParallelism(), 2)} of ${availableParallelism()} cores busy with it)`,
        );
        console.log(`verdicts/s ${availableParallelism()} cores could give at that cost: ${round((availableParallelism() * batch.length) / totalCpu, 0)}`);
        return verdictsBefore + batch.length;
      };
      const outcomes = async () => (await pool.query(`SELECT data->>'to' AS status, count(*)::int AS n FROM events WHERE type = 'ComplianceStatusChanged' GROUP BY 1`)).rows;

      let verdicts = await phase(`BPJS answering at once (goal >= 2000 verdicts/s); ceiling = raw BullMQ no-op jobs at concurrency ${CONCURRENCY}`, refs, ceiling, 0);
      if (LATENCY_MS > 0) {
        sim.setFaults({ latencyMs: LATENCY_MS });
        const bound = round(CONCURRENCY / (LATENCY_MS / 1000), 0);
        verdicts = await phase(`BPJS answering after ${LATENCY_MS} ms; ceiling = VERIFICATION_CONCURRENCY ${CONCURRENCY} / ${LATENCY_MS} ms`, slowRefs, bound, verdicts);
      }
      console.log(`\nverdicts: ${(await outcomes()).map((o) => `${o.n} ${o.status}`).join(', ')} (${verdicts} in all)`);
      console.log(`worker peak RSS: ${rss} MiB`);
      console.log(`raw BullMQ ceiling (no-op jobs, concurrency ${CONCURRENCY}): ${ceiling} jobs/s`);
    } finally {
      if (worker) await stopProcess(worker);
      await stopProcess(api);
    }
  } finally {
    await sim.close();
    await pool.end();
    await db.drop();
    await dropRedisPrefix(redisUrl, env.QUEUE_PREFIX);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
