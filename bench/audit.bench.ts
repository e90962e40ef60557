/**
 * npm run bench:audit — the auditors' reads and tamper evidence over a big log (issue 6). Numbers for the closing
 * note; nothing asserted. JSON summary on stdout, progress on stderr.
 *
 * Seeding (this process, fresh database): BENCH_EVENTS (5,000,000) events with valid hash chains, written straight
 * into `events` — 20 per project: procurement (8), compliance (7) and one escalation case (5), in the event types
 * and data shapes the deciders write, each case with its `escalation_cases` row, metadata as the application writes
 * it (actor, correlation, source event, regionCode, projectId).
 * Projects are interleaved in windows of 5,000 (event r of every project in the window, then r + 1), so a project's
 * rows are spread over the log as live traffic spreads them. Regions: 40 % Sinjai (73.07.01–09), 30 % Bone
 * (73.08.xx), 30 % elsewhere in South Sulawesi. Rows go in by `COPY … FROM STDIN`, one COPY per round of a window,
 * windows round-robin over BENCH_SEED_CONNECTIONS (2) sessions; the secondary indexes are dropped for the load and
 * recreated from their own definitions after it, then VACUUM ANALYZE.
 *
 * Phases:
 * 1. raw ceiling: the indexed read of one project's ~20 rows (its three streams, commit order) through `pg`,
 *    8 concurrent clients, BENCH_SECONDS — what the history endpoint can at best approach;
 * 2. `GET /v1/audit/projects/{id}/history` at 8 connections (autocannon) over random Sinjai projects, through the
 *    real API (dist/src/main.js, production mode) — p50/p99; goal p99 < 15 ms;
 * 3. `GET /v1/audit/export?regionCode=73.07&format=ndjson` (then csv if BENCH_EXPORT_CSV=1) from a freshly started
 *    API: events/s and the API's peak RSS (VmHWM) — goal ≥ 50,000 events/s with RSS < 200 MB;
 * 4. verification of the whole log (the code behind GET /v1/audit/verify and audit:verify, in this process):
 *    events/s; then a signed checkpoint written (time) and the whole log checked against it.
 * 5. appends at this size: new project streams appended through the event store (`appendMany`, one event each,
 *    8 concurrent writers, BENCH_SECONDS) — p50/p99 and appends/s (the unique indexes are as deep as the log);
 * 6. the coverage projection rebuilt from position 0 into shadow tables and compared (`projections:check`'s code;
 *    BENCH_REBUILD=0 skips it) — events/s and seconds.
 * Phases 2–3 are skipped, with a note, when the build has no such routes. `bench:cost` runs this at several sizes.
 * Env: BENCH_EVENTS, BENCH_SECONDS (10), BENCH_PORT (3330), BENCH_SEED_CONNECTIONS (2), BENCH_KEEP_DB=1 (keep the
 * seeded database, named by its size, and reuse it on the next run), BENCH_EXPORT_CSV=1, BENCH_API_EXEC_ARGV,
 * BENCH_REBUILD.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { mintLocalToken } from '@sinergi/auth';
import { runMigrations } from '@sinergi/database';
import { computeEventHash, EventStore, GENESIS_HASH, NO_STREAM } from '@sinergi/event-store';
import { ensurePostgres, ensureRedis, type RunningService } from '@sinergi/local-services';
import autocannon from 'autocannon';
import { Client, Pool } from 'pg';
import { loadCheckpointSigner } from '../src/modules/audit/tamper-evidence/checkpoint/checkpoint-key';
import { toCheckpointDocument } from '../src/modules/audit/tamper-evidence/checkpoint/checkpoint.repository';
import { checkCheckpointOffline } from '../src/modules/audit/tamper-evidence/checkpoint/verify-checkpoint-offline/verify-checkpoint-offline';
import { WriteCheckpointHandler } from '../src/modules/audit/tamper-evidence/checkpoint/write-checkpoint/write-checkpoint.handler';
import { verifyEventLog } from '../src/modules/audit/tamper-evidence/log-verifier';
import { rebuildProjectionByName } from '../src/projections';
import { dropRedisPrefix, peakRssMiB, percentiles, round, startProcess, stopProcess } from './bench-support';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 5_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const PORT = Number(process.env.BENCH_PORT ?? 3330);
const KEEP = process.env.BENCH_KEEP_DB === '1';
const EVENTS_PER_PROJECT = 20;
const WINDOW = 5000;
const CONNECTIONS = 8;
const SEED_CONNECTIONS = Number(process.env.BENCH_SEED_CONNECTIONS ?? 2);
const SECRETS_KEY = 'c'.repeat(64);
const JWT_SECRET = 'audit-bench-jwt-secret-0123456789abcdef';
const PROJECT_TYPES = ['ProjectRegistered', 'WorkStarted', 'WorkersReported', 'PaymentRequested', 'WorkersReported', 'PaymentRequested', 'ContractAmended', 'ProjectCompleted'];
const COMPLIANCE_TYPES = ['VerificationRequested', 'EnrolmentMissing', 'ComplianceStatusChanged', 'VerificationRequested', 'EnrolmentConfirmed', 'PremiumShortfall', 'ComplianceStatusChanged'];
const CASE_TYPES = ['CaseOpened', 'EscalationLevelReached', 'EscalationLevelReached', 'CaseAcknowledged', 'CaseResolved'];

const log = (line: string) => console.error(`# ${line}`);

function regionOf(i: number): string {
  const d = (n: number) => String(n).padStart(2, '0');
  const bucket = i % 10;
  if (bucket < 4) return `73.07.${d(1 + (i % 9))}`;
  if (bucket < 7) return `73.08.${d(1 + (i % 27))}`;
  return `73.${d(9 + (i % 15))}.${d(1 + (i % 11))}`;
}

interface Project {
  id: string;
  caseId: string;
  ref: string;
  region: string;
  heads: [string, string, string];
  versions: [number, number, number];
}

/** The r-th event (0..19) of a project: which stream, its type and data (the shapes the deciders write). */
function eventOf(p: Project, r: number): { s: 0 | 1 | 2; type: string; data: Record<string, unknown> } {
  const agency = { code: '1.03.0.00.0.00.01.0000', name: 'Dinas Pekerjaan Umum dan Penataan Ruang' };
  const at = (day: number) => `2025-${String(1 + (day % 12)).padStart(2, '0')}-${String(1 + (day % 28)).padStart(2, '0')}T08:00:00+08:00`;
  const premium = { base: '2252252252', vatRatePercent: 11, jkk: '5450450', jkm: '675676', total: '6126126' };
  if (r < 8) {
    const type = PROJECT_TYPES[r];
    const worker = (k: number) => ({ personRef: `wrk_${p.id.slice(0, 8)}_${k}`, role: k === 0 ? 'MANDOR' : 'TUKANG', startDate: '2025-05-01', endDate: null });
    const data: Record<string, unknown> = [
      () => ({
        projectId: p.id,
        projectRef: p.ref,
        name: `Rehabilitasi Jalan Desa ${p.ref}`,
        agency,
        regionCode: p.region,
        workType: 'KONSTRUKSI',
        fundingSource: 'APBD',
        fiscalYear: 2025,
        contractNumber: `027/SPK/PUPR/IV/2025/${p.ref}`,
        contractDate: '2025-04-21',
        contractValue: '2500000000',
        valueIncludesVat: true,
        startDate: '2025-04-28',
        endDate: '2025-10-24',
        maintenanceEndDate: '2026-04-22',
        contractor: { npwp: '0012345674901000', nib: null, name: 'CV Karya Sinjai Mandiri', email: 'kontak@karyasinjai.example', phone: '+62 812-3456-7890' },
        ppk: { ref: `ppk_${p.id.slice(0, 8)}` },
        estimatedWorkers: 35,
        premium,
        registrationDeadline: '2025-05-05',
        occurredAt: at(r),
      }),
      () => ({ startedAt: '2025-04-28', occurredAt: at(r) }),
      () => ({ asOf: '2025-05-31', workers: [worker(0), worker(1), worker(2)], workerCount: 3, occurredAt: at(r) }),
      () => ({ terminNumber: 1, amount: '750000000', requestedAt: '2025-06-15', occurredAt: at(r) }),
      () => ({ asOf: '2025-06-30', workers: [worker(0), worker(1), worker(2), worker(3)], workerCount: 4, occurredAt: at(r) }),
      () => ({ terminNumber: 2, amount: '1000000000', requestedAt: '2025-08-15', occurredAt: at(r) }),
      () => ({ addendumNumber: `ADD-1/${p.ref}`, contractValue: '2600000000', endDate: '2025-11-24', maintenanceEndDate: null, reason: 'pekerjaan tambah', premium, occurredAt: at(r) }),
      () => ({ completedAt: '2025-11-20', occurredAt: at(r) }),
    ][r]();
    return { s: 0, type, data };
  }
  if (r < 15) {
    const type = COMPLIANCE_TYPES[r - 8];
    const data: Record<string, unknown> =
      type === 'EnrolmentConfirmed'
        ? { projectId: p.id, enrolment: { registrationNumber: `JAKON-${p.ref}`, status: 'ACTIVE', premiumPaid: '6126126', coverageStart: '2025-04-28', coverageEnd: '2026-04-22' }, checkedAt: at(r) }
        : type === 'ComplianceStatusChanged'
          ? { projectId: p.id, from: r === 10 ? 'PENDING' : 'NON_COMPLIANT', to: r === 10 ? 'NON_COMPLIANT' : 'COMPLIANT', reasons: r === 10 ? ['ENROLMENT_MISSING'] : [], changedAt: at(r) }
          : type === 'PremiumShortfall'
            ? { projectId: p.id, expected: '6126126', paid: '6000000', shortfall: '126126', checkedAt: at(r) }
            : { projectId: p.id, requestId: `${p.id.slice(0, 8)}-${r}`, reason: r === 8 ? 'REGISTERED' : 'RECHECK', requestedAt: at(r) };
    return { s: 1, type, data };
  }
  const type = CASE_TYPES[r - 15];
  const data: Record<string, unknown> =
    type === 'CaseOpened'
      ? { caseId: p.caseId, projectId: p.id, regionCode: p.region, agencyCode: agency.code, reasons: ['ENROLMENT_MISSING'], ladderRegionCode: p.region.slice(0, 5), ladderVersion: 1, openedAt: at(r) }
      : type === 'EscalationLevelReached'
        ? { caseId: p.caseId, level: r - 16, positions: ['PPK', 'KEPALA_DINAS'], reachedAt: at(r), nextEscalationAt: at(r + 7) }
        : type === 'CaseAcknowledged'
          ? { caseId: p.caseId, level: 1, officialId: `off_${p.id.slice(0, 6)}`, position: 'KEPALA_DINAS', acknowledgedAt: at(r) }
          : { caseId: p.caseId, resolvedAt: at(r), reason: 'ENROLMENT_CONFIRMED' };
  return { s: 2, type, data };
}

