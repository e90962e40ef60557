/**
 * When a project's case opens, changes, resolves and closes, and when a payment hold waits for a verdict (docs/api.md):
 * the escalation relay's rules, as a pure decider over the relay's view of one project. Its input is what the
 * project and compliance streams say happened; its events are what it remembers and the commands it sends to the
 * project's case (`escalation-case.decider.ts` decides what each command means for the case itself).
 */
import type { ComplianceReason, ComplianceStatus } from '../../verification/compliance/compliance.events';
import { caseIdFor } from '../escalation.queues';
import type { EscalationLadder } from '../ladder/escalation-ladder';
import type { EscalationCaseCommand } from './escalation-case.decider';

/** The relay's view of a project (a row of `escalation_projects`); null until its registration is seen. */
export interface EscalationProjectView {
  projectId: string;
  regionCode: string;
  agencyCode: string;
  /** The procurement client that registered it: payment holds go to its webhook. */
  sourceClientId: string | null;
  complianceStatus: ComplianceStatus;
  reasons: ComplianceReason[];
  openCaseId: string | null;
  /** Cases opened so far: the next one is `caseIdFor(projectId, casesOpened + 1)`. */
  casesOpened: number;
  /** A termin requested before any verdict said the project was non-compliant: held if the next verdict does. */
  awaitingVerdictTermin: number | null;
  cancelled: boolean;
}

export type EscalationPolicyState = EscalationProjectView | null;

/** What the policy reacts to: facts from the project stream (`project-<id>`) and the compliance stream. */
export type EscalationFact =
  | { type: 'ProjectRegistered'; projectId: string; regionCode: string; agencyCode: string; sourceClientId: string | null }
  | { type: 'PaymentRequested'; terminNumber: number }
  | { type: 'ProjectCancelled' }
  | { type: 'ComplianceStatusChanged'; to: ComplianceStatus; reasons: ComplianceReason[] };

type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A case command as the policy issues it; the relay adds `now`, and to open a case the region's ladder. */
export type PolicyCaseCommand = Without<
  Extract<EscalationCaseCommand, { type: 'OpenCase' | 'UpdateCaseReasons' | 'RecommendPaymentHold' | 'ResolveCase' | 'CloseCase' }>,
  'caseId' | 'ladder' | 'now'
>;

export type EscalationPolicyEvent =
  | { type: 'ProjectTracked'; data: Pick<EscalationProjectView, 'projectId' | 'regionCode' | 'agencyCode' | 'sourceClientId'> }
  | { type: 'VerdictNoted'; data: { status: ComplianceStatus; reasons: ComplianceReason[] } }
  | { type: 'CancellationNoted'; data: Record<string, never> }
  /** The termin waits for the verdict its own re-verification brings. */
  | { type: 'PaymentHoldDeferred'; data: { terminNumber: number } }
  /** The verdict that came was COMPLIANT: the waiting termin is not held. */
  | { type: 'DeferredHoldDropped'; data: { terminNumber: number } }
  /** A command sent to the case stream `case-<caseId>`, in order. */
  | { type: 'CaseCommandIssued'; data: { caseId: string; command: PolicyCaseCommand } };

export const initialPolicyState = (): EscalationPolicyState => null;

/**
 * The rules, for one fact:
 * - a registration starts the view (once; the same registration again changes nothing); any other fact about a
 *   project whose registration was never seen is ignored;
 * - every verdict is noted. Unless the project is cancelled, NON_COMPLIANT opens the project's next case (or, when
 *   one is open, updates its reasons) and holds the termin waiting for this verdict; COMPLIANT resolves the open
 *   case and drops the waiting termin; PENDING and UNVERIFIABLE change nothing else;
 * - a payment request recommends a hold on the open case; with no case open (and not cancelled) it waits for the
 *   verdict its own re-verification brings (the latest termin waits; earlier ones are superseded);
 * - cancellation closes the open case, which lifts its holds; nothing is held after it.
 */
