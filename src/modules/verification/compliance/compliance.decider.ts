import { conflict, type FieldError, invalid, notFound } from '@sinergi/common';
import { daysBetween, isIsoDate, type IsoDate, isValidBpjsPaymentCode, isValidBpjsProjectNumber, isValidBpjsReceiptNumber, isValidNpp, type RupiahString } from '@sinergi/domain';
import type { StreamModel } from '@sinergi/event-store';
import type {
  ComplianceEvent,
  ComplianceReason,
  ComplianceStatus,
  EnrolmentEvidenceSubmittedData,
  EnrolmentRecord,
  EvidenceStatus,
} from './compliance.events';
import { premiumStanding } from './premium-instalments';

export {
  complianceStreamId,
  type ComplianceEvent,
  type ComplianceReason,
  type ComplianceStatus,
  type EnrolmentRecord,
  type EnrolmentSource,
  type EvidenceStatus,
} from './compliance.events';

/** What the decider needs to know about the project (built from the project stream). */
export interface ProjectFacts {
  projectId: string;
  registrationDeadline: IsoDate;
  /** The JKK + JKM premium of docs/domain.md for the current contract value. */
  premiumDue: RupiahString;
  endDate: IsoDate;
  maintenanceEndDate: IsoDate | null;
  cancelled: boolean;
  rosterAsOf: IsoDate | null;
  /** The premium share that makes the project a participant, whole percent (per region; 50 by default). */
  firstInstalmentPercent: number;
  /** The hand-over (BAST, `ProjectCompleted`) is recorded. */
  handedOver: boolean;
  /** The payment requests add up to at least the (amended) contract value: the final termin. */
  finalTerminRequested: boolean;
}

export type ComplianceCommand =
  | {
      type: 'RecordRegistryAnswer';
      /** null: the project is not registered at BPJS. */
      enrolment: EnrolmentRecord | null;
      /** Roster people BPJS does not know; null: no roster, or the roster was not checked this time. */
      uncoveredPersonRefs: string[] | null;
      /** Today's date in WITA. */
      checkedOn: IsoDate;
      checkedAt: string;
    }
  | { type: 'RecordVerificationFailure'; reason: string; attempts: number; failedAt: string }
  | { type: 'RequestVerification'; reason: 'manual' | 'periodic'; requestedBy: string; requestedAt: string }
  | ({ type: 'SubmitEnrolmentEvidence' } & Omit<EnrolmentEvidenceSubmittedData, 'projectId'>)
  | { type: 'ConfirmEnrolmentEvidence'; evidenceId: string; confirmedBy: string; confirmedAt: string }
  | { type: 'RejectEnrolmentEvidence'; evidenceId: string; rejectedBy: string; reason: string; rejectedAt: string };

/** Evidence a contractor handed in, and what an official made of it. */
export interface EvidenceState {
  status: EvidenceStatus;
  receiptNumber: string;
  projectNumber: string;
  npp: string;
  premiumPaid: RupiahString;
  coveredFrom: IsoDate;
  coveredTo: IsoDate;
}

export interface ComplianceState {
  status: ComplianceStatus;
  reasons: ComplianceReason[];
  /** The enrolment last confirmed; null when none was, or when the registry has since said "not registered". */
  enrolment: EnrolmentRecord | null;
  missingRecorded: boolean;
  /** The premium shortfall on record; null when there is none. */
  shortfall: RupiahString | null;
  /** The date the cover should reach (contract end or maintenance end) while a coverage gap is on record. */
  coverageGapUntil: IsoDate | null;
  /** Sorted person references of the roster people BPJS does not cover, as last recorded. */
  uncoveredRefs: string[];
  /** VerificationFailed events recorded on the stream, all time. */
  failures: number;
  /** Every piece of enrolment evidence handed in for the project, by evidence id. */
  evidence: Readonly<Record<string, EvidenceState>>;
}

export const initialComplianceState = (): ComplianceState => ({
  status: 'PENDING',
  reasons: [],
  enrolment: null,
  missingRecorded: false,
  shortfall: null,
  coverageGapUntil: null,
  uncoveredRefs: [],
  failures: 0,
  evidence: {},
});

