/**
 * npm run bench:projections — the coverage projection (docs/api.md) over a large log:
 * 1. 1,000,000 events (BENCH_EVENTS) for 100,000 projects, ten events each, written straight into the events
 *    table with COPY: the raw ceiling of this machine for writing event rows (rows/s);
 * 2. `projections:rebuild coverage` from position 0: events/s and its ratio to that ceiling (goal ≥ 30,000);
 * 3. region roll-up queries over the resulting cells (100,000 projects): p50/p99;
 * 4. the live projection while ~2,000 events/s (BENCH_INGEST_RATE) are appended through the EventStore for
 *    ~20 s (BENCH_LAG_SECONDS): lag from an event's recording to the commit of the batch that applied it (goal p99 < 1 s).
 * Numbers for the closing note; nothing asserted. Bench and projection share this process (and the machine with
 * PostgreSQL), as a worker would.
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { runMigrations } from '@sinergi/database';
import { computeJakonPremium } from '@sinergi/domain';
import { EventStore, type NewEvent, NO_STREAM, ProjectionRunner, rebuildProjection, type StreamAppend, type StreamHead } from '@sinergi/event-store';
import { Pool, type PoolClient } from 'pg';
import { coverageProjection } from '../src/modules/regional-coverage/projection/coverage.projection';
import { listCoverageProjects, sumCoverage } from '../src/modules/regional-coverage/projection/coverage.queries';
import { benchDatabase, percentiles, prng, round } from './bench-support';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const EVENTS_PER_PROJECT = 10;
const PROJECTS = Math.max(1, Math.floor(EVENTS / EVENTS_PER_PROJECT));
/** Projects whose lives overlap in the log: each project's ten events are spread over WINDOW × 10 events. */
const WINDOW = Math.min(5_000, PROJECTS);
const INGEST_RATE = Number(process.env.BENCH_INGEST_RATE ?? 2_000);
const LAG_SECONDS = Number(process.env.BENCH_LAG_SECONDS ?? 20);
const QUERY_RUNS = Number(process.env.BENCH_QUERY_RUNS ?? 200);

// South Sulawesi: 24 regencies/cities, a handful of districts each, some projects at village level.
const REGENCIES = Array.from({ length: 24 }, (_, i) => `73.${String(i < 21 ? i + 1 : i + 50).padStart(2, '0')}`);
const AGENCIES = Array.from({ length: 12 }, (_, i) => ({ code: `1.${String(i + 1).padStart(2, '0')}.0.00.0.00.01.0000`, name: `Dinas ${i + 1}` }));
const FUNDING = ['APBD', 'APBD', 'APBD', 'DAK', 'APBN', 'DANA_DESA'] as const;

interface BenchProject {
  id: string;
  regionCode: string;
  value: bigint;
  premium: bigint;
  contractDate: string;
}