async function seed(url: string): Promise<{ projects: number; sinjaiSample: string[] }> {
  const pool = new Pool({ connectionString: url, max: SEED_CONNECTIONS + 1 });
  const projects = Math.floor(EVENTS / EVENTS_PER_PROJECT);
  try {
    const have = Number((await pool.query('SELECT count(*) AS n FROM events')).rows[0].n);
    if (have === projects * EVENTS_PER_PROJECT) {
      log(`reusing the seeded log: ${have} events`);
    } else {
      if (have > 0) throw new Error(`the database holds ${have} events, not ${projects * EVENTS_PER_PROJECT}: drop it`);
      await load(pool, projects);
    }
    const { rows } = await pool.query<{ id: string }>(
      `SELECT project_id::text AS id FROM escalation_cases WHERE region_code LIKE '73.07.%' ORDER BY random() LIMIT 2000`,
    );
    return { projects, sinjaiSample: rows.map((r) => r.id) };
  } finally {
    await pool.end();
  }
}

/**
 * `COPY … FROM STDIN` through pg's own protocol hooks (a Submittable, as `client.query` takes one): the rows, already
 * in COPY's text format, go out as CopyData messages, then CopyDone; it settles on the server's answer.
 */
class CopyIn {
  callback?: (error: Error | null, rows?: number) => void;
  private error: Error | null = null;
  private rows = 0;
  readonly done: Promise<number>;
  constructor(
    readonly text: string,
    private readonly chunks: Buffer[],
  ) {
    this.done = new Promise((resolve, reject) => (this.callback = (error, rows) => (error ? reject(error) : resolve(rows ?? 0))));
  }
  submit(connection: { query(text: string): void }): void {
    connection.query(this.text);
  }
  handleCopyInResponse(connection: { sendCopyFromChunk(chunk: Buffer): void; endCopyFrom(): void }): void {
    for (const chunk of this.chunks) connection.sendCopyFromChunk(chunk);
    this.chunks.length = 0;
    connection.endCopyFrom();
  }
  handleCommandComplete(message: { text?: string }): void {
    this.rows = Number(/(\d+)$/.exec(message.text ?? '')?.[1] ?? 0);
  }
  handleError(error: Error): void {
    this.error = error;
    this.callback?.(error);
    this.callback = undefined;
  }
  handleReadyForQuery(): void {
    this.callback?.(this.error, this.rows);
    this.callback = undefined;
  }
  // A COPY FROM answers none of these; a Submittable must still have them.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handlePortalSuspended(): void {}
  handleEmptyQuery(): void {}
  handleCopyData(): void {}
}

