/**
 * npm run bench:console — the officials' console over 100,000 projects (issue "Officials' console", item 7): every
 * page's server-side time (p50/p95/p99) and first-load weight. Numbers for the closing note; nothing asserted.
 * Table on stdout, progress on stderr.
 *
 * Seeding (this process, a fresh database): BENCH_PROJECTS (100,000) projects, 80 % in Sinjai's nine districts
 * (73.07.01–09), 20 % in other South Sulawesi regencies. Events go through the event store's own append
 * (EventStore.appendMany: the API's SQL, valid hash chains), many projects per transaction, with the clock set
 * back so the log spans two years. Each project: its procurement stream (registration, roster, work started, some
 * payment requests), its compliance stream (verification requested, what BPJS answered, the verdict), and for
 * every project that was ever non-compliant a case stream (opened with the region's ladder, the levels its age
 * reached, some acknowledged, some resolved). The projections then catch up with the application's own code: the
 * coverage projection rebuilt from position 0 (`projections:rebuild coverage`) and `escalation_cases` folded from
 * the case streams by the relay's refreshCaseReadModel; one delivered notification per recipient position and
 * level reached is written in SQL (the notification planner's rows, without sending anything).
 *
 * Measured against the real API (dist/src/main.js, production mode) over HTTP on loopback, one
 * request at a time, with bearer tokens: a Kepala Dinas of 73.07 for the coverage, inbox, case and project pages, an
 * auditor for the audit page, an admin for the admin page. Server-side time is each page's Server-Timing header
 * (`app;dur`: Fastify's elapsed time from the request's arrival to the rendered page); time to last byte at the
 * client, an upper bound, is printed beside it. The raw ceiling in the same run: the stylesheet route (its own
 * Server-Timing), /health/live and /health/ready (one PostgreSQL and one Redis round trip; time to last byte).
 * First load: the HTML plus every stylesheet, script and image it references, as served (the API does not
 * compress; the gzip size is shown for what a compressing proxy would send).
 *
 * Env: BENCH_PROJECTS, BENCH_SAMPLES (200 per page), BENCH_PAGE_SECONDS (30: a page stops sampling after this),
 * BENCH_PORT (3340), BENCH_KEEP_DB=1 (keep the seeded database, named by its size, and reuse it next run).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { mintLocalToken, type Position } from '@sinergi/auth';
import { runMigrations } from '@sinergi/database';
import { addCalendarDays, computeJakonPremium } from '@sinergi/domain';
import { EventStore, NO_STREAM, type NewEvent, rebuildProjection, type StreamAppend } from '@sinergi/event-store';
import { Pool } from 'pg';
import type { EscalationCaseEvent } from '../src/modules/escalation/case-decider/escalation-case.events';
import { DEFAULT_SINJAI_LADDER, type EscalationLadder } from '../src/modules/escalation/ladder/escalation-ladder';
import { refreshCaseReadModel } from '../src/modules/escalation/runtime/case-read-model';
import type { ConstructionProjectEvent, PremiumFigures } from '../src/modules/project-intake/construction-project.events';
import { coverageProjection } from '../src/modules/regional-coverage/projection/coverage.projection';
import type { ComplianceEvent } from '../src/modules/verification/compliance/compliance.events';
import { benchDatabase, dropRedisPrefix, percentiles, prng, round, startProcess, stopProcess } from './bench-support';

const PROJECTS = Number(process.env.BENCH_PROJECTS ?? 100_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const PAGE_SECONDS = Number(process.env.BENCH_PAGE_SECONDS ?? 30);
const PORT = Number(process.env.BENCH_PORT ?? 3340);
const KEEP = process.env.BENCH_KEEP_DB === '1';
const BASE = `http://127.0.0.1:${PORT}`;
const JWT_SECRET = 'console-bench-jwt-secret-0123456789abcdef';
/** Projects per append transaction (as a batch ingest writes many projects at once). */
const WINDOW = 250;
const DAY = 86_400_000;
/** "Now" for the seeded history: the log ends a few days before the run. */
const NOW = Date.now();
const SPAN_DAYS = 700;

