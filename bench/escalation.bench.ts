/**
 * npm run bench:escalation — 100,000 open escalation cases whose level-0 ladder timers all fall due at the same
 * instant T0: time from T0 until every timer has fired once, timers/s, duplicate escalations (must be 0) and the
 * worker's peak RSS; beside it, in the same run, the raw ceiling: the timer sweep's own statements on a scratch
 * table of as many due rows (claim a batch with `FOR UPDATE SKIP LOCKED`, one multi-row INSERT, one UPDATE), by as
 * many loops of the same batch size, nothing read or decided; and the ratio timers/s ÷ raw timers/s. Numbers for the
 * closing note; nothing asserted. JSON summary on stdout, progress on stderr.
 *
 * How the timer path is measured (and why this way):
 * - Seeding (this process, fresh database): every case stream `case-<id>` gets CaseOpened + EscalationLevelReached
 *   (level 0) exactly as `decideCase(OpenCase)` decides them, appended with EventStore.appendMany, 1000 streams a
 *   statement. The ladder is Sinjai's default copied to region 73.08 (no officials, no stored ladder) with ONLY
 *   level 0's wait shortened, to the lead time, and every case opened at the same instant: so every
 *   nextEscalationAt is T0. Later waits keep their real length (P7D…), so exactly one wave fires during the run.
 * - No timer rows are written by the bench: the real worker (dist/src/worker.js, started after seeding) does it the
 *   production way — its escalation relay reads the seeded events, writes the case read model, the
 *   `escalation_timers` rows and the level-0 notifications, and after commit queues the notification jobs. Before T0
 *   the bench checks that the relay has caught up and that N timer rows exist (`readyBeforeT0`), and notes when the
 *   level-0 notifications were all handled (`level0NotificationsDeliveredSeconds`, `notificationsPendingAtT0`): at
 *   T0 the worker should be idle, as it is in production when a wave of timers set days earlier falls due. The lead
 *   (BENCH_LEAD_SECONDS) must cover seeding, worker start, relay catch-up and those deliveries; the default (30 s +
 *   3.5 ms a case) does on a 2-core machine.
 * - The machine's PostgreSQL may run without autovacuum: the bench runs ANALYZE after seeding and once the relay has
 *   caught up, as autovacuum would have (without statistics `stream_id = ANY($1)` becomes a parallel seq scan).
 * - From T0 the bench polls PostgreSQL every 250 ms until all N level-0 rows of `escalation_timers` have fired_at
 *   set; elapsedSeconds is T0 → that poll (lastFiredAfterT0Seconds is the same from max(fired_at), without the
 *   poll's granularity). Everything the worker does meanwhile is what production does when 100k timers fire: the
 *   sweepers claim and fire the rows (ESCALATION_CONCURRENCY timers at once, in batches of 250), the relay turns each
 *   new level 1 into the read model, a level-1 timer row (due in 7 days) and two inbox notifications (KEPALA_DINAS,
 *   BPJS_BRANCH by position: 73.08 has no officials); the notification worker delivers them.
 * - The seeded cases have no project streams (cheap to seed, no SMTP needed): their notifications are planned as
 *   in production (CONTRACTOR and the contract's own PPK get no e-mail without a registration) and each delivery
 *   ends as a recorded `message_unavailable` failure: a real inbox delivery minus the inbox_items insert.
 * - Duplicates: EscalationLevelReached level-1 events minus distinct cases having one, read 2 s after the last
 *   firing; also the number of cases with more than one.
 * - Relay lag under the wave (relayLagLevel1Seconds, goal p99 < 5 s): from each level-1 event's recording to the
 *   escalation relay's transaction that wrote its level-1 timer row, once the relay has read them all.
 * Env: BENCH_CASES (100000), BENCH_CONCURRENCY (2000, the default ESCALATION_CONCURRENCY), BENCH_LEAD_SECONDS,
 * BENCH_POOL_SIZE (30 → DATABASE_POOL_SIZE), BENCH_PORT (worker metrics port, 3321), BENCH_WORKER_EXEC_ARGV.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { runMigrations } from '@sinergi/database';
import { EventStore, NO_STREAM, type StreamAppend } from '@sinergi/event-store';
import { Pool } from 'pg';
import { decideCase, initialCaseState } from '../src/modules/escalation/case-decider/escalation-case.decider';
import { caseStreamId } from '../src/modules/escalation/case-decider/escalation-case.events';
import { caseIdFor } from '../src/modules/escalation/escalation.queues';
import { DEFAULT_SINJAI_LADDER, type EscalationLadder } from '../src/modules/escalation/ladder/escalation-ladder';
import { formatIsoDuration } from '../src/modules/escalation/ladder/iso-duration';
import { TIMER_BATCH } from '../src/modules/escalation/runtime/escalation-timers';
import { benchDatabase, dropRedisPrefix, peakRssMiB, round, startProcess, stopProcess } from './bench-support';

const CASES = Number(process.env.BENCH_CASES ?? 100_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 2000);
const POOL_SIZE = Number(process.env.BENCH_POOL_SIZE ?? 30);
/** Seeding, worker start, relay catch-up and the level-0 deliveries fit in here (~2.9 ms a case measured on 2 cores). */
const LEAD_SECONDS = Number(process.env.BENCH_LEAD_SECONDS ?? Math.ceil(30 + CASES * 0.0035));
const WORKER_PORT = Number(process.env.BENCH_PORT ?? 3321);
const REGION = '73.08';
const CASE_REGION = '73.08.01';
const AGENCY = '1.03';
const STREAMS_PER_APPEND = 1000;
const POLL_MS = 250;
const FIRE_TIMEOUT_MS = 30 * 60_000;