/** One value in COPY's text format: backslash, tab, newline and carriage return escaped. */
const copyText = (value: string) => (/[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!) : value);

const COPY_EVENTS = `COPY events (stream_id, stream_version, event_id, type, schema_version, data, metadata, recorded_at, prev_hash, hash) FROM STDIN`;

/**
 * The log written straight into `events` with COPY: windows of WINDOW projects go round-robin to SEED_CONNECTIONS
 * sessions (disjoint projects, so each stream is written by one session in order: its versions follow global
 * position and commit order), one COPY (one transaction of 5,000 rows, as the earlier INSERT batches) per round of
 * a window: event r of every project in it. The next round is hashed while the sessions write the last ones.
 * The sessions commit asynchronously (synchronous_commit off: a crash would lose the seed, not corrupt it) and
 * autovacuum is off on the two tables until the load is done.
 */
async function load(pool: Pool, projects: number): Promise<void> {
  const started = Date.now();
  // Secondary indexes are rebuilt after the load from their own definitions; the unique ones stay (they are the log's rules).
  const { rows: indexes } = await pool.query<{ name: string; def: string }>(
    `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS def FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
      WHERE x.indrelid = 'events'::regclass AND NOT x.indisunique`,
  );
  for (const ix of indexes) await pool.query(`DROP INDEX ${ix.name}`);
  await pool.query('ALTER TABLE events SET (autovacuum_enabled = false)');
  await pool.query('ALTER TABLE escalation_cases SET (autovacuum_enabled = false)');
  log(`seeding ${projects * EVENTS_PER_PROJECT} events (${projects} projects × ${EVENTS_PER_PROJECT}) by COPY over ${SEED_CONNECTIONS} sessions; secondary indexes dropped: ${indexes.map((i) => i.name).join(', ')}`);

  const sessions = await Promise.all(
    Array.from({ length: SEED_CONNECTIONS }, async () => {
      const c = await pool.connect();
      await c.query('SET synchronous_commit = off');
      return c;
    }),
  );
  const tails: Promise<unknown>[] = sessions.map(() => Promise.resolve());
  const base = Date.parse('2025-01-02T01:00:00Z');
  let written = 0;
  let lastLog = Date.now();
  try {
    for (let w = 0; w < projects; w += WINDOW) {
      const k = (w / WINDOW) % SEED_CONNECTIONS;
      const session = sessions[k];
      await tails[k]; // at most one window queued per session
      const window: Project[] = [];
      for (let i = w; i < Math.min(projects, w + WINDOW); i += 1) {
        window.push({ id: randomUUID(), caseId: randomUUID(), ref: `B${i}`, region: regionOf(i), heads: [GENESIS_HASH, GENESIS_HASH, GENESIS_HASH], versions: [0, 0, 0] });
      }
      // The window's statements run one after the other on its session, each sent when the one before has finished.
      let chain: Promise<unknown> = session.query(
        `INSERT INTO escalation_cases (case_id, project_id, region_code, agency_code, status, reasons, ladder_region_code, ladder_version, opened_at, stream_version)
         SELECT c, p, r, '1.03', 'RESOLVED', '{ENROLMENT_MISSING}', left(r, 5), 1, '2025-06-01T00:00:00Z', 5
           FROM jsonb_to_recordset($1::jsonb) AS x(c uuid, p uuid, r text)`,
        [JSON.stringify(window.map((p) => ({ c: p.caseId, p: p.id, r: p.region })))],
      );
      for (let r = 0; r < EVENTS_PER_PROJECT; r += 1) {
        const chunks: Buffer[] = [];
        let text = '';
        for (const p of window) {
          const { s, type, data } = eventOf(p, r);
          const streamId = s === 0 ? `project-${p.id}` : s === 1 ? `compliance-${p.id}` : `case-${p.caseId}`;
          const streamVersion = (p.versions[s] += 1);
          const eventId = randomUUID();
          const recordedAt = new Date(base + (w / WINDOW) * 3_600_000 + r * 60_000 + (written % 1000));
          const metadata = {
            actor: s === 0 ? { kind: 'client', id: 'spse-7307' } : { kind: 'system', id: s === 1 ? 'verification' : 'escalation-relay' },
            correlationId: `bench-${p.ref}-${r}`,
            causationId: null,
            ...(s === 0 ? { sourceEventId: `spse-${p.ref}-${r}` } : {}),
            regionCode: p.region,
            projectId: p.id,
          };
          const prevHash = p.heads[s];
          const hash = computeEventHash(prevHash, { streamId, streamVersion, eventId, type, schemaVersion: 1, data, metadata, recordedAt });
          p.heads[s] = hash;
          text += `${copyText(streamId)}\t${streamVersion}\t${eventId}\t${copyText(type)}\t1\t${copyText(JSON.stringify(data))}\t${copyText(JSON.stringify(metadata))}\t${recordedAt.toISOString()}\t${prevHash}\t${hash}\n`;
          if (text.length > 256 * 1024) {
            chunks.push(Buffer.from(text));
            text = '';
          }
          written += 1;
        }
        if (text) chunks.push(Buffer.from(text));
        const copy = new CopyIn(COPY_EVENTS, chunks);
        chain = chain.then(() => session.query(copy as never)).then(() => copy.done);
        await new Promise(setImmediate); // let the sockets drain while the next round is hashed
      }
      tails[k] = chain;
      if (Date.now() - lastLog > 15_000) {
        lastLog = Date.now();
        log(`  ${written} events, ${round(written / ((Date.now() - started) / 1000), 0)} events/s`);
      }
    }
    await Promise.all(tails);
    log(`  rows written in ${round((Date.now() - started) / 1000)} s (${round(written / ((Date.now() - started) / 1000), 0)} events/s); recreating indexes`);
    // The secondary indexes are built side by side, one session each at a time, with room to sort.
    const todo = [...indexes];
    await Promise.all(
      sessions.map(async (c) => {
        await c.query(`SET maintenance_work_mem = '512MB'`);
        for (let ix = todo.shift(); ix; ix = todo.shift()) await c.query(ix.def);
      }),
    );
  } finally {
    for (const c of sessions) c.release();
  }
  await pool.query('ALTER TABLE events RESET (autovacuum_enabled)');
  await pool.query('ALTER TABLE escalation_cases RESET (autovacuum_enabled)');
  log(`  indexes recreated at ${round((Date.now() - started) / 1000)} s; VACUUM ANALYZE`);
  await pool.query('VACUUM ANALYZE events');
  await pool.query('VACUUM ANALYZE escalation_cases');
  log(`seeded in ${round((Date.now() - started) / 1000)} s`);
}

