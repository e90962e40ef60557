/**
 * The construction project stream (`project-<uuid>`): one event per accepted procurement event,
 * past tense, with money as `RupiahString`s and personal data replaced by references.
 */
import { uuidAfterPrefix } from '@sinergi/common';
import type { IsoDate, RupiahString } from '@sinergi/domain';

export interface PremiumFigures {
  base: RupiahString;
  vatRatePercent: number;
  jkk: RupiahString;
  jkm: RupiahString;
  total: RupiahString;
}

export const FUNDING_SOURCES = ['APBD', 'APBN', 'DAK', 'DANA_DESA', 'PRIVATE', 'OTHER'] as const;
export type FundingSource = (typeof FUNDING_SOURCES)[number];

export interface ProjectRegisteredData {
  projectId: string;
  projectRef: string;
  name: string;
  agency: { code: string; name: string };
  regionCode: string;
  workType: string;
  fundingSource: FundingSource;
  fiscalYear: number;
  contractNumber: string;
  contractDate: IsoDate;
  contractValue: RupiahString;
  valueIncludesVat: boolean;
  startDate: IsoDate;
  endDate: IsoDate;
  maintenanceEndDate: IsoDate | null;
  /**
   * `whatsappOptIn`: the contractor agreed to WhatsApp notices at `phone` (when it is a mobile number); absent on events
   * recorded before it existed, or that did not say: no WhatsApp.
   */
  contractor: { npwp: string; nib: string | null; name: string; email: string | null; phone: string | null; whatsappOptIn?: boolean };
  ppk: { ref: string };
  estimatedWorkers: number | null;
  premium: PremiumFigures;
  registrationDeadline: IsoDate;
  /**
   * True when the deadline was counted across a year without holiday data (weekends only there): a later holiday
   * import may move it (`RegistrationDeadlineRecomputed`). Absent on events recorded before it existed: false.
   */
  registrationDeadlineProvisional?: boolean;
  occurredAt: string;
}

export interface ContractAmendedData {
  addendumNumber: string;
  contractValue: RupiahString | null;
  endDate: IsoDate | null;
  maintenanceEndDate: IsoDate | null;
  reason: string;
  /** The premium recomputed for the new value; null when the value did not change. */
  premium: PremiumFigures | null;
  occurredAt: string;
}

export interface ReportedWorker {
  personRef: string;
  role: string | null;
  startDate: IsoDate | null;
  endDate: IsoDate | null;
}

export interface WorkersReportedData {
  asOf: IsoDate;
  workers: ReportedWorker[];
  workerCount: number;
  occurredAt: string;
}

export interface WorkStartedData {
  startedAt: string;
  occurredAt: string;
}

export interface PaymentRequestedData {
  terminNumber: number;
  amount: RupiahString;
  requestedAt: string;
  occurredAt: string;
}

export interface ProjectCompletedData {
  completedAt: string;
  occurredAt: string;
}

export interface ProjectCancelledData {
  reason: string;
  occurredAt: string;
}

/** The registration deadline counted again with holidays imported since (`cli holidays:import`). */
export interface RegistrationDeadlineRecomputedData {
  registrationDeadline: IsoDate;
  provisional: boolean;
  previousDeadline: IsoDate;
  /** The holiday year whose import led to this. */
  holidayYear: number;
  recomputedAt: string;
}

export type ConstructionProjectEvent =
  | { type: 'ProjectRegistered'; data: ProjectRegisteredData }
  | { type: 'ContractAmended'; data: ContractAmendedData }
  | { type: 'WorkersReported'; data: WorkersReportedData }
  | { type: 'WorkStarted'; data: WorkStartedData }
  | { type: 'PaymentRequested'; data: PaymentRequestedData }
  | { type: 'ProjectCompleted'; data: ProjectCompletedData }
  | { type: 'ProjectCancelled'; data: ProjectCancelledData }
  | { type: 'RegistrationDeadlineRecomputed'; data: RegistrationDeadlineRecomputedData };

export type ConstructionProjectEventType = ConstructionProjectEvent['type'];

export const CONSTRUCTION_PROJECT_EVENT_TYPES: readonly ConstructionProjectEventType[] = [
  'ProjectRegistered',
  'ContractAmended',
  'WorkersReported',
  'WorkStarted',
  'PaymentRequested',
  'ProjectCompleted',
  'ProjectCancelled',
  'RegistrationDeadlineRecomputed',
];

const PROJECT_STREAM_PREFIX = 'project-';
export const projectStreamId = (projectId: string) => `${PROJECT_STREAM_PREFIX}${projectId}`;
/** The project id of a `project-<uuid>` stream id; `null` for any other stream. */
export const parseProjectStreamId = (streamId: string): string | null => uuidAfterPrefix(PROJECT_STREAM_PREFIX, streamId);
/** `projectStreamId` in SQL, for an expression holding a project id (uuid or text). */
export const projectStreamIdSql = (projectId: string) => `('${PROJECT_STREAM_PREFIX}' || ${projectId}::text)`;
/** `parseProjectStreamId` in SQL, for a column known to hold project stream ids: the project id as `uuid`. */
export const projectIdOfStreamSql = (column: string) => `substr(${column}, ${PROJECT_STREAM_PREFIX.length + 1})::uuid`;