function makeProject(rng: ReturnType<typeof prng>, index: number): BenchProject {
  // Skewed: a few regencies and the first districts carry most projects, as in life.
  const regency = REGENCIES[Math.min(REGENCIES.length - 1, Math.floor(rng.next() ** 2 * REGENCIES.length))];
  const district = `${regency}.${String(rng.int(1, 11)).padStart(2, '0')}`;
  const regionCode = rng.next() < 0.15 ? `${district}.2${String(rng.int(1, 15)).padStart(3, '0')}` : district;
  const year = 2022 + (index % 4);
  const contractDate = `${year}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
  const value = BigInt(rng.int(50, 5_000)) * 1_000_000n;
  return { id: randomUUID(), regionCode, value, premium: computeJakonPremium({ contractValue: value, valueIncludesVat: true, contractDate }).total, contractDate };
}

const meta = (regionCode: string) => ({ actor: { kind: 'client' as const, id: 'bench' }, correlationId: randomUUID(), regionCode });
const asNew = (e: { type: string; data: Record<string, unknown> }, p: BenchProject): NewEvent => ({ type: e.type, data: e.data, metadata: meta(p.regionCode) });
const premiumFigures = (total: bigint) => ({ base: '0', vatRatePercent: 11, jkk: '0', jkm: '0', total: total.toString() });

/** Round r (0…9) of a project's life: which stream, and the event. */
function lifeEvent(p: BenchProject, round: number, rng: ReturnType<typeof prng>, index: number): { stream: 'project' | 'compliance'; type: string; data: Record<string, unknown> } {
  const at = '2025-06-01T00:00:00.000Z';
  switch (round) {
    case 0: {
      const agency = rng.pick(AGENCIES);
      return {
        stream: 'project',
        type: 'ProjectRegistered',
        data: {
          projectId: p.id, projectRef: `SPSE-${index}`, name: `Pembangunan Jalan Desa Paket ${index}`, agency, regionCode: p.regionCode,
          workType: 'KONSTRUKSI', fundingSource: rng.pick(FUNDING), fiscalYear: Number(p.contractDate.slice(0, 4)), contractNumber: `027/SPK/PUPR/${index}`,
          contractDate: p.contractDate, contractValue: p.value.toString(), valueIncludesVat: true, startDate: p.contractDate, endDate: '2025-12-20',
          maintenanceEndDate: '2026-06-20', contractor: { npwp: '0012345674901000', nib: '1234567890123', name: 'CV Karya Mandiri', email: null, phone: null },
          ppk: { ref: `ppk-${index}` }, estimatedWorkers: rng.int(5, 60), premium: premiumFigures(p.premium), registrationDeadline: '2025-05-12', occurredAt: at,
        },
      };
    }
    case 1: {
      const workerCount = rng.int(5, 60);
      const workers = Array.from({ length: 8 }, (_, k) => ({ personRef: `person-${index}-${k}`, role: 'TUKANG', startDate: null, endDate: null }));
      return { stream: 'project', type: 'WorkersReported', data: { asOf: '2025-05-31', workers, workerCount, occurredAt: at } };
    }
    case 2:
      return rng.next() < 0.6
        ? {
            stream: 'compliance',
            type: 'EnrolmentConfirmed',
            data: {
              projectId: p.id, checkedAt: at,
              enrolment: { source: 'bpjs_api', projectNumber: '7307250000011', npp: '12345678', status: 'ACTIVE', coveredFrom: '2025-01-01', coveredTo: '2026-06-20', premiumAssessed: p.premium.toString(), premiumPaid: (rng.next() < 0.7 ? p.premium : p.premium / 2n).toString(), workersRegistered: null },
            },
          }
        : { stream: 'compliance', type: 'EnrolmentMissing', data: { projectId: p.id, registrationDeadline: '2025-05-12', checkedOn: '2025-06-01', checkedAt: at } };
    case 3:
      return { stream: 'compliance', type: 'ComplianceStatusChanged', data: { projectId: p.id, from: 'PENDING', to: rng.pick(['COMPLIANT', 'NON_COMPLIANT']), reasons: [], changedAt: at } };
    case 4:
      return { stream: 'project', type: 'WorkStarted', data: { startedAt: '2025-05-01', occurredAt: at } };
    case 5:
      return { stream: 'project', type: 'PaymentRequested', data: { terminNumber: 1, amount: '1000000', requestedAt: '2025-06-01', occurredAt: at } };
    case 6: {
      p.value = BigInt(rng.int(50, 5_000)) * 1_000_000n;
      p.premium = computeJakonPremium({ contractValue: p.value, valueIncludesVat: true, contractDate: p.contractDate }).total;
      return { stream: 'project', type: 'ContractAmended', data: { addendumNumber: 'ADD-1', contractValue: p.value.toString(), endDate: null, maintenanceEndDate: null, reason: 'pekerjaan tambah', premium: premiumFigures(p.premium), occurredAt: at } };
    }
    case 7:
      return { stream: 'compliance', type: 'WorkersUncovered', data: { projectId: p.id, rosterAsOf: '2025-05-31', uncoveredCount: rng.int(0, 5), personRefs: [`person-${index}-0`], checkedAt: at } };
    case 8: {
      const to = rng.pick(['COMPLIANT', 'NON_COMPLIANT', 'PENDING']);
      return { stream: 'compliance', type: 'ComplianceStatusChanged', data: { projectId: p.id, from: 'COMPLIANT', to, reasons: to === 'NON_COMPLIANT' ? ['WORKERS_UNCOVERED'] : [], changedAt: at } };
    }
    default:
      return rng.next() < 0.1
        ? { stream: 'project', type: 'ProjectCancelled', data: { reason: 'dibatalkan', occurredAt: at } }
        : { stream: 'project', type: 'ProjectCompleted', data: { completedAt: '2025-12-20', occurredAt: at } };
  }
}

/** COPY … FROM STDIN through pg's submittable interface (no extra dependency): the payload goes as raw CopyData. */
class CopyIn {
  readonly done: Promise<number>;
  private resolve!: (rows: number) => void;
  private reject!: (error: Error) => void;
  private rows = 0;
  callback?: unknown;

  constructor(
    readonly text: string,
    private readonly payload: Buffer,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  submit(connection: { query(text: string): void }): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: { sendCopyFromChunk(b: Buffer): void; endCopyFrom(): void }): void {
    for (let i = 0; i < this.payload.length; i += 1 << 20) connection.sendCopyFromChunk(this.payload.subarray(i, i + (1 << 20)));
    connection.endCopyFrom();
  }

  handleCommandComplete(message: { text: string }): void {
    this.rows = Number(message.text.split(' ').pop());
  }

  handleReadyForQuery(): void {
    this.resolve(this.rows);
  }

  handleError(error: Error): void {
    this.reject(error);
  }

  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

const copyText = (value: string) => value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
const hex64 = (n: number) => n.toString(16).padStart(64, '0');

/** Writes the whole log with COPY, window by window; returns the rows written and the seconds spent in COPY alone. */
async function writeLog(client: PoolClient): Promise<{ rows: number; seconds: number; projects: BenchProject[] }> {
  const rng = prng(7307);
  const projects: BenchProject[] = [];
  const versions = new Map<string, number>();
  let counter = 0;
  let rows = 0;
  let copySeconds = 0;
  const recordedAt = new Date().toISOString();
  for (let start = 0; start < PROJECTS; start += WINDOW) {
    const window = Array.from({ length: Math.min(WINDOW, PROJECTS - start) }, (_, k) => makeProject(rng, start + k));
    projects.push(...window);
    const lines: string[] = [];
    for (let round = 0; round < EVENTS_PER_PROJECT; round++) {
      // Within a round the window's projects come in a shuffled order.
      const order = window.map((_, k) => k).sort(() => rng.next() - 0.5);
      for (const k of order) {
        const p = window[k];
        const e = lifeEvent(p, round, rng, start + k);
        const streamId = `${e.stream}-${p.id}`;
        const version = (versions.get(streamId) ?? 0) + 1;
        versions.set(streamId, version);
        counter += 1;
        const prevHash = version === 1 ? NO_STREAM.hash : hex64(counter - 1);
        lines.push(
          [streamId, String(version), randomUUID(), e.type, '1', copyText(JSON.stringify(e.data)), copyText(JSON.stringify(meta(p.regionCode))), recordedAt, prevHash, hex64(counter)].join('\t'),
        );
      }
    }
    // COPY in slices of ~20,000 rows, each its own transaction, as an importer would.
    for (let i = 0; i < lines.length; i += 20_000) {
      const payload = Buffer.from(`${lines.slice(i, i + 20_000).join('\n')}\n`);
      const copy = new CopyIn('COPY events (stream_id, stream_version, event_id, type, schema_version, data, metadata, recorded_at, prev_hash, hash) FROM STDIN', payload);
      const t = performance.now();
      client.query(copy as never);
      rows += await copy.done;
      copySeconds += (performance.now() - t) / 1000;
    }
    if ((start / WINDOW) % 4 === 0) console.error(`#   ${rows} events written`);
  }
  return { rows, seconds: copySeconds, projects };
}