const log = (line: string) => console.error(`# ${line}`);

const AGENCIES = [
  { code: '1.03.0.00.0.00.01.0000', name: 'Dinas Pekerjaan Umum dan Penataan Ruang' },
  { code: '1.04.0.00.0.00.01.0000', name: 'Dinas Perumahan dan Kawasan Permukiman' },
  { code: '1.02.0.00.0.00.01.0000', name: 'Dinas Kesehatan' },
  { code: '1.01.0.00.0.00.01.0000', name: 'Dinas Pendidikan dan Kebudayaan' },
  { code: '2.09.0.00.0.00.01.0000', name: 'Dinas Pertanian' },
  { code: '2.15.0.00.0.00.01.0000', name: 'Dinas Perhubungan' },
  { code: '2.13.0.00.0.00.01.0000', name: 'Dinas Pemberdayaan Masyarakat dan Desa' },
  { code: '4.01.0.00.0.00.01.0000', name: 'Sekretariat Daerah' },
];
const ELSEWHERE = ['73.08', '73.01', '73.02', '73.71', '73.13'];

type Rng = ReturnType<typeof prng>;

const iso = (ms: number) => new Date(ms).toISOString();
const day = (ms: number) => iso(ms).slice(0, 10);
const pad2 = (n: number) => String(n).padStart(2, '0');

function ladderFor(regionCode: string): EscalationLadder {
  return { ...DEFAULT_SINJAI_LADDER, regionCode: regionCode.slice(0, 5), levels: DEFAULT_SINJAI_LADDER.levels.map((l) => ({ ...l, recipients: [...l.recipients] })) };
}

type Outcome = 'compliant' | 'missing' | 'shortfall' | 'pending' | 'resolved';

interface SeedProject {
  id: string;
  regionCode: string;
  /** When the contract was registered (epoch ms). */
  at: number;
  project: ConstructionProjectEvent[];
  compliance: ComplianceEvent[];
  caseId: string | null;
  caseEvents: EscalationCaseEvent[];
}

