import { randomUUID } from 'node:crypto';
import { computeJakonPremium } from '@sinergi/domain';
import {
  type AppendedEvent,
  EventStore,
  type NewEvent,
  NO_STREAM,
  type Projection,
  ProjectionRunner,
  rebuildProjection,
  type StreamHead,
} from '@sinergi/event-store';
import { createMigratedDatabase, type MigratedTestDatabase, waitFor } from '@sinergi/testing';
import type { ConstructionProjectEvent } from '../../project-intake/construction-project.events';
import type { ComplianceEvent } from '../../verification/compliance/compliance.events';
import { coverageProjection } from './coverage.projection';
import { agencyNames, listCoverageProjects, sumCoverage } from './coverage.queries';

/**
 * A scripted history of 200 projects in three districts of two regencies (plus a village and a regency-level
 * project), with amendments, rosters, cancellations and compliance verdicts that flip, appended straight to the log
 * in many small transactions. The projection's tables are checked against a recomputation from the raw events
 * written plainly below: no deltas, no shared code, the documented rules only.
 */

// ---------- a deterministic script ----------

function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)] };
}

const REGIONS = ['73.07.01', '73.07.01', '73.07.02', '73.07.02', '73.08.01', '73.08.01', '73.07.01.2003', '73.08'] as const;
const AGENCIES = [
  { code: '1.03.0.00.0.00.01.0000', name: 'Dinas Pekerjaan Umum dan Penataan Ruang' },
  { code: '1.01.0.00.0.00.01.0000', name: 'Dinas Pendidikan' },
  { code: '1.02.0.00.0.00.01.0000', name: 'Dinas Kesehatan' },
];
const FUNDING = ['APBD', 'APBD', 'DAK', 'APBN', 'DANA_DESA'] as const;
const NPWPS = ['0012345674901000', '0023456789012000', '0034567890123000'];
const meta = (regionCode: string) => ({ actor: { kind: 'client' as const, id: 'spse-sinjai' }, correlationId: randomUUID(), regionCode });

interface Step {
  streamId: string;
  event: NewEvent;
}