export function decideEscalation(fact: EscalationFact, view: EscalationPolicyState): EscalationPolicyEvent[] {
  if (fact.type === 'ProjectRegistered') {
    if (view !== null) return [];
    const { projectId, regionCode, agencyCode, sourceClientId } = fact;
    return [{ type: 'ProjectTracked', data: { projectId, regionCode, agencyCode, sourceClientId } }];
  }
  if (view === null) return [];
  switch (fact.type) {
    case 'ProjectCancelled':
      return [{ type: 'CancellationNoted', data: {} }, ...(view.openCaseId ? [issue(view.openCaseId, { type: 'CloseCase' })] : [])];
    case 'PaymentRequested': {
      const { terminNumber } = fact;
      if (view.openCaseId) return [issue(view.openCaseId, { type: 'RecommendPaymentHold', terminNumber })];
      if (view.cancelled) return [];
      return [{ type: 'PaymentHoldDeferred', data: { terminNumber } }];
    }
    case 'ComplianceStatusChanged': {
      const noted: EscalationPolicyEvent = { type: 'VerdictNoted', data: { status: fact.to, reasons: fact.reasons } };
      if (view.cancelled) return [noted];
      const waiting = view.awaitingVerdictTermin;
      switch (fact.to) {
        case 'NON_COMPLIANT': {
          const { reasons } = fact;
          const caseId = view.openCaseId ?? caseIdFor(view.projectId, view.casesOpened + 1);
          const { projectId, regionCode, agencyCode } = view;
          return [
            noted,
            issue(caseId, view.openCaseId ? { type: 'UpdateCaseReasons', reasons } : { type: 'OpenCase', projectId, regionCode, agencyCode, reasons }),
            ...(waiting !== null ? [issue(caseId, { type: 'RecommendPaymentHold', terminNumber: waiting })] : []),
          ];
        }
        case 'COMPLIANT':
          return [
            noted,
            ...(view.openCaseId ? [issue(view.openCaseId, { type: 'ResolveCase' })] : []),
            ...(waiting !== null ? [{ type: 'DeferredHoldDropped' as const, data: { terminNumber: waiting } }] : []),
          ];
        case 'PENDING':
        case 'UNVERIFIABLE':
          return [noted];
        default: {
          const unexpected: never = fact.to;
          throw new Error(`unknown compliance status ${String(unexpected)}`);
        }
      }
    }
    default: {
      const unexpected: never = fact;
      throw new Error(`unknown fact ${(unexpected as { type: string }).type}`);
    }
  }
}

export function evolveEscalation(view: EscalationPolicyState, event: EscalationPolicyEvent): EscalationPolicyState {
  if (event.type === 'ProjectTracked') {
    return { ...event.data, complianceStatus: 'PENDING', reasons: [], openCaseId: null, casesOpened: 0, awaitingVerdictTermin: null, cancelled: false };
  }
  if (view === null) return view;
  switch (event.type) {
    case 'VerdictNoted':
      return { ...view, complianceStatus: event.data.status, reasons: event.data.reasons };
    case 'CancellationNoted':
      return { ...view, cancelled: true, openCaseId: null, awaitingVerdictTermin: null };
    case 'PaymentHoldDeferred':
      return { ...view, awaitingVerdictTermin: event.data.terminNumber };
    case 'DeferredHoldDropped':
      return { ...view, awaitingVerdictTermin: null };
    case 'CaseCommandIssued': {
      const { caseId, command } = event.data;
      switch (command.type) {
        case 'OpenCase':
          return { ...view, openCaseId: caseId, casesOpened: view.casesOpened + 1 };
        case 'RecommendPaymentHold':
          return { ...view, awaitingVerdictTermin: null };
        case 'ResolveCase':
        case 'CloseCase':
          return { ...view, openCaseId: null };
        case 'UpdateCaseReasons':
          return view;
        default: {
          const unexpected: never = command;
          throw new Error(`unknown case command ${(unexpected as { type: string }).type}`);
        }
      }
    }
    default: {
      const unexpected: never = event;
      throw new Error(`unknown event ${(unexpected as { type: string }).type}`);
    }
  }
}

/** The case decider's command for an issued one, at `now`; opening takes the region's ladder as it stands. */
export function toCaseCommand(
  { caseId, command }: { caseId: string; command: PolicyCaseCommand },
  now: string,
  ladder: EscalationLadder | null,
): EscalationCaseCommand {
  if (command.type !== 'OpenCase') return { ...command, now };
  if (ladder === null) throw new Error(`opening case ${caseId} needs its region's ladder`);
  return { ...command, caseId, ladder, now };
}

const issue = (caseId: string, command: PolicyCaseCommand): EscalationPolicyEvent => ({ type: 'CaseCommandIssued', data: { caseId, command } });