/** One project's three streams, in the shapes the deciders write (typed by the streams' own event unions). */
function makeProject(rng: Rng, index: number): SeedProject {
  const id = randomUUID();
  const regionCode = rng.next() < 0.8 ? `73.07.${pad2(rng.int(1, 9))}` : `${rng.pick(ELSEWHERE)}.${pad2(rng.int(1, 12))}`;
  const agency = AGENCIES[Math.min(AGENCIES.length - 1, Math.floor(rng.next() ** 1.6 * AGENCIES.length))];
  const at = NOW - 3 * DAY - Math.floor(rng.next() * SPAN_DAYS) * DAY;
  const contractDate = day(at - 7 * DAY);
  const value = BigInt(rng.int(50, 5_000)) * 1_000_000n;
  const p = computeJakonPremium({ contractValue: value, valueIncludesVat: true, contractDate });
  const premium: PremiumFigures = { base: p.base, vatRatePercent: p.vatRatePercent, jkk: p.jkk.toString(), jkm: p.jkm.toString(), total: p.total.toString() };
  const deadline = addCalendarDays(contractDate, 14);
  const workers = rng.int(3, 8);
  const project: ConstructionProjectEvent[] = [
    {
      type: 'ProjectRegistered',
      data: {
        projectId: id, projectRef: `SPSE-${7307000 + index}`, name: `Pembangunan Jalan Desa Paket ${index}`, agency, regionCode, workType: 'KONSTRUKSI',
        fundingSource: rng.pick(['APBD', 'APBD', 'APBD', 'DAK', 'APBN', 'DANA_DESA'] as const), fiscalYear: Number(contractDate.slice(0, 4)),
        contractNumber: `027/SPK/${agency.code.slice(0, 4)}/${index}`, contractDate, contractValue: value.toString(), valueIncludesVat: true,
        startDate: day(at), endDate: day(at + 180 * DAY), maintenanceEndDate: day(at + 360 * DAY),
        contractor: { npwp: `0${String(10_000_000_000_000 + index).slice(0, 15)}`, nib: null, name: `CV Karya Mandiri ${index % 997}`, email: null, phone: null },
        ppk: { ref: `ppk-${index % 400}` }, estimatedWorkers: workers * 5, premium, registrationDeadline: deadline, occurredAt: iso(at),
      },
    },
    {
      type: 'WorkersReported',
      data: { asOf: day(at + 10 * DAY), workers: Array.from({ length: workers }, (_, k) => ({ personRef: `wrk-${index}-${k}`, role: k === 0 ? 'MANDOR' : 'TUKANG', startDate: null, endDate: null })), workerCount: workers, occurredAt: iso(at + 10 * DAY) },
    },
  ];
  if (rng.next() < 0.7) project.push({ type: 'WorkStarted', data: { startedAt: day(at + 7 * DAY), occurredAt: iso(at + 7 * DAY) } });
  const roll = rng.next();
  const outcome: Outcome = roll < 0.5 ? 'compliant' : roll < 0.8 ? 'missing' : roll < 0.85 ? 'shortfall' : roll < 0.9 ? 'pending' : 'resolved';
  const checkedAt = iso(at + 15 * DAY);
  const enrolment = (paid: bigint) => ({
    source: 'bpjs_api' as const, projectNumber: `73072${String(index).padStart(8, '0')}`, npp: String(10_000_000 + (index % 9_000_000)), status: 'ACTIVE' as const,
    coveredFrom: day(at), coveredTo: day(at + 360 * DAY), premiumAssessed: p.total.toString(), premiumPaid: paid.toString(), workersRegistered: workers,
  });
  const compliance: ComplianceEvent[] = [{ type: 'VerificationRequested', data: { projectId: id, reason: 'periodic', requestedBy: 'system', requestedAt: iso(at + 14 * DAY) } }];
  const status = (from: 'PENDING' | 'NON_COMPLIANT', to: 'COMPLIANT' | 'NON_COMPLIANT', reasons: ('ENROLMENT_MISSING' | 'PREMIUM_SHORTFALL')[], when: string): ComplianceEvent => ({
    type: 'ComplianceStatusChanged', data: { projectId: id, from, to, reasons, changedAt: when },
  });
  if (outcome === 'compliant') compliance.push({ type: 'EnrolmentConfirmed', data: { projectId: id, enrolment: enrolment(p.total), checkedAt } }, status('PENDING', 'COMPLIANT', [], checkedAt));
  if (outcome === 'missing' || outcome === 'resolved') {
    compliance.push({ type: 'EnrolmentMissing', data: { projectId: id, registrationDeadline: deadline, checkedOn: checkedAt.slice(0, 10), checkedAt } }, status('PENDING', 'NON_COMPLIANT', ['ENROLMENT_MISSING'], checkedAt));
  }
  if (outcome === 'shortfall') {
    const paid = p.total / 2n;
    compliance.push(
      { type: 'EnrolmentConfirmed', data: { projectId: id, enrolment: enrolment(paid), checkedAt } },
      { type: 'PremiumShortfall', data: { projectId: id, premiumDue: p.total.toString(), premiumPaid: paid.toString(), shortfall: (p.total - paid).toString(), checkedAt } },
      status('PENDING', 'NON_COMPLIANT', ['PREMIUM_SHORTFALL'], checkedAt),
    );
  }
  let caseId: string | null = null;
  const caseEvents: EscalationCaseEvent[] = [];
  if (outcome === 'missing' || outcome === 'shortfall' || outcome === 'resolved') {
    caseId = randomUUID();
    const ladder = ladderFor(regionCode);
    const openedMs = at + 15 * DAY;
    const reasons = outcome === 'shortfall' ? ['PREMIUM_SHORTFALL' as const] : ['ENROLMENT_MISSING' as const];
    caseEvents.push({ type: 'CaseOpened', data: { caseId, projectId: id, regionCode, agencyCode: agency.code, reasons, openedAt: iso(openedMs), ladder } });
    // Levels reached by its age (3, 7 and 14 days between them), fewer when it was resolved quickly.
    const ageDays = (NOW - openedMs) / DAY;
    const top = outcome === 'resolved' ? rng.int(0, 1) : ageDays > 24 ? 3 : ageDays > 10 ? 2 : ageDays > 3 ? 1 : 0;
    let reachedMs = openedMs;
    for (let level = 0; level <= top; level += 1) {
      if (level > 0) reachedMs += [0, 3, 7, 14][level] * DAY;
      const wait = ladder.levels[level].waitBeforeNext;
      const next = wait === null ? null : iso(reachedMs + Number(/P(\d+)D/.exec(wait)![1]) * DAY);
      caseEvents.push({ type: 'EscalationLevelReached', data: { caseId, level, recipients: ladder.levels[level].recipients, reachedAt: iso(reachedMs), nextEscalationAt: next } });
      if (rng.next() < 0.3) {
        caseEvents.push({ type: 'CaseAcknowledged', data: { caseId, level, by: { sub: `official-${rng.int(1, 40)}`, position: 'KEPALA_DINAS' }, note: 'Sudah dihubungi, kontraktor menyanggupi.', acknowledgedAt: iso(reachedMs + DAY) } });
      }
    }
    if (outcome === 'resolved') {
      const fixedAt = iso(reachedMs + 2 * DAY);
      compliance.push({ type: 'EnrolmentConfirmed', data: { projectId: id, enrolment: enrolment(p.total), checkedAt: fixedAt } }, status('NON_COMPLIANT', 'COMPLIANT', [], fixedAt));
      caseEvents.push({ type: 'CaseResolved', data: { caseId, resolvedAt: fixedAt, reason: 'COMPLIANT' } });
    }
  }
  if (rng.next() < 0.3) project.push({ type: 'PaymentRequested', data: { terminNumber: 1, amount: (value / 3n).toString(), requestedAt: iso(at + 40 * DAY), occurredAt: iso(at + 40 * DAY) } });
  return { id, regionCode, at, project, compliance, caseId, caseEvents };
}

