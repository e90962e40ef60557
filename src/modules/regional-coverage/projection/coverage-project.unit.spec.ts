import { addFigures, subtractFigures } from './coverage-figures';
import { type CoverageEvent, type CoverageProjectRow, coverageContribution, coverageProjectIdOf, evolveCoverageProject } from './coverage-project';

const PROJECT = '0b5a3c1e-7d7e-4c1b-9a57-6f0d1c2b3a4d';

const registered = (overrides: Record<string, unknown> = {}): CoverageEvent =>
  ({
    type: 'ProjectRegistered',
    data: {
      projectId: PROJECT,
      projectRef: '10080116000',
      name: 'Rehabilitasi Jalan Poros Sinjai–Bulupoddo',
      agency: { code: '1.03.0.00.0.00.01.0000', name: 'Dinas PUPR' },
      regionCode: '73.07.06',
      workType: 'KONSTRUKSI',
      fundingSource: 'APBD',
      fiscalYear: 2025,
      contractNumber: '027/SPK/PUPR-SJ/IV/2025',
      contractDate: '2025-04-21',
      contractValue: '2500000000',
      valueIncludesVat: true,
      startDate: '2025-04-28',
      endDate: '2025-10-24',
      maintenanceEndDate: '2026-04-22',
      contractor: { npwp: '0012345674901000', nib: null, name: 'CV Karya Sinjai Mandiri', email: null, phone: null },
      ppk: { ref: 'person-1' },
      estimatedWorkers: 35,
      premium: { base: '2252252252', vatRatePercent: 11, jkk: '2917477', jkm: '335226', total: '3252703' },
      registrationDeadline: '2025-05-12',
      occurredAt: '2025-04-23T00:00:00.000Z',
      ...overrides,
    },
  }) as CoverageEvent;

const workers = (workerCount: number): CoverageEvent =>
  ({ type: 'WorkersReported', data: { asOf: '2025-05-31', workers: [], workerCount, occurredAt: '2025-05-31T09:00:00.000Z' } }) as CoverageEvent;
const enrolled = (premiumPaid: string): CoverageEvent =>
  ({
    type: 'EnrolmentConfirmed',
    data: {
      projectId: PROJECT,
      enrolment: {
        source: 'bpjs_api',
        projectNumber: '7307250000011',
        npp: '12345678',
        status: 'ACTIVE',
        coveredFrom: '2025-04-28',
        coveredTo: '2026-04-22',
        premiumAssessed: '3252703',
        premiumPaid,
        workersRegistered: 35,
      },
      checkedAt: '2025-05-02T00:00:00.000Z',
    },
  }) as CoverageEvent;
const status = (to: string, reasons: string[] = []): CoverageEvent =>
  ({ type: 'ComplianceStatusChanged', data: { projectId: PROJECT, from: 'PENDING', to, reasons, changedAt: '2025-05-02T00:00:00.000Z' } }) as CoverageEvent;
const uncovered = (uncoveredCount: number): CoverageEvent =>
  ({ type: 'WorkersUncovered', data: { projectId: PROJECT, rosterAsOf: '2025-05-31', uncoveredCount, personRefs: [], checkedAt: '2025-06-01T00:00:00.000Z' } }) as CoverageEvent;

function fold(events: CoverageEvent[]): CoverageProjectRow {
  let row: CoverageProjectRow | null = null;
  events.forEach((e, i) => (row = evolveCoverageProject(row, PROJECT, e, String(i + 1))));
  return row!;
}