/** The order reasons are listed in, whatever order the findings were made in. */
const REASON_ORDER: readonly ComplianceReason[] = [
  'ENROLMENT_MISSING',
  'PREMIUM_SHORTFALL',
  'COVERAGE_GAP',
  'WORKERS_UNCOVERED',
  'VERIFICATION_FAILED',
];

const ordered = (reasons: Iterable<ComplianceReason>): ComplianceReason[] => {
  const present = new Set(reasons);
  return REASON_ORDER.filter((r) => present.has(r));
};

export function evolveCompliance(state: ComplianceState, event: ComplianceEvent): ComplianceState {
  switch (event.type) {
    case 'VerificationRequested':
      return state;
    case 'EnrolmentConfirmed':
      return { ...state, enrolment: event.data.enrolment, missingRecorded: false };
    case 'EnrolmentMissing':
      return { ...state, enrolment: null, missingRecorded: true };
    case 'PremiumShortfall':
      return { ...state, shortfall: event.data.shortfall };
    case 'CoverageGap':
      return { ...state, coverageGapUntil: event.data.requiredUntil };
    case 'WorkersUncovered':
      return { ...state, uncoveredRefs: [...event.data.personRefs].sort() };
    case 'VerificationFailed':
      return { ...state, failures: state.failures + 1 };
    case 'EnrolmentEvidenceSubmitted': {
      const { evidenceId, receiptNumber, projectNumber, npp, premiumPaid, coveredFrom, coveredTo } = event.data;
      return {
        ...state,
        evidence: { ...state.evidence, [evidenceId]: { status: 'SUBMITTED', receiptNumber, projectNumber, npp, premiumPaid, coveredFrom, coveredTo } },
      };
    }
    case 'EnrolmentEvidenceConfirmed':
      return withEvidenceStatus(state, event.data.evidenceId, 'CONFIRMED');
    case 'EnrolmentEvidenceRejected':
      return withEvidenceStatus(state, event.data.evidenceId, 'REJECTED');
    case 'ComplianceStatusChanged': {
      // A finding that is no longer among the reasons is over: a resolved finding has no event of its own,
      // so the status change is what clears it (and lets an identical finding be recorded again later).
      const reasons = ordered(event.data.reasons);
      const has = (r: ComplianceReason) => reasons.includes(r);
      return {
        ...state,
        status: event.data.to,
        reasons,
        // PENDING is only reached from a "not registered (yet)" answer: no enrolment is known any more.
        enrolment: event.data.to === 'PENDING' ? null : state.enrolment,
        missingRecorded: has('ENROLMENT_MISSING') && state.missingRecorded,
        shortfall: has('PREMIUM_SHORTFALL') ? state.shortfall : null,
        coverageGapUntil: has('COVERAGE_GAP') ? state.coverageGapUntil : null,
        uncoveredRefs: has('WORKERS_UNCOVERED') ? state.uncoveredRefs : [],
      };
    }
    default: {
      const unexpected: never = event;
      throw new Error(`unknown event ${(unexpected as { type: string }).type}`);
    }
  }
}

/** Evidence ids come from URLs: look up own entries only, so 'constructor' is not evidence. */
const evidenceOf = (state: ComplianceState, evidenceId: string): EvidenceState | undefined =>
  Object.hasOwn(state.evidence, evidenceId) ? state.evidence[evidenceId] : undefined;

function withEvidenceStatus(state: ComplianceState, evidenceId: string, status: EvidenceStatus): ComplianceState {
  const evidence = evidenceOf(state, evidenceId);
  if (evidence === undefined) return state;
  return { ...state, evidence: { ...state.evidence, [evidenceId]: { ...evidence, status } } };
}

/** How a compliance stream (`compliance-<projectId>`) folds: what `loadStream` and `CommandHandler` read it with. */
export const complianceModel: StreamModel<ComplianceState, ComplianceEvent> = { evolve: evolveCompliance, initialState: initialComplianceState };

export const foldCompliance = (events: Iterable<ComplianceEvent>): ComplianceState => {
  let state = initialComplianceState();
  for (const e of events) state = evolveCompliance(state, e);
  return state;
};