const actorOf = (stream: 'project' | 'compliance' | 'case') =>
  stream === 'project' ? { kind: 'client' as const, id: 'spse-7307' } : { kind: 'system' as const, id: stream === 'compliance' ? 'verification' : 'escalation-relay' };

function appendsOf(p: SeedProject, index: number): StreamAppend[] {
  const streams: { id: string; kind: 'project' | 'compliance' | 'case'; events: { type: string; data: object }[] }[] = [
    { id: `project-${p.id}`, kind: 'project', events: p.project },
    { id: `compliance-${p.id}`, kind: 'compliance', events: p.compliance },
  ];
  if (p.caseId) streams.push({ id: `case-${p.caseId}`, kind: 'case', events: p.caseEvents });
  return streams.map((s) => ({
    streamId: s.id,
    expected: NO_STREAM,
    events: s.events.map(
      (e, k): NewEvent => ({
        type: e.type,
        data: e.data,
        metadata: {
          actor: actorOf(s.kind),
          correlationId: `seed-${index}-${s.kind}-${k}`,
          causationId: null,
          ...(s.kind === 'project' ? { sourceEventId: `spse-${index}-${k}` } : {}),
          regionCode: p.regionCode,
          projectId: p.id,
        },
      }),
    ),
  }));
}

async function seed(url: string): Promise<{ seconds: number; events: number; cases: number }> {
  const started = performance.now();
  const pool = new Pool({ connectionString: url, max: 6 });
  try {
    const have = Number((await pool.query(`SELECT count(*) AS n FROM coverage_projects`)).rows[0].n);
    if (have === PROJECTS) {
      log(`reusing the seeded database: ${have} projects`);
      await pool.query('ANALYZE'); // indexes a migration added since it was seeded
      const n = await pool.query(`SELECT (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM escalation_cases)::int AS cases`);
      return { seconds: 0, events: n.rows[0].events, cases: n.rows[0].cases };
    }
    if (have > 0) throw new Error(`the database holds ${have} projects, not ${PROJECTS}: drop it`);
    const rng = prng(7307);
    // The clock each append records: windows in the order of their projects' registration, so the log spans two years.
    let clockMs = NOW - SPAN_DAYS * DAY;
    const store = new EventStore(pool, { clock: { now: () => new Date(clockMs) } });
    const projects = Array.from({ length: PROJECTS }, (_, i) => makeProject(rng, i)).sort((a, b) => a.at - b.at);
    let events = 0;
    const caseIds: string[] = [];
    let lastLog = performance.now();
    // Two appends in flight: the next window's rows are hashed while PostgreSQL writes the last one's.
    let inFlight: Promise<number> = Promise.resolve(0);
    for (let w = 0; w < projects.length; w += WINDOW) {
      const window = projects.slice(w, w + WINDOW);
      clockMs = Math.min(NOW - 60_000, window[window.length - 1].at + 16 * DAY);
      const appending = store.appendMany(window.flatMap((p, k) => appendsOf(p, w + k))).then((a) => a.length);
      events += await inFlight;
      inFlight = appending;
      for (const p of window) if (p.caseId) caseIds.push(p.caseId);
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now();
        log(`  ${w + window.length} projects, ${events} events appended (${round(events / ((performance.now() - started) / 1000), 0)} events/s)`);
      }
    }
    events += await inFlight;
    log(`  ${events} events appended in ${round((performance.now() - started) / 1000)} s; the coverage projection catches up (rebuild from 0)`);
    const rebuild = await rebuildProjection(pool, store, coverageProjection, { swap: true });
    log(`  coverage: ${rebuild.eventsReplayed} events in ${round(rebuild.totalSeconds)} s; escalation_cases from the case streams`);
    for (let i = 0; i < caseIds.length; i += 2000) {
      const tx = await pool.connect();
      try {
        await tx.query('BEGIN');
        await refreshCaseReadModel(store, tx, caseIds.slice(i, i + 2000));
        await tx.query('COMMIT');
      } catch (error) {
        await tx.query('ROLLBACK');
        throw error;
      } finally {
        tx.release();
      }
    }
    // What the notification planner and sender leave behind: one e-mail per recipient position and level, delivered.
    await pool.query(`
      INSERT INTO notifications (id, kind, channel, project_id, case_id, level, region_code, agency_code, recipient_kind, recipient_id, position,
                                 cause_event_id, cause_position, status, attempts, created_at, delivered_at)
      SELECT gen_random_uuid(), 'CASE_ESCALATED', 'EMAIL', c.project_id, c.case_id, (e.data->>'level')::int, c.region_code, c.agency_code,
             CASE r.position WHEN 'CONTRACTOR' THEN 'CONTRACTOR' WHEN 'PPK' THEN 'PPK' ELSE 'OFFICIAL' END,
             CASE r.position WHEN 'CONTRACTOR' THEN 'contractor' WHEN 'PPK' THEN 'ppk' ELSE 'official-' || r.position END,
             r.position, e.event_id, e.global_position, 'DELIVERED', 1, e.recorded_at, e.recorded_at + interval '1 minute'
        FROM events e
        JOIN escalation_cases c ON e.stream_id = 'case-' || c.case_id::text
        CROSS JOIN LATERAL jsonb_array_elements_text(e.data->'recipients') AS r(position)
       WHERE e.type = 'EscalationLevelReached'`);
    await pool.query('VACUUM ANALYZE');
    return { seconds: round((performance.now() - started) / 1000), events, cases: caseIds.length };
  } finally {
    await pool.end();
  }
}

