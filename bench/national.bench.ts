/**
 * npm run bench:national — a whole fiscal year of Indonesia's regional construction (60,656 projects, generated
 * deterministically from the vendored region hierarchy: bench/national-year.ts) posted through the batch API by one
 * procurement client per province, eight batches in flight, with the BPJS simulator answering in 50–200 ms, 2 %
 * errors, 1 % never answered and a limit of 500 requests/s; ~12 % of projects enrolled and paid, the rest not.
 * Run with 1 api + 1 worker and with 2 api + 2 worker processes (BENCH_SHAPES, default "1x1,2x2"), every process a
 * real OS process from dist/. For each shape it prints ingest events/s, the time until every project has a verdict
 * and until every consumer has caught up and every notification is settled, cases opened with their first notices, timers, notifications, consumer
 * lag p99, the API's p99 under the load, peak RSS per process, the CPU each process spent (PostgreSQL: the run's
 * database's backends; Redis: the server) with the least time the cores could do that work in, and the invariant
 * checker's report; beside them, from
 * the same run, the raw ceilings: PostgreSQL appending the same events in batches of 500 with no logic, BullMQ
 * no-op jobs, and the floor the BPJS limit sets (one look per project at 500 requests/s). Nothing is asserted.
 *
 * Knobs: BENCH_PROJECTS (60656), BENCH_SHAPES, BENCH_SEED, BENCH_VERIFICATION_CONCURRENCY (120 per worker),
 * BENCH_TIMEOUT_SECONDS (1200 per shape), BENCH_PORT (3320).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createHash, randomUUID } from 'node:crypto';
import { mintLocalToken, signedHeaders } from '@sinergi/auth';
import { startBpjsSimulator } from '@sinergi/bpjs-simulator';
import { SecretBox } from '@sinergi/common';
import { runMigrations } from '@sinergi/database';
import { startMailCatcher } from '@sinergi/local-services';
import { Pool } from 'pg';
import type { ChildProcess } from 'node:child_process';
import {
  benchDatabase,
  cpuSeconds,
  cpuSecondsOfPid,
  DatabaseCpu,
  dropRedisPrefix,
  peakRssMiB,
  percentiles,
  rawBullmqCeiling,
  redisServerPid,
  round,
  startProcess,
  stopProcess,
} from './bench-support';
import { type NationalYear, nationalYear, type ProcurementEvent, seededRandom } from './national-year';

/** Regional construction projects let in Indonesia in one fiscal year (2025), the size of a national backfill. */
const NATIONAL_PROJECTS = 60_656;
const PROJECTS = Number(process.env.BENCH_PROJECTS ?? NATIONAL_PROJECTS);
const SEED = Number(process.env.BENCH_SEED ?? 2025);
const SHAPES = (process.env.BENCH_SHAPES ?? '1x1,2x2').split(',').map((s) => {
  const [apis, workers] = s.split('x').map(Number);
  return { apis, workers };
});
const CONCURRENCY = Number(process.env.BENCH_VERIFICATION_CONCURRENCY ?? 120);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_SECONDS ?? 1200) * 1000;
const BASE_PORT = Number(process.env.BENCH_PORT ?? 3320);
const IN_FLIGHT = 8;
const MAX_BATCH_EVENTS = 500;
/** Under the API's 1 MiB body limit with room for the envelope. */
const MAX_BATCH_BYTES = 900 * 1024;
const BPJS_LIMIT = 500;
const SECRETS_KEY = 'e'.repeat(64);
const JWT_SECRET = 'f'.repeat(40);
const GOAL_SECONDS = 300;

const exec = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const clientOf = (province: string) => ({ id: `bench-lpse-${province}`, secret: `bench-secret-${province}` });

interface Batch {
  province: string;
  body: string;
  events: number;
}