async function timeQueries(pool: Pool): Promise<Record<string, { p50: number; p99: number }>> {
  const cases: Record<string, () => Promise<unknown>> = {
    'province 73 with its regencies (child sums)': () => sumCoverage(pool, { regionCode: '73' }, 'child'),
    'regency 73.01 with its districts (child sums)': () => sumCoverage(pool, { regionCode: '73.01' }, 'child'),
    'regency 73.01 by month': () => sumCoverage(pool, { regionCode: '73.01' }, 'month'),
    'project list, regency 73.01, first page of 50': () => listCoverageProjects(pool, { regionCode: '73.01' }, { limit: 50 }),
  };
  const result: Record<string, { p50: number; p99: number }> = {};
  for (const [name, run] of Object.entries(cases)) {
    for (let i = 0; i < 5; i++) await run();
    const samples: number[] = [];
    for (let i = 0; i < QUERY_RUNS; i++) {
      const t = performance.now();
      await run();
      samples.push(performance.now() - t);
    }
    result[name] = percentiles(samples);
  }
  return result;
}

/** Appends ~INGEST_RATE events/s for LAG_SECONDS (new projects and verdict flips on existing ones) while the live projection runs. */
async function measureLiveLag(pool: Pool, store: EventStore, projects: BenchProject[]): Promise<{ appended: number; seconds: number; lag: { p50: number; p99: number; max: number } }> {
  const lags: number[] = [];
  const runner = new ProjectionRunner(pool, store, coverageProjection, {
    onError: (error) => console.error(`# projection error: ${(error as Error).message}`),
    onBatch: (events) => {
      const now = Date.now();
      for (const e of events) lags.push(now - e.recordedAt.getTime());
    },
  });
  // Heads of the compliance streams whose verdicts will flip.
  const flipping = projects.slice(0, Math.min(projects.length, 20_000));
  const heads = new Map<string, StreamHead>();
  const { rows } = await pool.query(
    `SELECT DISTINCT ON (stream_id) stream_id, stream_version, hash FROM events WHERE stream_id = ANY($1::text[]) ORDER BY stream_id, stream_version DESC`,
    [flipping.map((p) => `compliance-${p.id}`)],
  );
  for (const r of rows) heads.set(r.stream_id, { version: r.stream_version, hash: r.hash });
  const rng = prng(2025);
  let flip = 0;
  let index = projects.length;
  const tick = 50;
  const perTick = Math.max(1, Math.round((INGEST_RATE * tick) / 1000));
  const transactionsPerTick = Math.max(1, Math.round(perTick / 10));

  /** One ingest transaction of ~10 events: 2 new projects (registration, roster, enrolment) + verdict flips. */
  function transaction(size: number): StreamAppend[] {
    const appends: StreamAppend[] = [];
    let events = 0;
    while (events + 3 <= size && events < 6) {
      const p = makeProject(rng, index);
      const project: NewEvent[] = [0, 1].map((round) => asNew(lifeEvent(p, round, rng, index), p));
      appends.push({ streamId: `project-${p.id}`, expected: NO_STREAM, events: project });
      appends.push({ streamId: `compliance-${p.id}`, expected: NO_STREAM, events: [asNew(lifeEvent(p, 2, rng, index), p)] });
      index += 1;
      events += 3;
    }
    while (events < size) {
      const p = flipping[flip++ % flipping.length];
      const streamId = `compliance-${p.id}`;
      if (appends.some((a) => a.streamId === streamId)) break;
      appends.push({ streamId, expected: heads.get(streamId) ?? NO_STREAM, events: [asNew(lifeEvent(p, 8, rng, 0), p)] });
      events += 1;
    }
    return appends;
  }

  runner.start();
  await new Promise((r) => setTimeout(r, 500));
  lags.length = 0;
  const started = performance.now();
  let appended = 0;
  let due = started;
  while (performance.now() - started < LAG_SECONDS * 1000) {
    const batch = Array.from({ length: transactionsPerTick }, () => transaction(Math.round(perTick / transactionsPerTick)));
    const results = await Promise.all(batch.map((appends) => store.appendMany(appends)));
    for (const appendedEvents of results) {
      appended += appendedEvents.length;
      for (const a of appendedEvents) heads.set(a.streamId, { version: a.streamVersion, hash: a.hash });
    }
    due += tick;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const seconds = (performance.now() - started) / 1000;
  const head = (await pool.query('SELECT global_position::text FROM events ORDER BY transaction_id DESC, global_position DESC LIMIT 1')).rows[0].global_position;
  for (;;) {
    const { rows: cp } = await pool.query(`SELECT global_position::text FROM consumer_checkpoints WHERE consumer = 'projection:coverage'`);
    if (cp[0]?.global_position === head) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await runner.stop();
  const { p50, p99 } = percentiles(lags);
  return { appended, seconds, lag: { p50, p99, max: round(Math.max(...lags), 1) } };
}

async function main(): Promise<void> {
  console.error(`# bench:projections — ${PROJECTS * EVENTS_PER_PROJECT} events for ${PROJECTS} projects; live ingest ${INGEST_RATE} events/s for ${LAG_SECONDS} s`);
  const db = await benchDatabase('projections');
  const pool = new Pool({ connectionString: db.url, max: 12 });
  pool.on('error', () => undefined);
  try {
    await runMigrations(db.url);
    const store = new EventStore(pool);

    console.error('# 1. writing the log with COPY (the raw ceiling)');
    const client = await pool.connect();
    const load: Record<string, number> = {};
    const log = await writeLog(client).finally(() => client.release());
    load.copy = loadavg()[0];
    // Settle the load's debts (hint bits, dirty buffers, WAL) so the rebuild is timed on its own work.
    await pool.query('VACUUM ANALYZE events');
    await pool.query('CHECKPOINT');
    const copyRate = log.rows / log.seconds;

    console.error('# 2. rebuilding the coverage projection from position 0');
    let lastPrint = performance.now();
    const rebuild = await rebuildProjection(pool, store, coverageProjection, {
      swap: true,
      onProgress: ({ events }) => {
        if (performance.now() - lastPrint > 5000) {
          lastPrint = performance.now();
          console.error(`#   ${events} events replayed`);
        }
      },
    });
    load.rebuild = loadavg()[0];
    const cells = rebuild.tables.find((t) => t.table === 'coverage_cells')!.rebuiltRows;
    const projectRows = rebuild.tables.find((t) => t.table === 'coverage_projects')!.rebuiltRows;

    console.error('# 3. region roll-up queries');
    const queries = await timeQueries(pool);

    console.error(`# 4. live projection under ${INGEST_RATE} events/s`);
    const live = await measureLiveLag(pool, store, log.projects);
    load.live = loadavg()[0];

    console.log(`\nlog: ${log.rows} events, ${PROJECTS} projects`);
    console.log(`raw ceiling, COPY into events: ${round(copyRate, 0)} rows/s (${round(log.seconds, 1)} s)`);
    console.log(
      `rebuild (replay from 0 into shadow tables): ${rebuild.eventsReplayed} events in ${round(rebuild.replaySeconds, 1)} s = ${rebuild.eventsPerSecond} events/s   (goal >= 30000)`,
    );
    console.log(`  ratio to the COPY ceiling: ${round(rebuild.eventsPerSecond / copyRate, 2)}; whole rebuild incl. indexes, compare and swap: ${round(rebuild.totalSeconds, 1)} s`);
    console.log(`  rows: ${projectRows} projects, ${cells} cells; differences with live: ${rebuild.differences} (live was empty)`);
    for (const [name, t] of Object.entries(queries)) console.log(`query ${name}: p50 ${t.p50} ms, p99 ${t.p99} ms`);
    console.log(`live: ${live.appended} events appended in ${round(live.seconds, 1)} s (${round(live.appended / live.seconds, 0)} events/s)`);
    console.log(`live lag (recorded -> projection committed): p50 ${live.lag.p50} ms, p99 ${live.lag.p99} ms, max ${live.lag.max} ms   (goal p99 < 1000 ms)`);
    // PostgreSQL, this process and whatever else runs share the machine: the load says how quiet it was.
    console.log(`machine: ${cpus().length} CPUs; 1-min load after COPY ${round(load.copy, 1)}, after rebuild ${round(load.rebuild, 1)}, after live ${round(load.live, 1)}`);
  } finally {
    await pool.end();
    await db.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
