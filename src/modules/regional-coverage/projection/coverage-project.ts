import { type ConstructionProjectEvent, parseProjectStreamId } from '../../project-intake/construction-project.events';
import { type ComplianceEvent, type ComplianceReason, type ComplianceStatus, parseComplianceStreamId } from '../../verification/compliance/compliance.events';
import { type CoverageCell, contractMonthWita } from './coverage-figures';
import type { IsoDate } from '@sinergi/domain';

/** A project's lifecycle as its procurement events tell it. */
export type ProjectLifecycle = 'REGISTERED' | 'IN_PROGRESS' | 'COMPLETED' | 'CANCELLED';

/**
 * One project as the coverage projection keeps it (a `coverage_projects` row). The registration fields are null
 * until ProjectRegistered has been read: a compliance fact read first is kept, but counts nowhere until then.
 */
export interface CoverageProjectRow {
  projectId: string;
  projectRef: string | null;
  name: string | null;
  contractNumber: string | null;
  regionCode: string | null;
  agencyCode: string | null;
  agencyName: string | null;
  fundingSource: string | null;
  fiscalYear: number | null;
  /** As registered. */
  contractDate: IsoDate | null;
  /** First day of the contract date's month in WITA. */
  contractMonth: IsoDate | null;
  contractorNpwp: string | null;
  contractorName: string | null;
  registrationDeadline: IsoDate | null;
  lifecycle: ProjectLifecycle | null;
  cancelled: boolean;
  /** Compliance status; PENDING until the first ComplianceStatusChanged. */
  status: ComplianceStatus;
  reasons: ComplianceReason[];
  /** BPJS enrolment on record (see CoverageFigures). */
  registered: boolean;
  workersEstimated: number | null;
  workersReported: number;
  workersUncovered: number;
  workersCovered: number;
  contractValue: bigint;
  premiumDue: bigint;
  premiumPaid: bigint;
  /** Global position of the last event folded in. */
  lastPosition: string;
}

/** The project-stream events that change a row; PaymentRequested does not. */
export const COVERAGE_PROJECT_EVENT_TYPES = new Set<string>([
  'ProjectRegistered',
  'ContractAmended',
  'WorkersReported',
  'WorkStarted',
  'ProjectCompleted',
  'RegistrationDeadlineRecomputed',
  'ProjectCancelled',
]);

/** The compliance-stream events that change a row; requests, failures and evidence act only through a status change. */
export const COVERAGE_COMPLIANCE_EVENT_TYPES = new Set<string>(['EnrolmentConfirmed', 'EnrolmentMissing', 'WorkersUncovered', 'ComplianceStatusChanged']);

export type CoverageEvent =
  | Extract<
      ConstructionProjectEvent,
      { type: 'ProjectRegistered' | 'ContractAmended' | 'WorkersReported' | 'WorkStarted' | 'ProjectCompleted' | 'ProjectCancelled' | 'RegistrationDeadlineRecomputed' }
    >
  | Extract<ComplianceEvent, { type: 'EnrolmentConfirmed' | 'EnrolmentMissing' | 'WorkersUncovered' | 'ComplianceStatusChanged' }>;

/** The project an event is about, when it is one the coverage projection folds; null for every other event. */
export function coverageProjectIdOf(event: { streamId: string; type: string }): string | null {
  const project = parseProjectStreamId(event.streamId);
  if (project) return COVERAGE_PROJECT_EVENT_TYPES.has(event.type) ? project : null;
  const compliance = parseComplianceStreamId(event.streamId);
  if (compliance) return COVERAGE_COMPLIANCE_EVENT_TYPES.has(event.type) ? compliance : null;
  return null;
}

export const emptyCoverageProject = (projectId: string, position: string): CoverageProjectRow => ({
  projectId,
  projectRef: null,
  name: null,
  contractNumber: null,
  regionCode: null,
  agencyCode: null,
  agencyName: null,
  fundingSource: null,
  fiscalYear: null,
  contractDate: null,
  contractMonth: null,
  contractorNpwp: null,
  contractorName: null,
  registrationDeadline: null,
  lifecycle: null,
  cancelled: false,
  status: 'PENDING',
  reasons: [],
  registered: false,
  workersEstimated: null,
  workersReported: 0,
  workersUncovered: 0,
  workersCovered: 0,
  contractValue: 0n,
  premiumDue: 0n,
  premiumPaid: 0n,
  lastPosition: position,
});

/** Lifecycle after an event: a cancelled project stays cancelled. */
const moveTo = (row: CoverageProjectRow, lifecycle: ProjectLifecycle): ProjectLifecycle | null =>
  row.lifecycle === 'CANCELLED' ? 'CANCELLED' : lifecycle;