/** Each wave's events as signed-ready batches: per province, at most 500 events and 900 KiB each, provinces interleaved. */
function batchesOf(events: { province: string; event: ProcurementEvent }[]): Batch[] {
  const perProvince = new Map<string, Batch[]>();
  const open = new Map<string, { items: string[]; bytes: number }>();
  const close = (province: string) => {
    const current = open.get(province);
    if (!current?.items.length) return;
    perProvince.set(province, [...(perProvince.get(province) ?? []), { province, body: `{"events":[${current.items.join(',')}]}`, events: current.items.length }]);
    open.delete(province);
  };
  for (const { province, event } of events) {
    const text = JSON.stringify(event);
    const current = open.get(province);
    if (current && (current.items.length >= MAX_BATCH_EVENTS || current.bytes + text.length > MAX_BATCH_BYTES)) close(province);
    const next = open.get(province) ?? { items: [], bytes: 0 };
    next.items.push(text);
    next.bytes += text.length + 1;
    open.set(province, next);
  }
  for (const province of [...open.keys()]) close(province);
  const lists = [...perProvince.values()];
  const out: Batch[] = [];
  for (let i = 0; out.length < lists.reduce((n, l) => n + l.length, 0); i++) for (const l of lists) if (l[i]) out.push(l[i]);
  return out;
}

/** The raw PostgreSQL ceiling: the year's registrations appended as event rows, 500 per statement, 8 connections, no logic. */
async function rawPostgresCeiling(url: string, year: NationalYear, seconds: number): Promise<number> {
  const pool = new Pool({ connectionString: url, max: IN_FLIGHT });
  const registrations = year.waves[0].events.map((e) => e.event);
  let next = 0;
  let appended = 0;
  const until = Date.now() + seconds * 1000;
  try {
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (Date.now() < until) {
          // Round after round over the year's registrations, each round under stream ids of its own.
          const round_ = Math.floor(next / registrations.length);
          const from = next % registrations.length;
          const slice = registrations.slice(from, from + MAX_BATCH_EVENTS).map((e) => ({ ...e, projectRef: `${round_}-${e.projectRef}` }));
          next += slice.length;
          const data = slice.map((e) => JSON.stringify(e.data));
          await pool.query(
            `INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata, recorded_at, prev_hash, hash)
             SELECT s, 1, i, 'ProjectRegistered', 1, d, '{"actor":{"kind":"client","id":"raw"}}', now(), $4, h
               FROM unnest($1::text[], $2::uuid[], $3::jsonb[], $5::text[]) AS t(s, i, d, h)`,
            [slice.map((e) => `raw-${e.projectRef}`), slice.map(() => randomUUID()), data, '0'.repeat(64), data.map((d) => createHash('sha256').update(d).digest('hex'))],
          );
          appended += slice.length;
        }
      }),
    );
  } finally {
    await pool.end();
  }
  return round(appended / seconds, 0);
}

interface ShapeResult {
  shape: string;
  events: number;
  refused: Record<string, number>;
  ingestSeconds: number;
  verdictSeconds: number | null;
  caughtUpSeconds: number | null;
  verdicts: Record<string, number>;
  cases: { opened: number; open: number; withFirstNotice: number; nonCompliantProjects: number };
  timers: { scheduled: number; fired: number };
  notifications: Record<string, number>;
  mails: number;
  lagP99Seconds: Record<string, number>;
  apiP99: { coverage: number; batch: number };
  rss: Record<string, number>;
  /** CPU seconds from the first post until the end of the wait, per process (PostgreSQL: this database's backends). */
  cpuSeconds: Record<string, number>;
  /** The seconds the wait lasted (caught up and settled, or the timeout). */
  measuredSeconds: number;
  invariants: string[];
}