/**
 * Decides what a registry answer, a failed look-up, a request, or a contractor's evidence and an official's
 * judgement of it mean for the project's compliance. Evidence never sets the status itself: once confirmed, it is
 * one more registry (the last one asked), and the verification that follows decides.
 */
export function decideCompliance(
  command: ComplianceCommand,
  state: ComplianceState,
  project: ProjectFacts,
): ComplianceEvent[] {
  const projectId = project.projectId;
  switch (command.type) {
    case 'RequestVerification':
      return [
        {
          type: 'VerificationRequested',
          data: { projectId, reason: command.reason, requestedBy: command.requestedBy, requestedAt: command.requestedAt },
        },
      ];
    case 'RecordVerificationFailure': {
      const events: ComplianceEvent[] = [
        {
          type: 'VerificationFailed',
          data: { projectId, reason: command.reason, attempts: command.attempts, failedAt: command.failedAt },
        },
      ];
      // A failure only says something when there is no verdict yet; it never overturns one.
      if (state.status === 'PENDING' && !project.cancelled) {
        events.push(statusChanged(projectId, state, 'UNVERIFIABLE', ['VERIFICATION_FAILED'], command.failedAt));
      }
      return events;
    }
    case 'RecordRegistryAnswer':
      if (project.cancelled) return [];
      return command.enrolment === null
        ? decideNotRegistered(command, state, project)
        : decideRegistered(command, command.enrolment, state, project);
    case 'SubmitEnrolmentEvidence':
      return [decideEvidenceSubmission(command, state, projectId)];
    case 'ConfirmEnrolmentEvidence':
      assertAwaitingDecision(state, command.evidenceId);
      return [
        {
          type: 'EnrolmentEvidenceConfirmed',
          data: { projectId, evidenceId: command.evidenceId, confirmedBy: command.confirmedBy, confirmedAt: command.confirmedAt },
        },
      ];
    case 'RejectEnrolmentEvidence': {
      assertAwaitingDecision(state, command.evidenceId);
      const reason = command.reason.trim();
      if (reason === '') {
        throw invalid('reason_required', 'say why the evidence is rejected', [
          { path: 'reason', code: 'required', message: 'reason is required' },
        ]);
      }
      return [
        {
          type: 'EnrolmentEvidenceRejected',
          data: { projectId, evidenceId: command.evidenceId, rejectedBy: command.rejectedBy, reason, rejectedAt: command.rejectedAt },
        },
      ];
    }
    default: {
      const unexpected: never = command;
      throw new Error(`unknown command ${(unexpected as { type: string }).type}`);
    }
  }
}

type RegistryAnswer = Extract<ComplianceCommand, { type: 'RecordRegistryAnswer' }>;
type EvidenceSubmission = Extract<ComplianceCommand, { type: 'SubmitEnrolmentEvidence' }>;

/**
 * A receipt counts once per project: while evidence carrying it awaits a decision or was confirmed, handing it in
 * again is refused. After a rejection the contractor may hand the same receipt in again with corrected documents.
 */
function decideEvidenceSubmission(command: EvidenceSubmission, state: ComplianceState, projectId: string): ComplianceEvent {
  const { type: _type, ...submitted } = command;
  checkEvidence(submitted);
  if (evidenceOf(state, command.evidenceId) !== undefined) {
    throw conflict('evidence_already_submitted', 'this evidence was already submitted');
  }
  const sameReceipt = Object.values(state.evidence).some((e) => e.receiptNumber === command.receiptNumber && e.status !== 'REJECTED');
  if (sameReceipt) {
    throw conflict('evidence_already_submitted', 'evidence with this receipt number was already submitted for the project');
  }
  return { type: 'EnrolmentEvidenceSubmitted', data: { projectId, ...submitted, paymentCode: submitted.paymentCode ?? null } };
}