/** Phase 1: one project's rows by the stream index, 8 clients in a loop. */
async function rawHistoryCeiling(url: string, projects: string[]) {
  const pool = new Pool({ connectionString: url, max: CONNECTIONS });
  const latencies: number[] = [];
  let rowsRead = 0;
  const until = Date.now() + SECONDS * 1000;
  try {
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async (_, k) => {
        const c = await pool.connect();
        try {
          for (let i = k; Date.now() < until; i += CONNECTIONS) {
            const id = projects[i % projects.length];
            const caseRow = await c.query('SELECT case_id FROM escalation_cases WHERE project_id = $1', [id]);
            const started = performance.now();
            const { rows } = await c.query(
              `SELECT global_position::text AS global_position, transaction_id::text AS transaction_id, stream_id, stream_version, event_id, type,
                      schema_version, data::text AS data, metadata::text AS metadata, recorded_at, prev_hash, hash
                 FROM events WHERE stream_id = ANY($1::text[]) ORDER BY transaction_id, global_position`,
              [[`project-${id}`, `compliance-${id}`, ...caseRow.rows.map((r) => `case-${r.case_id}`)]],
            );
            latencies.push(performance.now() - started);
            rowsRead += rows.length;
          }
        } finally {
          c.release();
        }
      }),
    );
  } finally {
    await pool.end();
  }
  return { reads: latencies.length, rowsPerRead: round(rowsRead / latencies.length), ...percentiles(latencies) };
}

