/**
 * The compliance stream (`compliance-<projectId>`): what each look at the BPJS registry found for a
 * project, past tense, with money as `RupiahString`s and workers only as person references.
 */
import { uuidAfterPrefix } from '@sinergi/common';
import type { IsoDate, RupiahString } from '@sinergi/domain';

export type ComplianceStatus = 'PENDING' | 'COMPLIANT' | 'NON_COMPLIANT' | 'UNVERIFIABLE';

export type ComplianceReason =
  | 'ENROLMENT_MISSING'
  | 'PREMIUM_SHORTFALL'
  | 'COVERAGE_GAP'
  | 'WORKERS_UNCOVERED'
  | 'VERIFICATION_FAILED';

export type EnrolmentSource = 'bpjs_api' | 'branch_file' | 'evidence';

export interface EnrolmentRecord {
  source: EnrolmentSource;
  projectNumber: string;
  npp: string;
  status: 'ACTIVE' | 'REGISTERED_UNPAID' | 'ENDED';
  coveredFrom: IsoDate;
  coveredTo: IsoDate;
  /** As BPJS assessed it; null when the source does not say. */
  premiumAssessed: RupiahString | null;
  premiumPaid: RupiahString;
  workersRegistered: number | null;
}

export type EvidenceStatus = 'SUBMITTED' | 'CONFIRMED' | 'REJECTED';

/** Who handed in the evidence: a procurement client (HMAC) or a signed-in official. */
export interface EvidenceSubmitter {
  kind: 'client' | 'user';
  id: string;
}

/** The proof documents of docs/domain.md as a contractor hands them in, before an official has looked at them. */
export interface EnrolmentEvidenceSubmittedData {
  projectId: string;
  evidenceId: string;
  /** 13 digits, from the participation certificate. */
  projectNumber: string;
  /** 8 digits, the company's BPJS registration number. */
  npp: string;
  /** 12 digits, from the premium assessment; null when the contractor does not have it. */
  paymentCode: string | null;
  /** 15 digits, from the payment receipt. */
  receiptNumber: string;
  premiumPaid: RupiahString;
  coveredFrom: IsoDate;
  coveredTo: IsoDate;
  submittedBy: EvidenceSubmitter;
  submittedAt: string;
}

export type ComplianceEvent =
  | {
      type: 'VerificationRequested';
      data: { projectId: string; reason: 'manual' | 'periodic'; requestedBy: string; requestedAt: string };
    }
  | { type: 'EnrolmentConfirmed'; data: { projectId: string; enrolment: EnrolmentRecord; checkedAt: string } }
  | {
      type: 'EnrolmentMissing';
      data: { projectId: string; registrationDeadline: string; checkedOn: string; checkedAt: string };
    }
  | {
      type: 'PremiumShortfall';
      data: { projectId: string; premiumDue: string; premiumPaid: string; shortfall: string; checkedAt: string };
    }
  | {
      type: 'CoverageGap';
      data: { projectId: string; coveredTo: string; requiredUntil: string; daysUncovered: number; checkedAt: string };
    }
  | {
      type: 'WorkersUncovered';
      data: { projectId: string; rosterAsOf: string; uncoveredCount: number; personRefs: string[]; checkedAt: string };
    }
  | { type: 'VerificationFailed'; data: { projectId: string; reason: string; attempts: number; failedAt: string } }
  | { type: 'EnrolmentEvidenceSubmitted'; data: EnrolmentEvidenceSubmittedData }
  | { type: 'EnrolmentEvidenceConfirmed'; data: { projectId: string; evidenceId: string; confirmedBy: string; confirmedAt: string } }
  | {
      type: 'EnrolmentEvidenceRejected';
      data: { projectId: string; evidenceId: string; rejectedBy: string; reason: string; rejectedAt: string };
    }
  | {
      type: 'ComplianceStatusChanged';
      data: {
        projectId: string;
        from: ComplianceStatus;
        to: ComplianceStatus;
        reasons: ComplianceReason[];
        changedAt: string;
      };
    };

export type ComplianceEventType = ComplianceEvent['type'];

export const COMPLIANCE_EVENT_TYPES: readonly ComplianceEventType[] = [
  'VerificationRequested',
  'EnrolmentConfirmed',
  'EnrolmentMissing',
  'PremiumShortfall',
  'CoverageGap',
  'WorkersUncovered',
  'VerificationFailed',
  'ComplianceStatusChanged',
  'EnrolmentEvidenceSubmitted',
  'EnrolmentEvidenceConfirmed',
  'EnrolmentEvidenceRejected',
];

const COMPLIANCE_STREAM_PREFIX = 'compliance-';
export const complianceStreamId = (projectId: string) => `${COMPLIANCE_STREAM_PREFIX}${projectId}`;
/** `complianceStreamId` in SQL, for an expression holding a project id (uuid or text). */
export const complianceStreamIdSql = (projectId: string) => `('${COMPLIANCE_STREAM_PREFIX}' || ${projectId}::text)`;
/** The project id of a `compliance-<uuid>` stream id; `null` for any other stream. */
export const parseComplianceStreamId = (streamId: string): string | null => uuidAfterPrefix(COMPLIANCE_STREAM_PREFIX, streamId);