interface Sample {
  server: number | null;
  ttlb: number;
}

/** One GET; `server` is the page's own Server-Timing (app;dur), the time from the request's arrival to the rendered page. */
async function timedGet(path: string, token: string | null): Promise<{ status: number; body: Buffer; sample: Sample }> {
  const t0 = performance.now();
  const res = await fetch(`${BASE}${path}`, { headers: { accept: 'text/html', ...(token ? { authorization: `Bearer ${token}` } : {}) }, redirect: 'manual' });
  const body = Buffer.from(await res.arrayBuffer());
  const ttlb = performance.now() - t0;
  const dur = /app;dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '')?.[1];
  return { status: res.status, body, sample: { server: dur === undefined ? null : Number(dur), ttlb } };
}

interface PageCase {
  name: string;
  paths: string[];
  token: string | null;
}

async function measure(c: PageCase) {
  for (let i = 0; i < Math.min(10, SAMPLES); i += 1) await timedGet(c.paths[i % c.paths.length], c.token);
  const samples: Sample[] = [];
  const statuses = new Map<number, number>();
  const until = performance.now() + PAGE_SECONDS * 1000;
  for (let i = 0; i < SAMPLES && performance.now() < until; i += 1) {
    const r = await timedGet(c.paths[i % c.paths.length], c.token);
    statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    samples.push(r.sample);
  }
  const server = samples.map((s) => s.server).filter((s): s is number => s !== null);
  const ttlb = percentiles(samples.map((s) => s.ttlb));
  // An answer without Server-Timing (a build before it): time to last byte stands in, and the table says so.
  const timed = server.length === samples.length;
  return { n: samples.length, server: timed ? percentiles(server) : ttlb, timedByServer: timed, ttlb, statuses: Object.fromEntries(statuses) };
}