async function historyOverHttp(token: string, projects: string[]) {
  let n = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${PORT}`,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [
      {
        setupRequest: (req: any) => {
          n += 1;
          req.path = `/v1/audit/projects/${projects[n % projects.length]}/history`;
          req.headers = { authorization: `Bearer ${token}` };
          return req;
        },
      },
    ],
  });
  return { requests: result.requests.total, rps: round(result.requests.average, 0), p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors + result.timeouts };
}

/** Streams one export to the end, counting lines; the API's peak RSS is read right after. */
async function exportOverHttp(token: string, format: 'ndjson' | 'csv') {
  const started = performance.now();
  const res = await fetch(`http://127.0.0.1:${PORT}/v1/audit/export?regionCode=73.07&format=${format}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok || !res.body) throw new Error(`export answered ${res.status}: ${await res.text()}`);
  let bytes = 0;
  let lines = 0;
  let tail = Buffer.alloc(0);
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
    for (let i = 0; i < value.length; i += 1) if (value[i] === 10) lines += 1;
    tail = value.length >= 4096 ? Buffer.from(value.subarray(-4096)) : Buffer.concat([tail, value]).subarray(-4096);
  }
  const seconds = (performance.now() - started) / 1000;
  // The export's own trailer says how many events it sent: {"type":"trailer","count":N,…} or "# count=N sha256=…".
  const last = tail.toString('utf8').trimEnd().split('\n').pop() ?? '';
  const count = /"count":(\d+)/.exec(last)?.[1] ?? /count=(\d+)/.exec(last)?.[1];
  const events = count !== undefined ? Number(count) : lines;
  return { events, seconds: round(seconds), eventsPerSecond: round(events / seconds, 0), mib: round(bytes / 1024 / 1024) };
}