/** Folds one event into a project's row (`null`: no row yet). Pure: the same events give the same row. */
export function evolveCoverageProject(row: CoverageProjectRow | null, projectId: string, event: CoverageEvent, position: string): CoverageProjectRow {
  const before = row ?? emptyCoverageProject(projectId, position);
  const next = applyEvent(before, event);
  const workersCovered = next.registered ? Math.max(0, next.workersReported - next.workersUncovered) : 0;
  return { ...next, workersCovered, lastPosition: position };
}

function applyEvent(row: CoverageProjectRow, event: CoverageEvent): CoverageProjectRow {
  switch (event.type) {
    case 'ProjectRegistered': {
      const d = event.data;
      return {
        ...row,
        projectRef: d.projectRef,
        name: d.name,
        contractNumber: d.contractNumber,
        regionCode: d.regionCode,
        agencyCode: d.agency.code,
        agencyName: d.agency.name,
        fundingSource: d.fundingSource,
        fiscalYear: d.fiscalYear,
        contractDate: d.contractDate,
        contractMonth: contractMonthWita(d.contractDate),
        contractorNpwp: d.contractor.npwp,
        contractorName: d.contractor.name,
        registrationDeadline: d.registrationDeadline,
        lifecycle: moveTo(row, 'REGISTERED'),
        workersEstimated: d.estimatedWorkers ?? null,
        contractValue: BigInt(d.contractValue),
        premiumDue: BigInt(d.premium.total),
      };
    }
    case 'ContractAmended':
      return {
        ...row,
        contractValue: event.data.contractValue !== null ? BigInt(event.data.contractValue) : row.contractValue,
        premiumDue: event.data.premium !== null ? BigInt(event.data.premium.total) : row.premiumDue,
      };
    case 'WorkersReported':
      return { ...row, workersReported: event.data.workerCount };
    case 'WorkStarted':
      return { ...row, lifecycle: moveTo(row, 'IN_PROGRESS') };
    case 'ProjectCompleted':
      return { ...row, lifecycle: moveTo(row, 'COMPLETED') };
    case 'ProjectCancelled':
      return { ...row, lifecycle: 'CANCELLED', cancelled: true };
    case 'RegistrationDeadlineRecomputed':
      return { ...row, registrationDeadline: event.data.registrationDeadline };
    case 'EnrolmentConfirmed':
      return { ...row, registered: true, premiumPaid: BigInt(event.data.enrolment.premiumPaid) };
    case 'EnrolmentMissing':
      return { ...row, registered: false, premiumPaid: 0n };
    case 'WorkersUncovered':
      return { ...row, workersUncovered: event.data.uncoveredCount };
    case 'ComplianceStatusChanged': {
      // As the compliance decider's own fold: a finding no longer listed is over, and PENDING means "not registered (yet)".
      const reasons = [...event.data.reasons];
      const pending = event.data.to === 'PENDING';
      return {
        ...row,
        status: event.data.to,
        reasons,
        workersUncovered: reasons.includes('WORKERS_UNCOVERED') ? row.workersUncovered : 0,
        registered: pending ? false : row.registered,
        premiumPaid: pending ? 0n : row.premiumPaid,
      };
    }
    default: {
      const unexpected: never = event;
      throw new Error(`unknown event ${(unexpected as { type: string }).type}`);
    }
  }
}

/**
 * What one project adds to its cell: nothing while its registration is unknown or once it is cancelled
 * (cancelled projects are excluded from every figure); otherwise one project and its numbers.
 */
export function coverageContribution(row: CoverageProjectRow | null): CoverageCell | null {
  if (row === null || row.cancelled || row.regionCode === null || row.agencyCode === null || row.fundingSource === null || row.contractMonth === null) {
    return null;
  }
  const registered = row.registered;
  return {
    regionCode: row.regionCode,
    agencyCode: row.agencyCode,
    fundingSource: row.fundingSource,
    contractMonth: row.contractMonth,
    figures: {
      projects: {
        total: 1,
        registered: registered ? 1 : 0,
        compliant: row.status === 'COMPLIANT' ? 1 : 0,
        nonCompliant: row.status === 'NON_COMPLIANT' ? 1 : 0,
        pending: row.status === 'PENDING' ? 1 : 0,
        unverifiable: row.status === 'UNVERIFIABLE' ? 1 : 0,
      },
      workers: { reported: row.workersReported, covered: row.workersCovered },
      contractValue: { total: row.contractValue, covered: registered ? row.contractValue : 0n },
      premium: { due: row.premiumDue, paid: row.premiumPaid },
    },
  };
}