async function runShape(year: NationalYear, apis: number, workers: number): Promise<ShapeResult> {
  const shape = `${apis} api + ${workers} worker`;
  console.error(`\n# ${shape}: fresh database, simulator, processes`);
  const db = await benchDatabase('national');
  const redisUrl = db.services[1].url;
  const pool = new Pool({ connectionString: db.url, max: 4 });
  const sim = await startBpjsSimulator({ port: 0, random: seededRandom(SEED + 1) });
  const mailDir = await mkdtemp(join(tmpdir(), 'sinergi-national-mail-'));
  const mail = await startMailCatcher({ dir: mailDir });
  const prefix = `benchnat${process.pid}${apis}${workers}`;
  const env = {
    SINERGI_MODE: 'production',
    PUBLIC_BASE_URL: `http://127.0.0.1:${BASE_PORT}`,
    DATABASE_URL: db.url,
    REDIS_URL: redisUrl,
    BPJS_API_URL: sim.url,
    BPJS_RATE_LIMIT_PER_SECOND: String(BPJS_LIMIT),
    BPJS_TIMEOUT_MS: '2000',
    SMTP_URL: mail.url,
    SECRETS_KEY,
    JWT_SECRET,
    LOG_LEVEL: 'warn',
    QUEUE_PREFIX: prefix,
    VERIFICATION_CONCURRENCY: String(CONCURRENCY),
    DATABASE_POOL_SIZE: '20',
  };
  const processes: { name: string; child: ChildProcess }[] = [];
  try {
    await runMigrations(db.url);
    const box = new SecretBox(Buffer.from(SECRETS_KEY, 'hex'));
    for (const province of year.provinces) {
      const client = clientOf(province);
      await pool.query(
        `INSERT INTO procurement_clients (id, name, source_system, region_scopes, secrets, rate_limit_per_minute) VALUES ($1, $2, 'LPSE', $3, $4, 100000000)`,
        [client.id, `LPSE provinsi ${province}`, [province], JSON.stringify([{ id: 's1', sealed: box.seal(client.secret), createdAt: new Date().toISOString() }])],
      );
    }
    sim.upsertProjects(year.enrolled);
    sim.setFaults({ latencyMs: 50, latencyMaxMs: 200, errorRate: 0.02, timeoutRate: 0.01, rateLimitPerSecond: BPJS_LIMIT });

    const apiPorts = Array.from({ length: apis }, (_, i) => BASE_PORT + i);
    for (const [i, port] of apiPorts.entries()) {
      const child = await startProcess(join(__dirname, '..', 'src', 'main.js'), { ...env, PORT: String(port), HOST: '127.0.0.1' }, `http://127.0.0.1:${port}/health/ready`);
      processes.push({ name: `api ${i + 1}`, child });
    }
    for (let i = 0; i < workers; i++) {
      const metricsPort = BASE_PORT + 10 + i;
      const child = await startProcess(join(__dirname, '..', 'src', 'worker.js'), { ...env, WORKER_METRICS_PORT: String(metricsPort), HOST: '127.0.0.1' }, `http://127.0.0.1:${metricsPort}/metrics`);
      processes.push({ name: `worker ${i + 1}`, child });
    }
    const token = await mintLocalToken(JWT_SECRET, { sub: 'bench-ministry', roles: ['auditor'], regions: ['*'] });

    // Sampling, once a second, for the whole run: the API's answer time to a coverage read, and each consumer's lag.
    const coverageLatencies: number[] = [];
    const lags = new Map<string, number[]>();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const started = performance.now();
        await fetch(`http://127.0.0.1:${apiPorts[0]}/v1/coverage/regions/73.07`, { headers: { authorization: `Bearer ${token}` } })
          .then((r) => r.arrayBuffer())
          .catch(() => undefined);
        coverageLatencies.push(performance.now() - started);
        const { rows } = await pool.query(
          `SELECT c.consumer,
                  COALESCE((SELECT EXTRACT(EPOCH FROM now() - e.recorded_at) FROM events e WHERE e.global_position > c.global_position ORDER BY e.global_position LIMIT 1), 0) AS lag
             FROM consumer_checkpoints c`,
        );
        for (const r of rows) lags.set(r.consumer, [...(lags.get(r.consumer) ?? []), Number(r.lag)]);
        await sleep(1000);
      }
    })();

    console.error(`# posting ${year.waves.reduce((n, w) => n + w.events.length, 0)} events in ${year.waves.length} waves, ${IN_FLIGHT} batches in flight`);
    // What the year costs in CPU, wherever it is spent: no shape can finish sooner than that CPU over the cores.
    const databaseCpu = new DatabaseCpu(pool, new URL(db.url).pathname.slice(1), 1000);
    await databaseCpu.start();
    const redisPid = await redisServerPid(redisUrl);
    const redisCpu = () => (redisPid === null ? 0 : (cpuSecondsOfPid(redisPid) ?? 0));
    const cpuBefore = { processes: processes.map((p) => cpuSeconds(p.child)), redis: redisCpu(), bench: process.cpuUsage() };
    const started = performance.now();
    const batchLatencies: number[] = [];
    const refused: Record<string, number> = {};
    let accepted = 0;
    let request = 0;
    for (const wave of year.waves) {
      const batches = batchesOf(wave.events);
      let next = 0;
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (next < batches.length) {
            const batch = batches[next++];
            const port = apiPorts[request++ % apiPorts.length];
            const sent = performance.now();
            const client = clientOf(batch.province);
            const res = await fetch(`http://127.0.0.1:${port}/v1/procurement/events/batch`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', ...signedHeaders(client.id, client.secret, batch.body) },
              body: batch.body,
            });
            const answer = (await res.json()) as { results?: { status: number; code?: string }[]; code?: string };
            batchLatencies.push(performance.now() - sent);
            if (!res.ok || !answer.results) {
              refused[`batch ${res.status} ${answer.code ?? ''}`] = (refused[`batch ${res.status} ${answer.code ?? ''}`] ?? 0) + batch.events;
              continue;
            }
            for (const r of answer.results as { status: number; code?: string; errors?: { path: string }[] }[]) {
              if (r.status === 202 || r.status === 200) accepted += 1;
              else {
                const key = `${r.status} ${r.code}${r.errors?.length ? ` at ${r.errors.map((e) => e.path.replace(/\[\d+\]/g, '[]')).join(', ')}` : ''}`;
                refused[key] = (refused[key] ?? 0) + 1;
              }
            }
          }
        }),
      );
      console.error(`#   ${wave.name}: ${wave.events.length} events, ${round((performance.now() - started) / 1000, 1)} s since the first post`);
    }
    const ingestSeconds = (performance.now() - started) / 1000;

    console.error('# waiting for a verdict on every project and every consumer to catch up');
    let verdictSeconds: number | null = null;
    let caughtUpSeconds: number | null = null;
    while (performance.now() - started < TIMEOUT_MS) {
      await sleep(2000);
      if (verdictSeconds === null) {
        const { rows } = await pool.query(`SELECT count(DISTINCT stream_id)::int AS n FROM events WHERE type = 'ComplianceStatusChanged'`);
        if (rows[0].n >= PROJECTS) verdictSeconds = (performance.now() - started) / 1000;
        else if (Math.round((performance.now() - started) / 2000) % 15 === 0) console.error(`#   ${rows[0].n} of ${PROJECTS} projects have a verdict`);
      }
      if (verdictSeconds !== null) {
        const { rows } = await pool.query(
          `SELECT (SELECT count(*)::int FROM consumer_checkpoints WHERE global_position < (SELECT max(global_position) FROM events)) AS behind,
                  (SELECT count(*)::int FROM notifications WHERE status = 'PENDING') AS pending`,
        );
        if (rows[0].behind === 0 && rows[0].pending === 0) {
          caughtUpSeconds = (performance.now() - started) / 1000;
          break;
        }
      }
    }
    const measuredSeconds = (performance.now() - started) / 1000;
    const benchCpu = process.cpuUsage(cpuBefore.bench);
    const cpu: Record<string, number> = {
      ...Object.fromEntries(processes.map((p, i) => [p.name, round(cpuSeconds(p.child) - cpuBefore.processes[i], 1)])),
      PostgreSQL: round(await databaseCpu.stop(), 1),
      [`Redis${redisPid === null ? ' (not on this host: not counted)' : ''}`]: round(redisCpu() - cpuBefore.redis, 1),
      'bench (posting, BPJS simulator, mail catcher)': round((benchCpu.user + benchCpu.system) / 1e6, 1),
    };
    sampling = false;
    await sampler;
    const rss = Object.fromEntries(processes.map((p) => [p.name, peakRssMiB(p.child)]));

    const count = async (sql: string) => Number((await pool.query(sql)).rows[0].n);
    const verdictRows = (
      await pool.query(
        `SELECT status, count(*)::int AS n FROM (
           SELECT DISTINCT ON (stream_id) data->>'to' AS status FROM events WHERE type = 'ComplianceStatusChanged' ORDER BY stream_id, global_position DESC) s
         GROUP BY status ORDER BY status`,
      )
    ).rows;
    const notificationRows = (await pool.query(`SELECT channel || ' ' || status AS k, count(*)::int AS n FROM notifications GROUP BY 1 ORDER BY 1`)).rows;
    const cases = {
      opened: await count(`SELECT count(*) AS n FROM escalation_cases`),
      open: await count(`SELECT count(*) AS n FROM escalation_cases WHERE status = 'OPEN'`),
      withFirstNotice: await count(`SELECT count(DISTINCT case_id) AS n FROM notifications WHERE level = 0`),
      nonCompliantProjects: verdictRows.filter((r) => r.status === 'NON_COMPLIANT').reduce((n, r) => n + r.n, 0),
    };
    const timers = {
      scheduled: await count(`SELECT count(*) AS n FROM escalation_timers`),
      fired: await count(`SELECT count(*) AS n FROM escalation_timers WHERE fired_at IS NOT NULL`),
    };

    console.error('# invariant checker (cli invariants)');
    let invariants: string[];
    try {
      const { stdout } = await exec(process.execPath, [join(__dirname, '..', 'src', 'cli.js'), 'invariants', '--json'], { env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 });
      invariants = summariseInvariants(stdout);
    } catch (error) {
      const e = error as { stdout?: string; message: string };
      invariants = e.stdout ? summariseInvariants(e.stdout) : [`could not run: ${e.message.split('\n')[0]}`];
    }

    return {
      shape,
      events: accepted,
      refused,
      ingestSeconds,
      verdictSeconds,
      caughtUpSeconds,
      verdicts: Object.fromEntries(verdictRows.map((r) => [r.status, r.n])),
      cases,
      timers,
      notifications: Object.fromEntries(notificationRows.map((r) => [r.k, r.n])),
      mails: mail.count,
      lagP99Seconds: Object.fromEntries([...lags].map(([consumer, samples]) => [consumer, round(percentiles(samples).p99, 1)])),
      apiP99: { coverage: percentiles(coverageLatencies).p99, batch: percentiles(batchLatencies).p99 },
      rss,
      cpuSeconds: cpu,
      measuredSeconds,
      invariants,
    };
  } finally {
    for (const p of processes.reverse()) await stopProcess(p.child);
    await sim.close();
    await mail.close();
    await rm(mailDir, { recursive: true, force: true });
    await pool.end();
    await db.drop();
    await dropRedisPrefix(redisUrl, prefix);
  }
}