/** The HTML and everything it references (stylesheets, scripts, images), fetched once each, as a first visit would. */
async function firstLoad(path: string, token: string | null) {
  const page = await timedGet(path, token);
  const html = page.body.toString('utf8');
  const refs = new Set<string>();
  for (const m of html.matchAll(/<(?:link[^>]*\brel="(?:stylesheet|icon|preload|modulepreload)"[^>]*\bhref|script[^>]*\bsrc|img[^>]*\bsrc)="([^"]+)"/g)) {
    if (!m[1].startsWith('data:')) refs.add(m[1]);
  }
  let bytes = page.body.length;
  let gzip = gzipSync(page.body).length;
  const served = await fetch(`${BASE}${path}`, { headers: { 'accept-encoding': 'gzip, br', accept: 'text/html', ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  const encoding = served.headers.get('content-encoding');
  await served.arrayBuffer();
  // Stylesheets may reference fonts and images in turn (url(…)): those count too.
  const fetched = new Set<string>();
  for (const ref of refs) {
    if (fetched.has(ref)) continue;
    fetched.add(ref);
    const res = await fetch(new URL(ref, BASE));
    const body = Buffer.from(await res.arrayBuffer());
    bytes += body.length;
    gzip += gzipSync(body).length;
    if ((res.headers.get('content-type') ?? '').startsWith('text/css')) {
      for (const m of body.toString('utf8').matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)) if (!m[1].startsWith('data:')) refs.add(new URL(m[1], new URL(ref, BASE)).pathname);
    }
  }
  return { status: page.status, htmlBytes: page.body.length, resources: fetched.size, kib: round(bytes / 1024), gzipKib: round(gzip / 1024), servedEncoding: encoding ?? 'none' };
}

/** Follows the inbox's rel="next" link `pages` times: the URL of a deep page. */
async function deepInboxPath(token: string, pages: number): Promise<string> {
  let path = '/console/cases';
  for (let i = 0; i < pages; i += 1) {
    const html = (await timedGet(path, token)).body.toString('utf8');
    const next = /<a rel="next" href="([^"]+)"/.exec(html)?.[1];
    if (!next) break;
    path = next.replace(/&amp;/g, '&');
  }
  return path;
}