describe('a project in the coverage projection', () => {
  it('counts a registered project as pending and unregistered until BPJS confirms it', () => {
    const c = coverageContribution(fold([registered(), workers(20)]))!;
    expect(c).toMatchObject({ regionCode: '73.07.06', agencyCode: '1.03.0.00.0.00.01.0000', fundingSource: 'APBD', contractMonth: '2025-04-01' });
    expect(c.figures.projects).toEqual({ total: 1, registered: 0, compliant: 0, nonCompliant: 0, pending: 1, unverifiable: 0 });
    expect(c.figures.workers).toEqual({ reported: 20, covered: 0 });
    expect(c.figures.contractValue).toEqual({ total: 2_500_000_000n, covered: 0n });
    expect(c.figures.premium).toEqual({ due: 3_252_703n, paid: 0n });
  });

  it('counts a confirmed enrolment as registered whatever else is wrong, with its premium paid', () => {
    const row = fold([registered(), workers(20), enrolled('1000000'), status('NON_COMPLIANT', ['PREMIUM_SHORTFALL'])]);
    const f = coverageContribution(row)!.figures;
    expect(f.projects).toMatchObject({ registered: 1, nonCompliant: 1, compliant: 0, pending: 0 });
    expect(f.workers).toEqual({ reported: 20, covered: 20 });
    expect(f.contractValue.covered).toBe(2_500_000_000n);
    expect(f.premium).toEqual({ due: 3_252_703n, paid: 1_000_000n });
  });

  it('covers reported minus uncovered workers, and all of them again once the finding is over', () => {
    const flagged = fold([registered(), workers(20), enrolled('3252703'), uncovered(7), status('NON_COMPLIANT', ['WORKERS_UNCOVERED'])]);
    expect(flagged.workersCovered).toBe(13);
    // A bigger roster later: the uncovered count on record still stands.
    const more = evolveCoverageProject(flagged, PROJECT, workers(30), '9');
    expect(more.workersCovered).toBe(23);
    const cleared = evolveCoverageProject(more, PROJECT, status('COMPLIANT'), '10');
    expect(cleared).toMatchObject({ workersUncovered: 0, workersCovered: 30, status: 'COMPLIANT' });
    // More uncovered than reported never goes below zero.
    expect(evolveCoverageProject(flagged, PROJECT, uncovered(50), '11').workersCovered).toBe(0);
  });

  it('is unregistered again when BPJS later says it is missing, or the status returns to PENDING', () => {
    const confirmed = fold([registered(), workers(5), enrolled('3252703'), status('COMPLIANT')]);
    const missing = evolveCoverageProject(confirmed, PROJECT, { type: 'EnrolmentMissing', data: { projectId: PROJECT, registrationDeadline: '2025-05-12', checkedOn: '2025-06-01', checkedAt: '2025-06-01T00:00:00.000Z' } }, '9');
    expect(missing).toMatchObject({ registered: false, premiumPaid: 0n, workersCovered: 0 });
    const pending = evolveCoverageProject(confirmed, PROJECT, status('PENDING'), '9');
    expect(pending).toMatchObject({ registered: false, premiumPaid: 0n, status: 'PENDING' });
  });

  it('follows amendments: a new value and premium, or only new dates', () => {
    const amended = fold([
      registered(),
      { type: 'ContractAmended', data: { addendumNumber: 'A1', contractValue: '3000000000', endDate: null, maintenanceEndDate: null, reason: 'x', premium: { base: '0', vatRatePercent: 11, jkk: '0', jkm: '0', total: '3702703' }, occurredAt: '' } } as CoverageEvent,
      { type: 'ContractAmended', data: { addendumNumber: 'A2', contractValue: null, endDate: '2025-12-01', maintenanceEndDate: null, reason: 'y', premium: null, occurredAt: '' } } as CoverageEvent,
    ]);
    expect(amended).toMatchObject({ contractValue: 3_000_000_000n, premiumDue: 3_702_703n });
  });

  it('drops out of every figure when cancelled, and stays cancelled', () => {
    const row = fold([registered(), enrolled('3252703'), { type: 'ProjectCancelled', data: { reason: 'x', occurredAt: '' } } as CoverageEvent]);
    expect(coverageContribution(row)).toBeNull();
    const later = evolveCoverageProject(row, PROJECT, { type: 'ProjectCompleted', data: { completedAt: '2025-10-01', occurredAt: '' } } as CoverageEvent, '9');
    expect(later).toMatchObject({ lifecycle: 'CANCELLED', cancelled: true });
  });

  it('keeps a compliance fact read before the registration, counting nowhere until the registration arrives', () => {
    const early = evolveCoverageProject(null, PROJECT, enrolled('500'), '1');
    expect(early.projectRef).toBeNull();
    expect(coverageContribution(early)).toBeNull();
    const later = evolveCoverageProject(early, PROJECT, registered(), '2');
    expect(coverageContribution(later)!.figures.projects.registered).toBe(1);
    expect(later.premiumPaid).toBe(500n);
  });

  it('buckets the contract month in WITA', () => {
    expect(fold([registered({ contractDate: '2025-01-31T16:30:00Z' })]).contractMonth).toBe('2025-02-01');
  });

  it('moves a project between cells by removing its old contribution and adding its new one', () => {
    const before = fold([registered(), enrolled('3252703'), status('COMPLIANT')]);
    const after = evolveCoverageProject(before, PROJECT, status('NON_COMPLIANT', ['COVERAGE_GAP']), '9');
    const delta = subtractFigures(coverageContribution(after)!.figures, coverageContribution(before)!.figures);
    expect(delta.projects).toEqual({ total: 0, registered: 0, compliant: -1, nonCompliant: 1, pending: 0, unverifiable: 0 });
    expect(addFigures(coverageContribution(before)!.figures, delta)).toEqual(coverageContribution(after)!.figures);
  });

  it('reads only the events that change a row', () => {
    expect(coverageProjectIdOf({ streamId: `project-${PROJECT}`, type: 'ProjectRegistered' })).toBe(PROJECT);
    expect(coverageProjectIdOf({ streamId: `project-${PROJECT}`, type: 'PaymentRequested' })).toBeNull();
    expect(coverageProjectIdOf({ streamId: `compliance-${PROJECT}`, type: 'ComplianceStatusChanged' })).toBe(PROJECT);
    expect(coverageProjectIdOf({ streamId: `compliance-${PROJECT}`, type: 'VerificationRequested' })).toBeNull();
    expect(coverageProjectIdOf({ streamId: `case-${PROJECT}`, type: 'CaseOpened' })).toBeNull();
  });
});