const log = (line: string) => console.error(`# ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The ceiling: the sweep's own statements with nothing decided — N due rows in a scratch table, claimed by the same
 * `UPDATE … FOR UPDATE SKIP LOCKED` in batches, one multi-row INSERT of a small JSON row per timer (the append,
 * without reading a stream or hashing) and one UPDATE marking them fired, by as many loops as the worker runs; from
 * the first claim until no row is left.
 */
async function rawPostgres(url: string, rows: number): Promise<{ timersPerSecond: number; seconds: number }> {
  const loops = Math.max(1, Math.ceil(CONCURRENCY / TIMER_BATCH));
  const batch = Math.ceil(CONCURRENCY / loops);
  const pool = new Pool({ connectionString: url, max: loops + 1 });
  try {
    await pool.query(`CREATE TABLE raw_timers (job_id text PRIMARY KEY, case_id uuid NOT NULL, level int NOT NULL, due_at timestamptz NOT NULL,
                        fired_at timestamptz, cancelled_at timestamptz, claimed_until timestamptz, attempts int NOT NULL DEFAULT 0)`);
    await pool.query(`CREATE INDEX raw_timers_pending_idx ON raw_timers (due_at, job_id) WHERE fired_at IS NULL AND cancelled_at IS NULL`);
    await pool.query(`CREATE TABLE raw_events (position bigserial PRIMARY KEY, stream_id text NOT NULL, data jsonb NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now())`);
    await pool.query(`INSERT INTO raw_timers (job_id, case_id, level, due_at) SELECT 'raw-' || i, gen_random_uuid(), 0, now() - interval '1 second' FROM generate_series(1, $1) i`, [rows]);
    await pool.query('ANALYZE raw_timers');
    const started = performance.now();
    await Promise.all(
      Array.from({ length: loops }, async () => {
        for (;;) {
          const { rows: claimed } = await pool.query<{ job_id: string; case_id: string }>(
            `UPDATE raw_timers t SET claimed_until = now() + interval '30 seconds', attempts = t.attempts + 1
              WHERE t.job_id IN (SELECT job_id FROM raw_timers WHERE fired_at IS NULL AND cancelled_at IS NULL AND due_at <= now()
                                   AND (claimed_until IS NULL OR claimed_until <= now()) ORDER BY due_at, job_id LIMIT $1 FOR UPDATE SKIP LOCKED)
              RETURNING t.job_id, t.case_id`,
            [batch],
          );
          if (claimed.length === 0) return;
          await pool.query(`INSERT INTO raw_events (stream_id, data) SELECT 'case-' || c, jsonb_build_object('caseId', c, 'level', 1) FROM unnest($1::uuid[]) c`, [
            claimed.map((r) => r.case_id),
          ]);
          await pool.query(`UPDATE raw_timers SET fired_at = now() WHERE job_id = ANY($1::text[])`, [claimed.map((r) => r.job_id)]);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return { timersPerSecond: round(rows / seconds, 0), seconds: round(seconds, 2) };
  } finally {
    await pool.query('DROP TABLE IF EXISTS raw_timers, raw_events').catch(() => undefined);
    await pool.end();
  }
}

/** Sinjai's default ladder for a region without one, level 0's wait shortened to `leadMs`, later waits as they are. */
function benchLadder(leadMs: number): EscalationLadder {
  return {
    regionCode: REGION,
    version: 1,
    levels: DEFAULT_SINJAI_LADDER.levels.map((l) => ({
      level: l.level,
      recipients: [...l.recipients],
      waitBeforeNext: l.level === 0 ? formatIsoDuration(leadMs) : l.waitBeforeNext,
    })),
  };
}

/** Appends CaseOpened + EscalationLevelReached(0) for `cases` cases opened at `openedAt`; returns the last position. */
async function seedCases(store: EventStore, cases: number, openedAt: Date, ladder: EscalationLadder, dueAt: string): Promise<string> {
  const now = openedAt.toISOString();
  let lastPosition = '0';
  for (let i = 0; i < cases; i += STREAMS_PER_APPEND) {
    const appends: StreamAppend[] = [];
    for (let k = i; k < Math.min(cases, i + STREAMS_PER_APPEND); k += 1) {
      const projectId = randomUUID();
      const caseId = caseIdFor(projectId, 1);
      const events = decideCase(
        { type: 'OpenCase', caseId, projectId, regionCode: CASE_REGION, agencyCode: AGENCY, reasons: ['ENROLMENT_MISSING'], ladder, now },
        initialCaseState(),
      );
      const next = (events[1].data as { nextEscalationAt: string | null }).nextEscalationAt;
      if (next !== dueAt) throw new Error(`seeded level 0 is due at ${next}, not ${dueAt}`);
      const cause = { correlationId: randomUUID(), causationId: randomUUID(), regionCode: CASE_REGION };
      appends.push({
        streamId: caseStreamId(caseId),
        expected: NO_STREAM,
        events: events.map((e) => ({
          type: e.type,
          data: e.data,
          metadata: { actor: { kind: 'system' as const, id: 'escalation-relay' }, ...cause },
        })),
      });
    }
    const appended = await store.appendMany(appends);
    lastPosition = appended[appended.length - 1].globalPosition;
    if ((i / STREAMS_PER_APPEND) % 20 === 19) log(`seeded ${i + appends.length} cases`);
  }
  return lastPosition;
}

async function count(pool: Pool, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await pool.query(sql, params);
  return Number(Object.values(rows[0])[0] ?? 0);
}

const relayPosition = (pool: Pool) => count(pool, `SELECT COALESCE(max(global_position), 0) FROM consumer_checkpoints WHERE consumer = 'escalation-relay'`);

async function main(): Promise<void> {
  log(`bench:escalation — ${CASES} cases, timer concurrency ${CONCURRENCY}, lead ${LEAD_SECONDS} s`);
  const db = await benchDatabase('escalation');
  const redisUrl = db.services[1].url;
  const queuePrefix = `benchesc${process.pid}`;
  const pool = new Pool({ connectionString: db.url, max: 4 });
  const env = {
    SINERGI_MODE: 'production',
    PUBLIC_BASE_URL: 'http://127.0.0.1:3000',
    DATABASE_URL: db.url,
    REDIS_URL: redisUrl,
    BPJS_API_URL: 'http://127.0.0.1:9',
    SECRETS_KEY: 'e'.repeat(64),
    JWT_SECRET: 'f'.repeat(40),
    LOG_LEVEL: 'warn',
    QUEUE_PREFIX: queuePrefix,
    ESCALATION_CONCURRENCY: String(CONCURRENCY),
    RECHECK_INTERVAL_HOURS: '0',
    DATABASE_POOL_SIZE: String(POOL_SIZE),
    WORKER_METRICS_PORT: String(WORKER_PORT),
    HOST: '127.0.0.1',
  };
  try {
    await runMigrations(db.url);
    const autovacuum = (await pool.query(`SELECT current_setting('autovacuum') AS on`)).rows[0].on;
    if (autovacuum !== 'on') log('autovacuum is off on this PostgreSQL: the bench runs ANALYZE itself after seeding and after the relay caught up');

    log('raw PostgreSQL ceiling (the sweep\'s statements, nothing decided)');
    const raw = await rawPostgres(db.url, CASES);
    log(`raw: ${raw.timersPerSecond} timers/s (${raw.seconds} s)`);

    // Every case opens at `openedAt`; level 0's wait is the lead, so all of them are due at T0.
    const openedAt = new Date(Math.ceil(Date.now() / 1000) * 1000);
    const leadMs = LEAD_SECONDS * 1000;
    const t0 = openedAt.getTime() + leadMs;
    const ladder = benchLadder(leadMs);
    log(`seeding ${CASES} cases in region ${CASE_REGION}, level 0 due at ${new Date(t0).toISOString()}`);
    const seedStarted = performance.now();
    const store = new EventStore(pool);
    const seededPosition = Number(await seedCases(store, CASES, openedAt, ladder, new Date(t0).toISOString()));
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    // Statistics as autovacuum would have them (it may be off on a bench machine): without them the planner turns
    // `stream_id = ANY($1)` over a few hundred streams into parallel sequential scans of the whole log.
    await pool.query('ANALYZE');
    log(`seeded in ${round(seedSeconds, 1)} s; starting the worker`);

    const workerStarted = performance.now();
    const worker = await startProcess(
      join(__dirname, '..', 'src', 'worker.js'),
      env,
      `http://127.0.0.1:${WORKER_PORT}/metrics`,
      process.env.BENCH_WORKER_EXEC_ARGV ? process.env.BENCH_WORKER_EXEC_ARGV.split(' ') : [],
    );
    let rssBeforeT0 = 0;
    try {
      // Before T0: the relay turns the seeded events into timer rows.
      let relayCatchUpSeconds: number | null = null;
      let timerRows = 0;
      let drainedSeconds: number | null = null;
      let lastDrainCheck = 0;
      let lastReport = Date.now();
      while (Date.now() < t0) {
        await sleep(POLL_MS);
        if (relayCatchUpSeconds === null && (await relayPosition(pool)) >= seededPosition) {
          relayCatchUpSeconds = (performance.now() - workerStarted) / 1000;
          log(`relay caught up with the seeded events ${round(relayCatchUpSeconds, 1)} s after worker start (${round((t0 - Date.now()) / 1000, 1)} s before T0)`);
          await pool.query('ANALYZE'); // the relay has just filled escalation_timers, escalation_cases and notifications
        }
        if (relayCatchUpSeconds !== null && timerRows < CASES) {
          timerRows = await count(pool, `SELECT count(*) FROM escalation_timers WHERE level = 0`);
          if (timerRows >= CASES) log(`${timerRows} timer rows`);
        }
        if (relayCatchUpSeconds !== null && drainedSeconds === null && Date.now() - lastDrainCheck >= 1000) {
          lastDrainCheck = Date.now();
          const pending = await count(pool, `SELECT count(*) FROM notifications WHERE status = 'PENDING'`);
          if (pending === 0) {
            drainedSeconds = (performance.now() - workerStarted) / 1000;
            log(`level-0 notifications delivered ${round(drainedSeconds, 1)} s after worker start (${round((t0 - Date.now()) / 1000, 1)} s before T0)`);
          } else if (Date.now() - lastReport >= 10_000) {
            lastReport = Date.now();
            log(`${pending} level-0 notifications pending, ${round((t0 - Date.now()) / 1000, 1)} s before T0`);
          }
        }
      }
      const readyBeforeT0 = relayCatchUpSeconds !== null && timerRows === CASES;
      if (!readyBeforeT0) log(`WARNING: not ready at T0 (relay caught up: ${relayCatchUpSeconds !== null}, timer rows ${timerRows}); raise BENCH_LEAD_SECONDS`);
      rssBeforeT0 = peakRssMiB(worker);
      const notificationsPendingAtT0 = await count(pool, `SELECT count(*) FROM notifications WHERE status = 'PENDING'`);

      // From T0: until every level-0 timer row has fired.
      log('T0: waiting for every timer to fire');
      let fired = 0;
      lastReport = Date.now();
      while (fired < CASES) {
        await sleep(POLL_MS);
        fired = await count(pool, `SELECT count(*) FROM escalation_timers WHERE level = 0 AND fired_at IS NOT NULL`);
        if (Date.now() - lastReport >= 5000) {
          lastReport = Date.now();
          log(`${fired}/${CASES} fired after ${round((Date.now() - t0) / 1000, 1)} s`);
        }
        if (Date.now() - t0 > FIRE_TIMEOUT_MS) throw new Error(`only ${fired} of ${CASES} timers fired after ${FIRE_TIMEOUT_MS / 60_000} minutes`);
      }
      const allFiredAt = Date.now();
      const elapsedSeconds = (allFiredAt - t0) / 1000;
      const { rows: firing } = await pool.query(
        `SELECT EXTRACT(EPOCH FROM min(fired_at)) * 1000 AS first, EXTRACT(EPOCH FROM max(fired_at)) * 1000 AS last
           FROM escalation_timers WHERE level = 0`,
      );
      log(`all ${CASES} fired ${round(elapsedSeconds, 2)} s after T0; checking for duplicates`);

      await sleep(2000);
      const { rows: dup } = await pool.query(
        `SELECT count(*)::int AS events, count(DISTINCT stream_id)::int AS cases FROM events
          WHERE type = 'EscalationLevelReached' AND (data->>'level')::int = 1`,
      );
      const casesWithTwo = await count(
        pool,
        `SELECT count(*) FROM (SELECT stream_id FROM events WHERE type = 'EscalationLevelReached' AND (data->>'level')::int = 1
           GROUP BY stream_id HAVING count(*) > 1) d`,
      );
      // The relay's lag under the wave: each level-1 event (recorded by the timer worker) to the commit of the relay's
      // batch that read it, seen as the level-1 timer row it wrote (created_at is that transaction's start). Waits for
      // the relay to have read every level-1 event first (bounded), so the slowest are counted too.
      const relayCaughtUpAt = Date.now();
      while ((await count(pool, `SELECT count(*) FROM escalation_timers WHERE level = 1`)) < dup[0].cases && Date.now() - relayCaughtUpAt < FIRE_TIMEOUT_MS) await sleep(POLL_MS);
      const { rows: relayLag } = await pool.query(
        `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY l) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY l) AS p99, max(l) AS max
           FROM (SELECT EXTRACT(EPOCH FROM t.created_at - e.recorded_at) AS l
                   FROM events e JOIN escalation_timers t ON t.case_id = (e.data->>'caseId')::uuid AND t.level = 1
                  WHERE e.type = 'EscalationLevelReached' AND (e.data->>'level')::int = 1) s`,
      );
      const relayAtEnd = await relayPosition(pool);
      const logHead = await count(pool, `SELECT COALESCE(max(global_position), 0) FROM events`);
      const peak = peakRssMiB(worker);

      const summary = {
        bench: 'escalation',
        seeded: CASES,
        fired,
        concurrency: CONCURRENCY,
        databasePoolSize: POOL_SIZE,
        leadSeconds: LEAD_SECONDS,
        seedSeconds: round(seedSeconds, 1),
        relayCatchUpSeconds: relayCatchUpSeconds === null ? null : round(relayCatchUpSeconds, 1),
        readyBeforeT0,
        level0NotificationsDeliveredSeconds: drainedSeconds === null ? null : round(drainedSeconds, 1),
        notificationsPendingAtT0,
        elapsedSeconds: round(elapsedSeconds, 2),
        firstFiredAfterT0Seconds: round((Number(firing[0].first) - t0) / 1000, 2),
        lastFiredAfterT0Seconds: round((Number(firing[0].last) - t0) / 1000, 2),
        timersPerSecond: round(CASES / elapsedSeconds, 0),
        level1Events: dup[0].events,
        duplicates: dup[0].events - dup[0].cases,
        casesWithTwoLevel1: casesWithTwo,
        relayBehindAtEnd: logHead - relayAtEnd,
        relayLagLevel1Seconds: { p50: round(Number(relayLag[0].p50), 2), p99: round(Number(relayLag[0].p99), 2), max: round(Number(relayLag[0].max), 2), goalP99: 5 },
        relayCaughtUpAfterLastFiringSeconds: round((Date.now() - relayCaughtUpAt) / 1000, 1),
        workerPeakRssBeforeT0MiB: rssBeforeT0,
        workerPeakRssMiB: peak,
        rawPostgresTimersPerSecond: raw.timersPerSecond,
        rawSeconds: raw.seconds,
        ratio: round(CASES / elapsedSeconds / raw.timersPerSecond, 3),
      };
      console.log(JSON.stringify(summary, null, 2));
    } finally {
      await stopProcess(worker);
    }
  } finally {
    const removed = await dropRedisPrefix(redisUrl, queuePrefix).catch(() => 0);
    log(`removed ${removed} Redis keys under ${queuePrefix}`);
    await pool.end();
    await db.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