async function main(): Promise<void> {
  log(`bench:console — ${PROJECTS} projects, ${SAMPLES} samples per page (at most ${PAGE_SECONDS} s each)`);
  const db = await benchDatabase('console', KEEP ? { keepAs: `sinergi_bench_console_${PROJECTS}` } : {});
  const redisUrl = db.services[1].url;
  const prefix = `benchconsole${process.pid}`;
  let api: Awaited<ReturnType<typeof startProcess>> | null = null;
  try {
    await runMigrations(db.url);
    const seeded = await seed(db.url);
    const pool = new Pool({ connectionString: db.url, max: 2 });
    const sample = await pool.query<{ case_id: string; project_id: string; agency_code: string }>(
      `SELECT case_id, project_id, agency_code FROM escalation_cases WHERE region_code LIKE '73.07.%' AND status = 'OPEN' ORDER BY md5(case_id::text) LIMIT 50`,
    );
    const counts = (await pool.query(`SELECT (SELECT count(*) FROM coverage_projects WHERE region_code LIKE '73.07.%')::int AS sinjai,
      (SELECT count(*) FROM escalation_cases WHERE status = 'OPEN' AND region_code LIKE '73.07.%')::int AS open_sinjai,
      (SELECT count(*) FROM notifications)::int AS notifications, pg_size_pretty(pg_database_size(current_database())) AS size`)).rows[0];
    await pool.end();
    log(`seeded: ${JSON.stringify({ ...seeded, ...counts })}`);

    const official = await mintLocalToken(JWT_SECRET, { sub: 'bench-kadis', name: 'Kepala Dinas (bench)', roles: ['official'], regions: ['73.07'], position: 'KEPALA_DINAS' as Position });
    const auditor = await mintLocalToken(JWT_SECRET, { sub: 'bench-auditor', roles: ['auditor'], regions: ['73.07'] });
    const admin = await mintLocalToken(JWT_SECRET, { sub: 'bench-admin', roles: ['admin'], regions: ['73.07'] });
    api = await startProcess(
      join(__dirname, '..', 'src', 'main.js'),
      {
        SINERGI_MODE: 'production',
        PUBLIC_BASE_URL: BASE,
        BPJS_API_URL: 'http://127.0.0.1:3999',
        DATABASE_URL: db.url,
        REDIS_URL: redisUrl,
        PORT: String(PORT),
        HOST: '127.0.0.1',
        SECRETS_KEY: 'd'.repeat(64),
        JWT_SECRET,
        LOG_LEVEL: 'warn',
        RATE_LIMIT_PER_MINUTE: '10000000',
        QUEUE_PREFIX: prefix,
      },
      `${BASE}/health/ready`,
    );

    const home = (await timedGet('/console', official)).body.toString('utf8');
    const stylesheet = /<link rel="stylesheet" href="([^"]+)"/.exec(home)?.[1];
    if (!stylesheet) throw new Error(`/console did not answer a page: ${home.slice(0, 300)}`);
    const caseIds = sample.rows.map((r) => r.case_id);
    const projectIds = sample.rows.map((r) => r.project_id);
    const agency = sample.rows[0]?.agency_code ?? '1.03.0.00.0.00.01.0000';
    const deep = await deepInboxPath(official, 40);
    const pages: PageCase[] = [
      { name: 'coverage /console (73.07)', paths: ['/console'], token: official },
      { name: 'coverage /console/regions/73.07', paths: ['/console/regions/73.07'], token: official },
      { name: 'coverage district 73.07.05', paths: ['/console/regions/73.07.05'], token: official },
      { name: 'inbox /console/cases', paths: ['/console/cases'], token: official },
      { name: 'inbox, filters level+district', paths: ['/console/cases?status=OPEN&level=3&regionCode=73.07.03&agency='], token: official },
      { name: 'inbox, filter agency', paths: [`/console/cases?agency=${encodeURIComponent(agency)}`], token: official },
      { name: 'inbox, all statuses', paths: ['/console/cases?status=semua'], token: official },
      { name: 'inbox, page 41 (cursor)', paths: [deep], token: official },
      { name: 'case page', paths: caseIds.map((id) => `/console/cases/${id}`), token: official },
      { name: 'project page (official)', paths: projectIds.map((id) => `/console/projects/${id}`), token: official },
      { name: 'project page (auditor)', paths: projectIds.map((id) => `/console/projects/${id}`), token: auditor },
      { name: 'projects behind a figure', paths: ['/console/projects?regionCode=73.07&status=NON_COMPLIANT'], token: official },
      { name: 'audit page', paths: ['/console/audit'], token: auditor },
      { name: 'audit, history search', paths: ['/console/audit?regionCode=73.07.02&type=CaseOpened&from=2026-01-01&to=2026-06-30&projectRef='], token: auditor },
      { name: 'admin page', paths: ['/console/admin'], token: admin },
    ];

    log('raw ceiling: the stylesheet route, /health/live and /health/ready');
    const ceiling = {
      stylesheet: await measure({ name: 'stylesheet', paths: [stylesheet], token: null }),
      live: await measure({ name: 'live', paths: ['/health/live'], token: null }),
      ready: await measure({ name: 'ready', paths: ['/health/ready'], token: null }),
    };
    const results: { name: string; m: Awaited<ReturnType<typeof measure>>; w: Awaited<ReturnType<typeof firstLoad>> }[] = [];
    for (const c of pages) {
      log(`  ${c.name}`);
      const w = await firstLoad(c.paths[0], c.token);
      const m = await measure(c);
      results.push({ name: c.name, m, w });
    }
    // The ceiling again at the end: the machine is shared, its load moves.
    const ceilingAfter = await measure({ name: 'stylesheet', paths: [stylesheet], token: null });

    const ceil = Math.max(ceiling.stylesheet.server.p99, 0.1);
    console.log(`\nbench:console — ${PROJECTS} projects (${counts.sinjai} in Sinjai's districts), ${seeded.events} events, ${seeded.cases} cases (${counts.open_sinjai} open in Sinjai), ${counts.notifications} notifications; database ${counts.size}`);
    console.log(`seeding: event store appends (EventStore.appendMany, valid hash chains) + coverage projection rebuilt from 0 + escalation_cases by refreshCaseReadModel + notifications in SQL: ${seeded.seconds ? `${seeded.seconds} s` : 'reused (BENCH_KEEP_DB=1)'}`);
    console.log(`server-side time: each answer's Server-Timing (app;dur, request arrival to rendered page); one request at a time; ms`);
    console.log(`raw ceiling: stylesheet route server p50 ${ceiling.stylesheet.server.p50} / p99 ${ceiling.stylesheet.server.p99} (again at the end: p99 ${ceilingAfter.server.p99}); /health/live time to last byte p50 ${ceiling.live.ttlb.p50} / p99 ${ceiling.live.ttlb.p99}; /health/ready (a PostgreSQL and a Redis round trip) time to last byte p50 ${ceiling.ready.ttlb.p50} / p99 ${ceiling.ready.ttlb.p99}\n`);
    const header = ['page', 'n', 'p50', 'p95', 'p99', 'p99/ceiling', 'TTLB p99', 'status', 'first load KiB', 'gzip KiB', 'goal'];
    const rows = results.map(({ name, m, w }) => [
      name,
      String(m.n),
      String(m.server.p50),
      String(m.server.p95),
      `${m.server.p99}${m.timedByServer ? '' : ' (TTLB)'}`,
      `${round(m.server.p99 / ceil, 0)}×`,
      String(m.ttlb.p99),
      Object.entries(m.statuses).map(([s, n]) => `${s}×${n}`).join(' '),
      `${w.kib} (${w.resources + 1} files)`,
      String(w.gzipKib),
      m.server.p99 < 150 && w.kib < 300 ? 'met' : 'MISSED',
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
    console.log(line(header));
    console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const r of rows) console.log(line(r));
    console.log(`\nserved encoding: ${[...new Set(results.map((r) => r.w.servedEncoding))].join(', ')} (gzip KiB: what a compressing proxy would send)`);
  } finally {
    if (api) await stopProcess(api);
    await dropRedisPrefix(redisUrl, prefix).catch(() => 0);
    await db.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