/** The edge validates too; this keeps the stream clean whoever calls. Messages name fields, never values. */
function checkEvidence(e: Omit<EvidenceSubmission, 'type'>): void {
  const errors: FieldError[] = [];
  const check = (ok: boolean, path: string, code: string, message: string) => {
    if (!ok) errors.push({ path, code, message });
  };
  check(isValidBpjsProjectNumber(e.projectNumber), 'projectNumber', 'invalid_format', 'projectNumber must be 13 digits');
  check(isValidNpp(e.npp), 'npp', 'invalid_format', 'npp must be 8 digits');
  check(e.paymentCode === null || isValidBpjsPaymentCode(e.paymentCode), 'paymentCode', 'invalid_format', 'paymentCode must be 12 digits');
  check(isValidBpjsReceiptNumber(e.receiptNumber), 'receiptNumber', 'invalid_format', 'receiptNumber must be 15 digits');
  check(/^\d+$/.test(e.premiumPaid), 'premiumPaid', 'integer_rupiah', 'premiumPaid must be an integer number of rupiah');
  check(isIsoDate(e.coveredFrom), 'coveredFrom', 'invalid_iso_date', 'coveredFrom must be a date (YYYY-MM-DD)');
  check(isIsoDate(e.coveredTo), 'coveredTo', 'invalid_iso_date', 'coveredTo must be a date (YYYY-MM-DD)');
  if (errors.length === 0 && e.coveredTo < e.coveredFrom) {
    errors.push({ path: 'coveredTo', code: 'before_covered_from', message: 'coveredTo must not be before coveredFrom' });
  }
  if (errors.length > 0) throw invalid('invalid_evidence', 'the evidence is not valid', errors);
}

/** Only evidence still awaiting an official's decision can be confirmed or rejected. */
function assertAwaitingDecision(state: ComplianceState, evidenceId: string): void {
  const evidence = evidenceOf(state, evidenceId);
  if (evidence === undefined) throw notFound('evidence_not_found', 'no such evidence for this project');
  if (evidence.status !== 'SUBMITTED') {
    throw conflict('evidence_already_decided', `the evidence was already ${evidence.status === 'CONFIRMED' ? 'confirmed' : 'rejected'}`);
  }
}

function decideNotRegistered(command: RegistryAnswer, state: ComplianceState, project: ProjectFacts): ComplianceEvent[] {
  const checkedOn = isoDate(command.checkedOn, 'checkedOn');
  const deadline = isoDate(project.registrationDeadline, 'registrationDeadline');
  // The deadline day itself is still in time.
  if (checkedOn <= deadline) {
    return changeIfNeeded(project.projectId, state, 'PENDING', [], command.checkedAt);
  }
  const events: ComplianceEvent[] = [];
  if (!state.missingRecorded) {
    events.push({
      type: 'EnrolmentMissing',
      data: { projectId: project.projectId, registrationDeadline: deadline, checkedOn, checkedAt: command.checkedAt },
    });
  }
  events.push(...changeIfNeeded(project.projectId, state, 'NON_COMPLIANT', ['ENROLMENT_MISSING'], command.checkedAt));
  return events;
}