async function benchDatabaseFor(): Promise<{ url: string; services: RunningService[]; drop(): Promise<void> }> {
  const server = await ensurePostgres({
    url: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    dataDir: '/tmp/sinergi-bench-pg',
    database: 'postgres',
    log: (l) => log(l),
  });
  const redis = await ensureRedis({ url: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379', log: (l) => log(l) });
  const name = KEEP ? `sinergi_bench_audit_${EVENTS}` : `sinergi_bench_audit_${randomUUID().slice(0, 6)}`;
  const admin = new Client({ connectionString: server.url });
  await admin.connect();
  const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount;
  if (!exists) await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    services: [server, redis],
    drop: async () => {
      if (!KEEP) {
        const c = new Client({ connectionString: server.url });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      } else log(`kept database ${name} (BENCH_KEEP_DB=1)`);
      for (const s of [redis, server]) await s.stop();
    },
  };
}

async function main(): Promise<void> {
  log(`bench:audit — ${EVENTS} events, ${SECONDS} s per timed phase, ${CONNECTIONS} clients`);
  const db = await benchDatabaseFor();
  const redisUrl = db.services[1].url;
  const prefix = `benchaudit${process.pid}`;
  const summary: Record<string, unknown> = { events: EVENTS };
  const notes: string[] = [];
  try {
    await runMigrations(db.url);
    const seedStarted = Date.now();
    const { sinjaiSample } = await seed(db.url);
    summary.seedSeconds = round((Date.now() - seedStarted) / 1000);
    const size = await withClient(db.url, (c) => c.query(`SELECT pg_size_pretty(pg_total_relation_size('events')) AS s`));
    summary.eventsTableSize = size.rows[0].s;

    log('(1) raw indexed read of one project (~20 rows), 8 clients');
    summary.rawHistoryRead = await rawHistoryCeiling(db.url, sinjaiSample);
    log(`    ${JSON.stringify(summary.rawHistoryRead)}`);

    const dist = join(__dirname, '..', 'src');
    const token = await mintLocalToken(JWT_SECRET, { sub: 'bench-auditor', roles: ['auditor'], regions: ['73'] });
    const apiEnv = {
      SINERGI_MODE: 'production',
      PUBLIC_BASE_URL: `http://127.0.0.1:${PORT}`,
      BPJS_API_URL: 'http://127.0.0.1:3999',
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl,
      PORT: String(PORT),
      HOST: '127.0.0.1',
      SECRETS_KEY,
      JWT_SECRET,
      LOG_LEVEL: 'warn',
      DATABASE_POOL_SIZE: '16',
      RATE_LIMIT_PER_MINUTE: '10000000',
      QUEUE_PREFIX: prefix,
    };
    const execArgv = process.env.BENCH_API_EXEC_ARGV ? process.env.BENCH_API_EXEC_ARGV.split(' ') : [];
    const startApi = () => startProcess(join(dist, 'main.js'), apiEnv, `http://127.0.0.1:${PORT}/health/ready`, execArgv);
    // Which audit routes this build has, from its own OpenAPI document.
    const routes = await (async () => {
      const api = await startApi();
      try {
        return Object.keys(((await (await fetch(`http://127.0.0.1:${PORT}/docs-json`)).json()) as { paths: Record<string, unknown> }).paths);
      } finally {
        await stopProcess(api);
      }
    })();
    const hasHistory = routes.includes('/v1/audit/projects/{id}/history');
    const hasExport = routes.includes('/v1/audit/export');

    if (hasHistory) {
      log('(2) GET /v1/audit/projects/{id}/history, 8 connections');
      const api = await startApi();
      try {
        await historyOverHttp(token, sinjaiSample.slice(0, 50)); // warm-up
        summary.historyHttp = { ...(await historyOverHttp(token, sinjaiSample)), apiPeakRssMiB: peakRssMiB(api) };
        const probe = await fetch(`http://127.0.0.1:${PORT}/v1/audit/projects/${sinjaiSample[0]}/history`, { headers: { authorization: `Bearer ${token}` } });
        if (!probe.ok) notes.push(`history answered ${probe.status}: ${(await probe.text()).slice(0, 300)}`);
      } finally {
        await stopProcess(api);
      }
      log(`    ${JSON.stringify(summary.historyHttp)}`);
    } else notes.push('history phase skipped: the build has no GET /v1/audit/projects/{id}/history');

    if (hasExport) {
      for (const format of process.env.BENCH_EXPORT_CSV === '1' ? (['ndjson', 'csv'] as const) : (['ndjson'] as const)) {
        log(`(3) GET /v1/audit/export?regionCode=73.07&format=${format} from a fresh API process`);
        const api = await startApi();
        try {
          const baseline = peakRssMiB(api);
          summary[`export_${format}`] = { ...(await exportOverHttp(token, format)), apiPeakRssMiB: peakRssMiB(api), apiRssAtStartMiB: baseline };
        } catch (error) {
          notes.push(`export (${format}) failed: ${(error as Error).message.slice(0, 300)}`);
        } finally {
          await stopProcess(api);
        }
        log(`    ${JSON.stringify(summary[`export_${format}`])}`);
      }
    } else notes.push('export phase skipped: the build has no GET /v1/audit/export');

    log('(4) whole-log verification (every chain recomputed), then a signed checkpoint and the log checked against it');
    const pool = new Pool({ connectionString: db.url, max: 2 });
    try {
      const rssBefore = process.memoryUsage().rss;
      const report = await verifyEventLog(pool, { kind: 'log' }, { onProgress: (p) => void (p.scannedEvents % 1_000_000 < 5000 && log(`    … ${p.scannedEvents}`)) });
      summary.verifyLog = {
        ok: report.ok,
        events: report.scannedEvents,
        streams: report.checkedStreams,
        seconds: round(report.durationMs / 1000),
        eventsPerSecond: round(report.scannedEvents / (report.durationMs / 1000), 0),
        benchProcessRssGrowthMiB: round((process.memoryUsage().rss - rssBefore) / 1024 / 1024),
      };
      log(`    ${JSON.stringify(summary.verifyLog)}`);
      const signer = loadCheckpointSigner(generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString())!;
      const t0 = Date.now();
      const outcome = await new WriteCheckpointHandler(pool, signer).execute({ force: true });
      if (!outcome.written) throw new Error('no checkpoint written');
      summary.checkpointWrite = { seconds: round((Date.now() - t0) / 1000), streams: outcome.checkpoint.streamCount, events: outcome.checkpoint.eventCount };
      log(`    ${JSON.stringify(summary.checkpointWrite)}`);
      const offline = await checkCheckpointOffline({ document: toCheckpointDocument(outcome.checkpoint), databaseUrl: db.url });
      summary.checkAgainstCheckpoint = {
        ok: offline.ok,
        seconds: round((offline.log?.durationMs ?? 0) / 1000),
        eventsPerSecond: round((offline.log?.scannedEvents ?? 0) / ((offline.log?.durationMs ?? 1) / 1000), 0),
      };
      log(`    ${JSON.stringify(summary.checkAgainstCheckpoint)}`);
      log('(5) appends at this size: one-event new streams through the event store, 8 writers');
      summary.append = await appendsAtSize(pool, db.url);
      log(`    ${JSON.stringify(summary.append)}`);
      if (process.env.BENCH_REBUILD !== '0') {
        log('(6) the coverage projection rebuilt from position 0 into shadow tables and compared');
        const report = await rebuildProjectionByName(pool, new EventStore(pool), 'coverage', false, (line) => log(line));
        summary.rebuildCoverage = { events: report.eventsReplayed, seconds: round(report.replaySeconds), eventsPerSecond: report.eventsPerSecond };
        log(`    ${JSON.stringify(summary.rebuildCoverage)}`);
      }
    } finally {
      await pool.end();
    }
  } finally {
    await dropRedisPrefix(redisUrl, prefix).catch(() => 0);
    await db.drop();
  }
  summary.goals = {
    historyP99Under15ms: (summary.historyHttp as { p99?: number } | undefined)?.p99 !== undefined ? (summary.historyHttp as { p99: number }).p99 < 15 : null,
    export50kPerSecond: (summary.export_ndjson as { eventsPerSecond?: number } | undefined)?.eventsPerSecond !== undefined ? (summary.export_ndjson as { eventsPerSecond: number }).eventsPerSecond >= 50_000 : null,
    exportRssUnder200MiB: (summary.export_ndjson as { apiPeakRssMiB?: number } | undefined)?.apiPeakRssMiB !== undefined ? (summary.export_ndjson as { apiPeakRssMiB: number }).apiPeakRssMiB < 200 : null,
  };
  summary.notes = notes;
  console.log(JSON.stringify(summary, null, 2));
}

/** Appends of one event to a new stream each, through the event store, by 8 writers for BENCH_SECONDS. */
async function appendsAtSize(_pool: Pool, url: string): Promise<{ appendsPerSecond: number; p50: number; p99: number }> {
  const writers = new Pool({ connectionString: url, max: 8 });
  const store = new EventStore(writers);
  const latencies: number[] = [];
  const until = Date.now() + SECONDS * 1000;
  const metadata = { actor: { kind: 'system' as const, id: 'bench-cost' }, correlationId: 'bench-cost', regionCode: '73.07.01' };
  try {
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (Date.now() < until) {
          const started = performance.now();
          await store.appendMany([{ streamId: `bench-append-${randomUUID()}`, expected: NO_STREAM, events: [{ type: 'BenchAppended', data: { at: Date.now() }, metadata }] }]);
          latencies.push(performance.now() - started);
        }
      }),
    );
  } finally {
    await writers.end();
  }
  const { p50, p99 } = percentiles(latencies);
  return { appendsPerSecond: round(latencies.length / SECONDS, 0), p50, p99 };
}

async function withClient<T>(url: string, run: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await run(c);
  } finally {
    await c.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