function summariseInvariants(stdout: string): string[] {
  const report = JSON.parse(stdout) as { ok: boolean; checks: { name: string; ok: boolean; violations: number; detail?: string }[] };
  return report.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.name}${c.ok ? '' : `: ${c.violations} violation(s)${c.detail ? ` (${c.detail})` : ''}`}`);
}

function print(result: ShapeResult, ceilings: { postgres: number; bullmq: number }): void {
  const seconds = (s: number | null) => (s === null ? `not within ${TIMEOUT_MS / 1000} s` : `${round(s, 1)} s`);
  const eventsPerSecond = round(result.events / result.ingestSeconds, 0);
  console.log(`\n## ${result.shape}`);
  console.log(`ingest: ${result.events} events accepted in ${round(result.ingestSeconds, 1)} s = ${eventsPerSecond} events/s; raw PostgreSQL ceiling ${ceilings.postgres} events/s; ratio ${round(eventsPerSecond / ceilings.postgres, 2)}`);
  if (Object.keys(result.refused).length) console.log(`refused: ${JSON.stringify(result.refused)}`);
  console.log(`every project with a verdict after ${seconds(result.verdictSeconds)}; every consumer caught up and every notification settled after ${seconds(result.caughtUpSeconds)} (goal < ${GOAL_SECONDS} s)`);
  if (result.verdictSeconds) {
    const rate = round(PROJECTS / result.verdictSeconds, 0);
    console.log(`verdicts/s (first post to last first verdict): ${rate}; BPJS floor ${round(PROJECTS / BPJS_LIMIT, 0)} s at ${BPJS_LIMIT} requests/s; BullMQ no-op ceiling ${ceilings.bullmq} jobs/s (ratio ${round(rate / ceilings.bullmq, 3)})`);
  }
  console.log(`verdicts: ${JSON.stringify(result.verdicts)}`);
  console.log(`cases: ${result.cases.opened} opened, ${result.cases.open} open, ${result.cases.withFirstNotice} with their first notices recorded; ${result.cases.nonCompliantProjects} projects non-compliant`);
  console.log(`timers: ${result.timers.scheduled} scheduled, ${result.timers.fired} fired; notifications: ${JSON.stringify(result.notifications)}; e-mails caught: ${result.mails}`);
  console.log(`consumer lag p99 (s): ${JSON.stringify(result.lagP99Seconds)}`);
  console.log(`API p99 under the load: coverage read ${result.apiP99.coverage} ms, batch post ${result.apiP99.batch} ms`);
  console.log(`peak RSS (MiB): ${JSON.stringify(result.rss)}`);
  const cpuTotal = Object.values(result.cpuSeconds).reduce((a, b) => a + b, 0);
  const cores = availableParallelism();
  console.log(
    `CPU seconds (first post to the end of the wait, ${round(result.measuredSeconds, 0)} s): ${JSON.stringify(result.cpuSeconds)}; in all ${round(cpuTotal, 0)} s = ` +
      `${round((cpuTotal * 1000) / PROJECTS, 1)} ms a project; at that cost ${cores} cores need at least ${round(cpuTotal / cores, 0)} s for these ${PROJECTS} projects, ` +
      `${round((cpuTotal * NATIONAL_PROJECTS) / PROJECTS / cores, 0)} s for a national year of ${NATIONAL_PROJECTS.toLocaleString('en')} (goal < ${GOAL_SECONDS} s)`,
  );
  console.log(`invariants:\n  ${result.invariants.join('\n  ')}`);
}