function decideRegistered(
  command: RegistryAnswer,
  enrolment: EnrolmentRecord,
  state: ComplianceState,
  project: ProjectFacts,
): ComplianceEvent[] {
  const { projectId } = project;
  const { checkedAt } = command;
  const events: ComplianceEvent[] = [];
  const reasons: ComplianceReason[] = [];

  if (state.enrolment === null || !sameEnrolment(state.enrolment, enrolment)) {
    events.push({ type: 'EnrolmentConfirmed', data: { projectId, enrolment: { ...enrolment }, checkedAt } });
  }

  const due = rupiah(project.premiumDue, 'premiumDue');
  const paid = rupiah(enrolment.premiumPaid, 'enrolment.premiumPaid');
  const standing = premiumStanding({
    premiumDue: due,
    premiumPaid: paid,
    firstInstalmentPercent: project.firstInstalmentPercent,
    registrationDeadline: isoDate(project.registrationDeadline, 'registrationDeadline'),
    endDate: isoDate(project.endDate, 'endDate'),
    handedOver: project.handedOver,
    finalTerminRequested: project.finalTerminRequested,
    checkedOn: isoDate(command.checkedOn, 'checkedOn'),
  });
  if (standing.kind === 'SHORTFALL') {
    reasons.push('PREMIUM_SHORTFALL');
    const shortfall = (due - paid).toString();
    if (state.shortfall !== shortfall) {
      events.push({
        type: 'PremiumShortfall',
        data: { projectId, premiumDue: due.toString(), premiumPaid: paid.toString(), shortfall, checkedAt },
      });
    }
  }

  // Cover must last the contract period plus the maintenance period (docs/domain.md).
  const requiredUntil =
    project.maintenanceEndDate !== null ? isoDate(project.maintenanceEndDate, 'maintenanceEndDate') : isoDate(project.endDate, 'endDate');
  const coveredTo = isoDate(enrolment.coveredTo, 'enrolment.coveredTo');
  if (coveredTo < requiredUntil) {
    reasons.push('COVERAGE_GAP');
    const sameGap = state.coverageGapUntil === requiredUntil && state.enrolment?.coveredTo === coveredTo;
    if (!sameGap) {
      events.push({
        type: 'CoverageGap',
        data: { projectId, coveredTo, requiredUntil, daysUncovered: daysBetween(coveredTo, requiredUntil), checkedAt },
      });
    }
  }

  // null means the roster was not looked at this time: what is on record stands. [] clears it.
  const personRefs = command.uncoveredPersonRefs === null ? state.uncoveredRefs : [...new Set(command.uncoveredPersonRefs)].sort();
  if (personRefs.length > 0) {
    reasons.push('WORKERS_UNCOVERED');
    if (!sameList(state.uncoveredRefs, personRefs)) {
      events.push({
        type: 'WorkersUncovered',
        data: {
          projectId,
          rosterAsOf: project.rosterAsOf ?? command.checkedOn,
          uncoveredCount: personRefs.length,
          personRefs,
          checkedAt,
        },
      });
    }
  }

  // Below the first instalment while registration is still in time, nothing else wrong is not yet compliance.
  const clean = standing.kind === 'AWAITING_FIRST_INSTALMENT' ? 'PENDING' : 'COMPLIANT';
  events.push(...changeIfNeeded(projectId, state, reasons.length ? 'NON_COMPLIANT' : clean, reasons, checkedAt));
  return events;
}

function changeIfNeeded(
  projectId: string,
  state: ComplianceState,
  to: ComplianceStatus,
  reasons: ComplianceReason[],
  changedAt: string,
): ComplianceEvent[] {
  const next = ordered(reasons);
  if (state.status === to && sameList(state.reasons, next)) return [];
  return [statusChanged(projectId, state, to, next, changedAt)];
}

function statusChanged(
  projectId: string,
  state: ComplianceState,
  to: ComplianceStatus,
  reasons: ComplianceReason[],
  changedAt: string,
): ComplianceEvent {
  return { type: 'ComplianceStatusChanged', data: { projectId, from: state.status, to, reasons: ordered(reasons), changedAt } };
}

function sameEnrolment(a: EnrolmentRecord, b: EnrolmentRecord): boolean {
  return (
    a.source === b.source &&
    a.projectNumber === b.projectNumber &&
    a.npp === b.npp &&
    a.status === b.status &&
    a.coveredFrom === b.coveredFrom &&
    a.coveredTo === b.coveredTo &&
    a.premiumAssessed === b.premiumAssessed &&
    a.premiumPaid === b.premiumPaid &&
    a.workersRegistered === b.workersRegistered
  );
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Money is integer rupiah; a decimal or a float here is a bug upstream, not a rounding question. */
function rupiah(value: string, path: string): bigint {
  if (!/^\d+$/.test(value)) {
    throw invalid('invalid_rupiah', `${path} must be an integer number of rupiah`, [
      { path, code: 'integer_rupiah', message: `"${value}" is not an integer rupiah amount` },
    ]);
  }
  return BigInt(value);
}

function isoDate(value: string, path: string): IsoDate {
  if (!isIsoDate(value)) {
    throw invalid('invalid_date', `${path} must be a date (YYYY-MM-DD)`, [
      { path, code: 'date', message: `"${value}" is not a YYYY-MM-DD date` },
    ]);
  }
  return value;
}
