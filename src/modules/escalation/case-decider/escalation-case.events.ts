/**
 * The escalation case stream (`case-<caseId>`): one non-compliant project climbing its region's ladder, past tense.
 * Officials appear only as their token subject and position; times are ISO-8601 instants.
 */
import type { Position } from '@sinergi/auth/principal';
import { uuidAfterPrefix } from '@sinergi/common';
import type { ComplianceReason } from '../../verification/compliance/compliance.events';
import type { EscalationLadder } from '../ladder/escalation-ladder';

/** An official acting on a case, as the JWT names them (docs/api.md). */
export interface ActingOfficial {
  sub: string;
  position: Position | null;
}

export interface CaseOpenedData {
  caseId: string;
  projectId: string;
  regionCode: string;
  agencyCode: string;
  reasons: ComplianceReason[];
  openedAt: string;
  /** The whole ladder as it stood when the case opened: later changes to the region's ladder never reach this case. */
  ladder: EscalationLadder;
}

export interface EscalationLevelReachedData {
  caseId: string;
  level: number;
  recipients: Position[];
  reachedAt: string;
  /** When the case climbs to the next level unless it ends first; null on the last level. */
  nextEscalationAt: string | null;
}

export interface CaseAcknowledgedData {
  caseId: string;
  /** The level the case stood at when the official acknowledged it. */
  level: number;
  by: ActingOfficial;
  note: string;
  acknowledgedAt: string;
}

export interface CaseReasonsChangedData {
  caseId: string;
  reasons: ComplianceReason[];
  changedAt: string;
}

export interface CaseResolvedData {
  caseId: string;
  resolvedAt: string;
  reason: 'COMPLIANT';
}

export interface CaseClosedData {
  caseId: string;
  closedAt: string;
  reason: 'PROJECT_CANCELLED';
}

export interface CaseWaivedData {
  caseId: string;
  by: ActingOfficial;
  justification: string;
  waivedAt: string;
}

/** A payment request (SPP-LS termin) arrived while the project was non-compliant: the client is told to hold it. */
export interface PaymentHoldRecommendedData {
  caseId: string;
  projectId: string;
  terminNumber: number;
  reasons: ComplianceReason[];
  recommendedAt: string;
}

/**
 * The held termins are no longer held: the project became compliant, an authorised official waived the case, or
 * the project was cancelled (nothing is paid under a cancelled contract, and the hold must not linger on the case).
 */
export interface PaymentHoldLiftedData {
  caseId: string;
  projectId: string;
  terminNumbers: number[];
  reason: 'COMPLIANT' | 'WAIVED' | 'PROJECT_CANCELLED';
  liftedAt: string;
}

export type EscalationCaseEvent =
  | { type: 'CaseOpened'; data: CaseOpenedData }
  | { type: 'EscalationLevelReached'; data: EscalationLevelReachedData }
  | { type: 'CaseAcknowledged'; data: CaseAcknowledgedData }
  | { type: 'CaseReasonsChanged'; data: CaseReasonsChangedData }
  | { type: 'CaseResolved'; data: CaseResolvedData }
  | { type: 'CaseClosed'; data: CaseClosedData }
  | { type: 'CaseWaived'; data: CaseWaivedData }
  | { type: 'PaymentHoldRecommended'; data: PaymentHoldRecommendedData }
  | { type: 'PaymentHoldLifted'; data: PaymentHoldLiftedData };

export type EscalationCaseEventType = EscalationCaseEvent['type'];

export const ESCALATION_CASE_EVENT_TYPES: readonly EscalationCaseEventType[] = [
  'CaseOpened',
  'EscalationLevelReached',
  'CaseAcknowledged',
  'CaseReasonsChanged',
  'CaseResolved',
  'CaseClosed',
  'CaseWaived',
  'PaymentHoldRecommended',
  'PaymentHoldLifted',
];

const CASE_STREAM_PREFIX = 'case-';
export const caseStreamId = (caseId: string) => `${CASE_STREAM_PREFIX}${caseId}`;
/** `caseStreamId` in SQL, for an expression holding a case id (uuid or text). */
export const caseStreamIdSql = (caseId: string) => `('${CASE_STREAM_PREFIX}' || ${caseId}::text)`;
/** The case id of a `case-<uuid>` stream id; `null` for any other stream. */
export const parseCaseStreamId = (streamId: string): string | null => uuidAfterPrefix(CASE_STREAM_PREFIX, streamId);