async function main(): Promise<void> {
  console.error(`# bench:national — ${PROJECTS} projects, seed ${SEED}, shapes ${SHAPES.map((s) => `${s.apis}x${s.workers}`).join(', ')}`);
  const year = nationalYear({ projects: PROJECTS, seed: SEED, enrolledShare: 0.1229 });
  const events = year.waves.reduce((n, w) => n + w.events.length, 0);
  console.error(`# generated: ${events} events over ${year.regencyCount} regencies, ${year.workers} workers on rosters, ${year.enrolled.length} projects enrolled and paid`);

  const scratch = await benchDatabase('national_raw');
  let ceilings: { postgres: number; bullmq: number };
  try {
    await runMigrations(scratch.url);
    console.error('# raw ceilings: PostgreSQL batch appends, BullMQ no-op jobs');
    ceilings = {
      postgres: await rawPostgresCeiling(scratch.url, year, 8),
      bullmq: await rawBullmqCeiling(scratch.services[1].url, 20_000, CONCURRENCY * Math.max(...SHAPES.map((s) => s.workers))),
    };
  } finally {
    await scratch.drop();
  }
  const results: ShapeResult[] = [];
  for (const { apis, workers } of SHAPES) results.push(await runShape(year, apis, workers));
  console.log(`\n# bench:national — ${PROJECTS} projects, ${events} events generated, ${year.enrolled.length} enrolled and paid (seed ${SEED})`);
  for (const r of results) print(r, ceilings);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