function scriptHistory(projectCount: number, seed: number): Step[][] {
  const rng = prng(seed);
  const scripts: Step[][] = [];
  for (let i = 0; i < projectCount; i++) {
    const projectId = randomUUID();
    const regionCode = rng.pick(REGIONS);
    const agency = rng.pick(AGENCIES);
    const month = rng.int(1, 8); // Nov 2024 … Jun 2025
    const year = month <= 2 ? 2024 : 2025;
    const m = month <= 2 ? 10 + month : month - 2;
    const day = rng.int(1, 28);
    const plainDate = `${year}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    // A few date-times at a month end: in WITA they belong to the next month.
    const contractDate = i % 40 === 7 ? '2025-01-31T16:30:00Z' : i % 40 === 19 ? '2025-03-31T15:59:00Z' : plainDate;
    const premiumDate = contractDate.slice(0, 10);
    let value = BigInt(rng.int(50, 5000)) * 1_000_000n;
    let premium = computeJakonPremium({ contractValue: value, valueIncludesVat: true, contractDate: premiumDate }).total;
    let status = 'PENDING' as 'PENDING' | 'COMPLIANT' | 'NON_COMPLIANT' | 'UNVERIFIABLE';
    const project = (e: ConstructionProjectEvent): Step => ({ streamId: `project-${projectId}`, event: { ...e, metadata: meta(regionCode) } });
    const compliance = (e: ComplianceEvent): Step => ({ streamId: `compliance-${projectId}`, event: { ...e, metadata: meta(regionCode) } });
    const at = '2025-06-01T00:00:00.000Z';
    const changeTo = (to: typeof status, reasons: string[]): Step => {
      const step = compliance({ type: 'ComplianceStatusChanged', data: { projectId, from: status, to, reasons: reasons as never, changedAt: at } });
      status = to;
      return step;
    };

    const steps: Step[] = [
      project({
        type: 'ProjectRegistered',
        data: {
          projectId,
          projectRef: `SPSE-${1000 + i}`,
          name: `Paket ${i}`,
          agency,
          regionCode,
          workType: 'KONSTRUKSI',
          fundingSource: rng.pick(FUNDING),
          fiscalYear: year,
          contractNumber: `027/SPK/${i}`,
          contractDate,
          contractValue: value.toString(),
          valueIncludesVat: true,
          startDate: premiumDate,
          endDate: '2025-12-20',
          maintenanceEndDate: '2026-06-20',
          contractor: { npwp: rng.pick(NPWPS), nib: null, name: 'CV Karya Sinjai Mandiri', email: null, phone: null },
          ppk: { ref: `ppk-${i}` },
          estimatedWorkers: rng.int(5, 60),
          premium: { base: '0', vatRatePercent: 11, jkk: '0', jkm: '0', total: premium.toString() },
          registrationDeadline: '2025-07-01',
          occurredAt: at,
        },
      }),
    ];
    let started = false;
    for (let a = rng.int(1, 9); a > 0; a--) {
      const roll = rng.next();
      if (roll < 0.18) {
        const n = rng.int(0, 60);
        steps.push(project({ type: 'WorkersReported', data: { asOf: '2025-05-31', workers: Array.from({ length: Math.min(n, 3) }, (_, k) => ({ personRef: `w-${i}-${k}`, role: null, startDate: null, endDate: null })), workerCount: n, occurredAt: at } }));
      } else if (roll < 0.28) {
        value = BigInt(rng.int(50, 5000)) * 1_000_000n;
        premium = computeJakonPremium({ contractValue: value, valueIncludesVat: true, contractDate: premiumDate }).total;
        steps.push(project({ type: 'ContractAmended', data: { addendumNumber: `A${a}`, contractValue: value.toString(), endDate: null, maintenanceEndDate: null, reason: 'tambah kurang', premium: { base: '0', vatRatePercent: 11, jkk: '0', jkm: '0', total: premium.toString() }, occurredAt: at } }));
      } else if (roll < 0.33) {
        steps.push(project({ type: 'ContractAmended', data: { addendumNumber: `T${a}`, contractValue: null, endDate: '2026-01-20', maintenanceEndDate: null, reason: 'perpanjangan', premium: null, occurredAt: at } }));
      } else if (roll < 0.38 && !started) {
        started = true;
        steps.push(project({ type: 'WorkStarted', data: { startedAt: '2025-05-01', occurredAt: at } }));
      } else if (roll < 0.43) {
        steps.push(project({ type: 'PaymentRequested', data: { terminNumber: a, amount: '1000000', requestedAt: '2025-06-01', occurredAt: at } }));
      } else if (roll < 0.65) {
        // BPJS knows the project: paid in full or not, some roster people unknown or not.
        const full = rng.next() < 0.6;
        const unknown = rng.next() < 0.3 ? rng.int(1, 12) : 0;
        const paid = full ? premium : premium / 2n;
        steps.push(compliance({ type: 'EnrolmentConfirmed', data: { projectId, enrolment: { source: 'bpjs_api', projectNumber: '7307250000011', npp: '12345678', status: 'ACTIVE', coveredFrom: '2025-01-01', coveredTo: '2026-06-20', premiumAssessed: premium.toString(), premiumPaid: paid.toString(), workersRegistered: null }, checkedAt: at } }));
        const reasons: string[] = [];
        if (!full) {
          reasons.push('PREMIUM_SHORTFALL');
          steps.push(compliance({ type: 'PremiumShortfall', data: { projectId, premiumDue: premium.toString(), premiumPaid: paid.toString(), shortfall: (premium - paid).toString(), checkedAt: at } }));
        }
        if (unknown > 0) {
          reasons.push('WORKERS_UNCOVERED');
          steps.push(compliance({ type: 'WorkersUncovered', data: { projectId, rosterAsOf: '2025-05-31', uncoveredCount: unknown, personRefs: [], checkedAt: at } }));
        }
        steps.push(changeTo(reasons.length ? 'NON_COMPLIANT' : 'COMPLIANT', reasons));
      } else if (roll < 0.75) {
        steps.push(compliance({ type: 'EnrolmentMissing', data: { projectId, registrationDeadline: '2025-05-12', checkedOn: '2025-06-01', checkedAt: at } }));
        steps.push(changeTo('NON_COMPLIANT', ['ENROLMENT_MISSING']));
      } else if (roll < 0.82) {
        steps.push(changeTo('PENDING', []));
      } else if (roll < 0.88) {
        steps.push(compliance({ type: 'VerificationFailed', data: { projectId, reason: 'timeout', attempts: 5, failedAt: at } }));
        if (status === 'PENDING') steps.push(changeTo('UNVERIFIABLE', ['VERIFICATION_FAILED']));
      } else {
        steps.push(compliance({ type: 'VerificationRequested', data: { projectId, reason: 'manual', requestedBy: 'official-1', requestedAt: at } }));
      }
    }
    const end = rng.next();
    if (end < 0.15) steps.push(project({ type: 'ProjectCancelled', data: { reason: 'dibatalkan', occurredAt: at } }));
    else if (end < 0.35) steps.push(project({ type: 'ProjectCompleted', data: { completedAt: '2025-12-20', occurredAt: at } }));
    scripts.push(steps);
  }
  return scripts;
}

/** Interleaves the projects' scripts at random, each project's steps staying in order. */
function interleave(scripts: Step[][], seed: number): Step[] {
  const rng = prng(seed);
  const queues = scripts.map((s) => [...s]);
  const out: Step[] = [];
  let open = queues.filter((q) => q.length > 0);
  while (open.length > 0) {
    const q = rng.pick(open);
    out.push(q.shift()!);
    if (q.length === 0) open = open.filter((x) => x.length > 0);
  }
  return out;
}

// ---------- the plain recomputation ----------

interface RawEvent {
  transaction_id: string;
  global_position: string;
  stream_id: string;
  type: string;
  data: any;
}

interface Expected {
  projectId: string;
  projectRef: string | null;
  regionCode: string | null;
  agencyCode: string | null;
  fundingSource: string | null;
  fiscalYear: number | null;
  contractorNpwp: string | null;
  month: string | null;
  status: string;
  cancelled: boolean;
  registered: boolean;
  reported: number;
  uncovered: number;
  covered: number;
  value: bigint;
  due: bigint;
  paid: bigint;
  lastPosition: string;
}

const ROW_CHANGING = new Set([
  'ProjectRegistered', 'ContractAmended', 'WorkersReported', 'WorkStarted', 'ProjectCompleted', 'ProjectCancelled',
  'EnrolmentConfirmed', 'EnrolmentMissing', 'WorkersUncovered', 'ComplianceStatusChanged',
]);

function monthInWita(date: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(date)) return `${date.slice(0, 7)}-01`;
  const wita = new Date(Date.parse(date) + 8 * 3600 * 1000);
  return `${wita.toISOString().slice(0, 7)}-01`;
}

function recompute(events: RawEvent[]): Map<string, Expected> {
  const projects = new Map<string, Expected>();
  for (const e of events) {
    const match = /^(project|compliance)-(.+)$/.exec(e.stream_id);
    if (!match || !ROW_CHANGING.has(e.type)) continue;
    const id = match[2];
    let p = projects.get(id);
    if (!p) {
      p = { projectId: id, projectRef: null, regionCode: null, agencyCode: null, fundingSource: null, fiscalYear: null, contractorNpwp: null, month: null, status: 'PENDING', cancelled: false, registered: false, reported: 0, uncovered: 0, covered: 0, value: 0n, due: 0n, paid: 0n, lastPosition: '' };
      projects.set(id, p);
    }
    const d = e.data;
    if (e.type === 'ProjectRegistered') {
      p.projectRef = d.projectRef;
      p.regionCode = d.regionCode;
      p.agencyCode = d.agency.code;
      p.fundingSource = d.fundingSource;
      p.fiscalYear = d.fiscalYear;
      p.contractorNpwp = d.contractor.npwp;
      p.month = monthInWita(d.contractDate);
      p.value = BigInt(d.contractValue);
      p.due = BigInt(d.premium.total);
    } else if (e.type === 'ContractAmended') {
      if (d.contractValue !== null) p.value = BigInt(d.contractValue);
      if (d.premium !== null) p.due = BigInt(d.premium.total);
    } else if (e.type === 'WorkersReported') {
      p.reported = d.workerCount;
    } else if (e.type === 'ProjectCancelled') {
      p.cancelled = true;
    } else if (e.type === 'EnrolmentConfirmed') {
      p.registered = true;
      p.paid = BigInt(d.enrolment.premiumPaid);
    } else if (e.type === 'EnrolmentMissing') {
      p.registered = false;
      p.paid = 0n;
    } else if (e.type === 'WorkersUncovered') {
      p.uncovered = d.uncoveredCount;
    } else if (e.type === 'ComplianceStatusChanged') {
      p.status = d.to;
      if (!d.reasons.includes('WORKERS_UNCOVERED')) p.uncovered = 0;
      if (d.to === 'PENDING') {
        p.registered = false;
        p.paid = 0n;
      }
    }
    p.covered = p.registered ? Math.max(0, p.reported - p.uncovered) : 0;
    p.lastPosition = e.global_position;
  }
  return projects;
}

/** Sums of the counted projects (not cancelled, registration read) for which `where` holds, as the API shows them. */
function expectedSums(projects: Iterable<Expected>, where: (p: Expected) => boolean) {
  const s = { total: 0, registered: 0, compliant: 0, nonCompliant: 0, pending: 0, unverifiable: 0, reported: 0, covered: 0, value: 0n, valueCovered: 0n, due: 0n, paid: 0n };
  for (const p of projects) {
    if (p.cancelled || p.regionCode === null || !where(p)) continue;
    s.total += 1;
    if (p.registered) s.registered += 1;
    if (p.status === 'COMPLIANT') s.compliant += 1;
    if (p.status === 'NON_COMPLIANT') s.nonCompliant += 1;
    if (p.status === 'PENDING') s.pending += 1;
    if (p.status === 'UNVERIFIABLE') s.unverifiable += 1;
    s.reported += p.reported;
    s.covered += p.covered;
    s.value += p.value;
    if (p.registered) s.valueCovered += p.value;
    s.due += p.due;
    s.paid += p.paid;
  }
  return s;
}

const asSums = (f: Awaited<ReturnType<typeof sumCoverage>>[number]['figures']) => ({
  ...f.projects,
  reported: f.workers.reported,
  covered: f.workers.covered,
  value: f.contractValue.total,
  valueCovered: f.contractValue.covered,
  due: f.premium.due,
  paid: f.premium.paid,
});

// ---------- the test ----------

describe('coverage projection (PostgreSQL)', () => {
  let db: MigratedTestDatabase;
  let store: EventStore;
  const heads = new Map<string, StreamHead>();
  const runners: ProjectionRunner[] = [];
  /** The run that keeps going from the second test on. */
  let liveRunner: ProjectionRunner;
  const history = interleave(scriptHistory(200, 7307), 2025);
  const phaseA = history.slice(0, Math.floor(history.length * 0.5));
  const phaseB = history.slice(phaseA.length, Math.floor(history.length * 0.8));
  const phaseC = history.slice(phaseA.length + phaseB.length);

  beforeAll(async () => {
    db = await createMigratedDatabase('coverage_projection');
    store = new EventStore(db.pool);
  });
  afterAll(async () => {
    for (const r of runners) await r.stop();
    await db.drop();
  });

  const runner = (projection: Projection = coverageProjection) => {
    const r = new ProjectionRunner(db.pool, store, projection, { batchSize: 40, idleDelayMs: 10, lockRetryMs: 100, onError: () => undefined });
    runners.push(r);
    return r;
  };

  /** Appends steps in many small transactions (1 to 25 events, several streams each), as ingest would. */
  async function append(steps: Step[], seed: number, pauseMs = 0): Promise<void> {
    const rng = prng(seed);
    for (let i = 0; i < steps.length; ) {
      if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
      const group = steps.slice(i, i + rng.int(1, 25));
      i += group.length;
      const byStream = new Map<string, NewEvent[]>();
      for (const s of group) byStream.set(s.streamId, [...(byStream.get(s.streamId) ?? []), s.event]);
      const appended: AppendedEvent[] = await store.appendMany([...byStream].map(([streamId, events]) => ({ streamId, expected: heads.get(streamId) ?? NO_STREAM, events })));
      for (const a of appended) heads.set(a.streamId, { version: a.streamVersion, hash: a.hash });
    }
  }

  async function rawEvents(upTo?: { transactionId: string; globalPosition: string }): Promise<RawEvent[]> {
    const { rows } = await db.pool.query(
      `SELECT transaction_id::text, global_position::text, stream_id, type, data FROM events
        ${upTo ? 'WHERE (transaction_id, global_position) <= ($1::text::xid8, $2::bigint)' : ''}
        ORDER BY transaction_id, global_position`,
      upTo ? [upTo.transactionId, upTo.globalPosition] : [],
    );
    return rows;
  }

  async function checkpoint(): Promise<{ transactionId: string; globalPosition: string } | null> {
    const { rows } = await db.pool.query(`SELECT transaction_id::text, global_position::text FROM consumer_checkpoints WHERE consumer = 'projection:coverage'`);
    return rows[0] ? { transactionId: rows[0].transaction_id, globalPosition: rows[0].global_position } : null;
  }

  async function caughtUp(): Promise<void> {
    const { rows } = await db.pool.query('SELECT global_position::text FROM events ORDER BY transaction_id DESC, global_position DESC LIMIT 1');
    await waitFor(checkpoint, (c) => c?.globalPosition === rows[0].global_position, 30_000);
  }

  /** Every project row and every cell equals the recomputation from the raw events up to `upTo`. */
  async function expectTablesToMatchLog(upTo?: { transactionId: string; globalPosition: string }): Promise<Map<string, Expected>> {
    const expected = recompute(await rawEvents(upTo));
    const { rows: projectRows } = await db.pool.query(
      `SELECT project_id, project_ref, region_code, agency_code, funding_source, fiscal_year, contractor_npwp, contract_month::text,
              status, cancelled, registered, workers_reported, workers_uncovered, workers_covered, contract_value::text,
              premium_due::text, premium_paid::text, last_position::text FROM coverage_projects ORDER BY project_id`,
    );
    const actual = new Map(
      projectRows.map((r) => [
        r.project_id,
        {
          projectId: r.project_id, projectRef: r.project_ref, regionCode: r.region_code, agencyCode: r.agency_code, fundingSource: r.funding_source,
          fiscalYear: r.fiscal_year, contractorNpwp: r.contractor_npwp, month: r.contract_month, status: r.status, cancelled: r.cancelled,
          registered: r.registered, reported: r.workers_reported, uncovered: r.workers_uncovered, covered: r.workers_covered,
          value: BigInt(r.contract_value), due: BigInt(r.premium_due), paid: BigInt(r.premium_paid), lastPosition: r.last_position,
        } satisfies Expected,
      ]),
    );
    expect(actual).toEqual(expected);

    // Cells: one per (region, agency, funding source, month) with projects counted, and nothing else.
    const cells = new Map<string, ReturnType<typeof expectedSums>>();
    for (const p of expected.values()) {
      if (p.cancelled || p.regionCode === null) continue;
      const key = [p.regionCode, p.agencyCode, p.fundingSource, p.month].join('|');
      if (!cells.has(key)) cells.set(key, expectedSums(expected.values(), (q) => [q.regionCode, q.agencyCode, q.fundingSource, q.month].join('|') === key));
    }
    const { rows: cellRows } = await db.pool.query('SELECT *, contract_month::text AS contract_month FROM coverage_cells');
    const actualCells = new Map(
      cellRows.map((c) => [
        [c.region_code, c.agency_code, c.funding_source, c.contract_month].join('|'),
        {
          total: c.projects_total, registered: c.projects_registered, compliant: c.projects_compliant, nonCompliant: c.projects_non_compliant,
          pending: c.projects_pending, unverifiable: c.projects_unverifiable, reported: Number(c.workers_reported), covered: Number(c.workers_covered),
          value: BigInt(c.contract_value_total), valueCovered: BigInt(c.contract_value_covered), due: BigInt(c.premium_due), paid: BigInt(c.premium_paid),
        },
      ]),
    );
    expect(actualCells).toEqual(cells);
    return expected;
  }

  it('keeps every figure of every project and cell equal to a recomputation from the raw events', async () => {
    const live = runner();
    live.start();
    await append(phaseA, 1);
    await caughtUp();
    const expected = await expectTablesToMatchLog();
    expect(expected.size).toBe(new Set(phaseA.map((s) => s.streamId.replace(/^(project|compliance)-/, ''))).size);

    // Region roll-ups: a district's projects count in its regency and the province; children include empty ones.
    const inRegion = (code: string) => (p: Expected) => p.regionCode === code || p.regionCode!.startsWith(`${code}.`);
    for (const code of ['73', '73.07', '73.08', '73.07.01', '73.07.02', '73.08.01']) {
      const [total] = await sumCoverage(db.pool, { regionCode: code });
      expect(asSums(total.figures)).toEqual(expectedSums(expected.values(), inRegion(code)));
    }
    const districts = await sumCoverage(db.pool, { regionCode: '73.07' }, 'child');
    expect(districts.map((g) => g.key)).toEqual(['73.07.01', '73.07.02']);
    expect(asSums(districts[0].figures)).toEqual(expectedSums(expected.values(), inRegion('73.07.01')));
    const regencyLevel = await sumCoverage(db.pool, { regionCode: '73.08' }, 'child');
    expect(regencyLevel.find((g) => g.key === null)?.figures.projects.total).toBe(expectedSums(expected.values(), (p) => p.regionCode === '73.08').total);
    const byMonth = await sumCoverage(db.pool, { regionCode: '73' }, 'month');
    expect(byMonth.find((g) => g.key === '2025-02-01')!.figures.projects.total).toBe(expectedSums(expected.values(), (p) => p.month === '2025-02-01').total);
    const scoped = await sumCoverage(db.pool, { scope: ['73.08'] });
    expect(asSums(scoped[0].figures)).toEqual(expectedSums(expected.values(), inRegion('73.08')));
    const byAgency = await sumCoverage(db.pool, { regionCode: '73.07' }, 'agency');
    const names = await agencyNames(db.pool, { regionCode: '73.07.01' });
    for (const g of byAgency) expect(names.get(g.key!)).toBeDefined();

    // The project list: filters, newest contract first, every row once across pages.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await listCoverageProjects(db.pool, { regionCode: '73.07', fundingSource: 'APBD' }, { limit: 7, cursor });
      seen.push(...page.items.map((p) => p.projectId));
      for (const item of page.items) expect(item).toMatchObject({ fundingSource: 'APBD' });
      cursor = page.nextCursor;
    } while (cursor);
    const listed = [...expected.values()].filter((p) => p.fundingSource === 'APBD' && inRegion('73.07')(p));
    expect(seen.sort()).toEqual(listed.map((p) => p.projectId).sort());
    const compliantNpwp = await listCoverageProjects(db.pool, { status: 'COMPLIANT', contractorNpwp: NPWPS[0], fiscalYear: 2025 }, { limit: 500 });
    expect(compliantNpwp.items.map((p) => p.projectId).sort()).toEqual(
      [...expected.values()].filter((p) => p.status === 'COMPLIANT' && p.contractorNpwp === NPWPS[0] && p.fiscalYear === 2025).map((p) => p.projectId).sort(),
    );
    await live.stop();
  });

  it('counts nothing twice and misses nothing when killed mid-batch and restarted', async () => {
    let batches = 0;
    let killed = false;
    // Applies the batch in full, then the connection dies before the checkpoint commits: a crash mid-batch.
    const crashing: Projection = {
      ...coverageProjection,
      apply: async (events, tx, table) => {
        await coverageProjection.apply(events, tx, table);
        if (++batches === 3 && !killed) {
          killed = true;
          await tx.query('SELECT pg_terminate_backend(pg_backend_pid())');
        }
      },
    };
    const doomed = runner(crashing);
    doomed.start();
    const appending = append(phaseB, 2);
    await waitFor(async () => killed, Boolean, 30_000, 5);
    await doomed.stop();
    await appending;

    // What the dead run left: exactly the batches it committed, nothing of the one it was killed in.
    const stoppedAt = await checkpoint();
    await expectTablesToMatchLog(stoppedAt!);

    // Restarted (two instances: one consumes, the other waits on the lock); it finishes the history.
    const [first, second] = [runner(), runner()];
    first.start();
    second.start();
    await caughtUp();
    expect([first.active, second.active].filter(Boolean)).toHaveLength(1);
    await expectTablesToMatchLog();
    // The active one goes away: the other takes over.
    await second.stop();
    liveRunner = first;
    await waitFor(async () => first.active, Boolean, 10_000);
  });

  it('rebuilds from position 0 into a shadow equal to live, reports drift, and swaps while live keeps serving', async () => {
    const live = liveRunner;
    expect(live.active).toBe(true);
    const eventCount = Number((await db.pool.query('SELECT count(*) FROM events')).rows[0].count);

    const check = await rebuildProjection(db.pool, store, coverageProjection, { swap: false, batchSize: 97 });
    expect(check.differences).toBe(0);
    expect(check.swapped).toBe(false);
    expect(check.eventsReplayed).toBe(eventCount);
    expect(check.tables.map((t) => t.liveRows)).toEqual(check.tables.map((t) => t.rebuiltRows));
    const shadows = await db.pool.query(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE '%__rebuild'`);
    expect(shadows.rows[0].n).toBe(0);

    // Drift in the live tables (as a bug would leave): the check names exactly those rows.
    const { rows: victim } = await db.pool.query('SELECT region_code, agency_code, funding_source, contract_month FROM coverage_cells LIMIT 1');
    await db.pool.query(
      `UPDATE coverage_cells SET premium_paid = premium_paid + 1 WHERE region_code = $1 AND agency_code = $2 AND funding_source = $3 AND contract_month = $4`,
      [victim[0].region_code, victim[0].agency_code, victim[0].funding_source, victim[0].contract_month],
    );
    await db.pool.query(`DELETE FROM coverage_agencies WHERE agency_code = $1 AND regency_code = '73.08'`, [AGENCIES[0].code]);
    const drift = await rebuildProjection(db.pool, store, coverageProjection, { swap: false, batchSize: 97 });
    expect(drift.differences).toBe(2);
    expect(drift.tables.find((t) => t.table === 'coverage_cells')!.samples).toEqual([expect.objectContaining({ kind: 'different' })]);
    expect(drift.tables.find((t) => t.table === 'coverage_agencies')!.samples).toEqual([expect.objectContaining({ kind: 'rebuilt_only' })]);

    // Rebuild and swap while events keep arriving and the live run keeps applying them.
    const appending = append(phaseC.slice(0, Math.floor(phaseC.length / 2)), 3, 25);
    const rebuilt = await rebuildProjection(db.pool, store, coverageProjection, { swap: true, batchSize: 53 });
    await appending;
    expect(rebuilt.swapped).toBe(true);
    expect(rebuilt.differences).toBeGreaterThanOrEqual(1); // the drift (live kept it), now repaired
    await append(phaseC.slice(Math.floor(phaseC.length / 2)), 4);
    await caughtUp();
    expect(live.active).toBe(true);
    await expectTablesToMatchLog();

    // The swapped-in tables are the real thing: logged, with the live names of their indexes and keys.
    const { rows: tables } = await db.pool.query(`SELECT relname, relpersistence FROM pg_class WHERE relname IN ('coverage_projects', 'coverage_cells', 'coverage_agencies')`);
    expect(tables.map((t) => t.relpersistence)).toEqual(['p', 'p', 'p']);
    const { rows: indexes } = await db.pool.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'coverage_projects' ORDER BY indexname`);
    expect(indexes.map((i) => i.indexname)).toEqual([
      'coverage_projects_agency_idx',
      'coverage_projects_list_idx',
      'coverage_projects_npwp_idx',
      'coverage_projects_pkey',
      'coverage_projects_region_idx',
      'coverage_projects_status_idx',
      'coverage_projects_year_idx',
    ]);
    const after = await rebuildProjection(db.pool, store, coverageProjection, { swap: false });
    expect(after.differences).toBe(0);
  });
});
