import { conflict, DomainError, forbidden, invalid, notFound } from '@sinergi/common';
import type { Position } from '@sinergi/auth/principal';
import type { StreamModel } from '@sinergi/event-store';
import type { ComplianceReason } from '../../verification/compliance/compliance.events';
import { type EscalationLadder, validateLadder } from '../ladder/escalation-ladder';
import { addDuration } from '../ladder/iso-duration';
import type { ActingOfficial, EscalationCaseEvent, PaymentHoldLiftedData } from './escalation-case.events';

export {
  type ActingOfficial,
  caseStreamId,
  type EscalationCaseEvent,
  type EscalationCaseEventType,
  ESCALATION_CASE_EVENT_TYPES,
} from './escalation-case.events';

/**
 * What may happen to a case. `OpenCase`, `EscalationTimerFired`, `UpdateCaseReasons`, `ResolveCase` and `CloseCase`
 * come from consumers (the compliance and project streams, the timer queue): on a case that is no longer open they
 * decide nothing rather than throw, so a redelivery or a late job is harmless; so does `RecommendPaymentHold` (a
 * payment request seen by the escalation relay). `AcknowledgeCase` and `WaiveCase`
 * come from officials and are refused with a DomainError.
 */
export type EscalationCaseCommand =
  | {
      type: 'OpenCase';
      caseId: string;
      projectId: string;
      regionCode: string;
      agencyCode: string;
      reasons: ComplianceReason[];
      ladder: EscalationLadder;
      now: string;
    }
  | {
      type: 'EscalationTimerFired';
      /** The level whose wait elapsed, as the timer job carries it. */
      level: number;
      now: string;
    }
  | { type: 'AcknowledgeCase'; by: ActingOfficial; note: string; now: string }
  | { type: 'UpdateCaseReasons'; reasons: ComplianceReason[]; now: string }
  | { type: 'RecommendPaymentHold'; terminNumber: number; now: string }
  | { type: 'ResolveCase'; now: string }
  | { type: 'CloseCase'; now: string }
  | {
      type: 'WaiveCase';
      by: ActingOfficial;
      /** The official's agency (the `agency` claim): a head of agency waives its own agency's cases only. */
      agency: string | null;
      justification: string;
      now: string;
    };

export type CaseStatus = 'OPEN' | 'RESOLVED' | 'CLOSED' | 'WAIVED';

export interface CaseAcknowledgement {
  level: number;
  by: ActingOfficial;
  note: string;
  acknowledgedAt: string;
}

export interface EscalationCaseState {
  /** NOT_OPENED until CaseOpened is on the stream. */
  status: 'NOT_OPENED' | CaseStatus;
  caseId: string | null;
  projectId: string | null;
  regionCode: string | null;
  agencyCode: string | null;
  reasons: ComplianceReason[];
  openedAt: string | null;
  /** The ladder snapshot taken when the case opened; the only ladder the decider ever climbs. */
  ladder: EscalationLadder | null;
  /** The highest level reached; null before the case opened. */
  currentLevel: number | null;
  reachedLevels: number[];
  /** When the current level's wait runs out; null on the last level and once the case has ended. */
  nextEscalationAt: string | null;
  acknowledgements: CaseAcknowledgement[];
  /** Termins whose payment the client was told to hold and that have not been lifted. */
  heldTermins: number[];
  /** When the case was resolved, closed or waived. */
  endedAt: string | null;
}

/** Positions that may waive a case (heads of agency and above): the PPK and the contractor are the ones escalated. */
export const WAIVER_POSITIONS: readonly Position[] = ['KEPALA_DINAS', 'INSPEKTORAT', 'SEKDA', 'WAKIL_BUPATI', 'BUPATI'];

/** Whether `position` (of an official of `agency`) may waive a case of `caseAgency`: a head of agency only its own agency's. */
export const mayWaive = (position: Position | null, agency: string | null, caseAgency: string | null): boolean =>
  position !== null && WAIVER_POSITIONS.includes(position) && (position !== 'KEPALA_DINAS' || (agency !== null && agency === caseAgency));

/** Characters a waiver's justification needs after trimming: a reason someone can audit, not "ok". */
export const MIN_JUSTIFICATION_LENGTH = 20;

export const MAX_NOTE_LENGTH = 2000;

export const initialCaseState = (): EscalationCaseState => ({
  status: 'NOT_OPENED',
  caseId: null,
  projectId: null,
  regionCode: null,
  agencyCode: null,
  reasons: [],
  openedAt: null,
  ladder: null,
  currentLevel: null,
  reachedLevels: [],
  nextEscalationAt: null,
  acknowledgements: [],
  heldTermins: [],
  endedAt: null,
});

export function evolveCase(state: EscalationCaseState, event: EscalationCaseEvent): EscalationCaseState {
  switch (event.type) {
    case 'CaseOpened': {
      const d = event.data;
      return {
        ...state,
        status: 'OPEN',
        caseId: d.caseId,
        projectId: d.projectId,
        regionCode: d.regionCode,
        agencyCode: d.agencyCode,
        reasons: d.reasons,
        openedAt: d.openedAt,
        ladder: d.ladder,
      };
    }
    case 'EscalationLevelReached':
      return {
        ...state,
        currentLevel: Math.max(state.currentLevel ?? -1, event.data.level),
        reachedLevels: state.reachedLevels.includes(event.data.level) ? state.reachedLevels : [...state.reachedLevels, event.data.level],
        nextEscalationAt: event.data.nextEscalationAt,
      };
    case 'CaseAcknowledged': {
      const { level, by, note, acknowledgedAt } = event.data;
      return { ...state, acknowledgements: [...state.acknowledgements, { level, by, note, acknowledgedAt }] };
    }
    case 'CaseReasonsChanged':
      return { ...state, reasons: event.data.reasons };
    case 'CaseResolved':
      return { ...state, status: 'RESOLVED', nextEscalationAt: null, endedAt: event.data.resolvedAt };
    case 'CaseClosed':
      return { ...state, status: 'CLOSED', nextEscalationAt: null, endedAt: event.data.closedAt };
    case 'CaseWaived':
      return { ...state, status: 'WAIVED', nextEscalationAt: null, endedAt: event.data.waivedAt };
    case 'PaymentHoldRecommended':
      return { ...state, heldTermins: [...state.heldTermins, event.data.terminNumber] };
    case 'PaymentHoldLifted':
      return { ...state, heldTermins: state.heldTermins.filter((t) => !event.data.terminNumbers.includes(t)) };
    default: {
      const unexpected: never = event;
      throw new Error(`unknown event ${(unexpected as { type: string }).type}`);
    }
  }
}

/** How a case stream (`case-<caseId>`) folds: what `loadStream` and `CommandHandler` read it with. */
export const escalationCaseModel: StreamModel<EscalationCaseState, EscalationCaseEvent> = { evolve: evolveCase, initialState: initialCaseState };

export const foldCase = (events: Iterable<EscalationCaseEvent>): EscalationCaseState => {
  let state = initialCaseState();
  for (const e of events) state = evolveCase(state, e);
  return state;
};

/**
 * Decides what a command means for a case. Only the ladder snapshot in the state is ever climbed, and a level is
 * reached once: a timer that is a duplicate, stale (for a level below the current one) or late after the case ended
 * decides nothing. A timer that fires late after downtime reaches only the next level, whose own wait starts `now`,
 * so overdue levels fire one at a time, in order, never once per missed interval.
 */
export function decideCase(command: EscalationCaseCommand, state: EscalationCaseState): EscalationCaseEvent[] {
  switch (command.type) {
    case 'OpenCase':
      return decideOpen(command, state);
    case 'EscalationTimerFired': {
      if (state.status !== 'OPEN' || state.ladder === null) return [];
      const next = command.level + 1;
      if (state.reachedLevels.includes(next)) return [];
      if (command.level !== state.currentLevel) return [];
      if (next >= state.ladder.levels.length) return [];
      return [levelReached(state.caseId!, state.ladder, next, command.now)];
    }
    case 'AcknowledgeCase': {
      const open = requireOpen(state, 'acknowledged');
      const note = command.note.trim();
      if (note.length > MAX_NOTE_LENGTH) {
        throw invalid('note_too_long', `the note may be at most ${MAX_NOTE_LENGTH} characters`, [
          { path: 'note', code: 'too_long', message: `at most ${MAX_NOTE_LENGTH} characters` },
        ]);
      }
      // Acknowledging records that an official has seen this level; it stops nothing, and saying it twice adds nothing.
      if (open.acknowledgements.some((a) => a.level === open.currentLevel && a.by.sub === command.by.sub)) return [];
      return [
        {
          type: 'CaseAcknowledged',
          data: { caseId: open.caseId!, level: open.currentLevel!, by: { ...command.by }, note, acknowledgedAt: command.now },
        },
      ];
    }
    case 'UpdateCaseReasons': {
      if (state.status !== 'OPEN') return [];
      const reasons = distinct(command.reasons);
      if (reasons.length === 0) {
        throw invalid('reasons_required', 'an open case needs at least one reason; resolve it when the project is compliant');
      }
      if (sameSet(reasons, state.reasons)) return [];
      return [{ type: 'CaseReasonsChanged', data: { caseId: state.caseId!, reasons, changedAt: command.now } }];
    }
    case 'RecommendPaymentHold': {
      if (state.status !== 'OPEN' || state.heldTermins.includes(command.terminNumber)) return [];
      const { caseId, projectId, reasons } = state;
      return [
        {
          type: 'PaymentHoldRecommended',
          data: { caseId: caseId!, projectId: projectId!, terminNumber: command.terminNumber, reasons: [...reasons], recommendedAt: command.now },
        },
      ];
    }
    case 'ResolveCase':
      if (state.status !== 'OPEN') return [];
      return [
        { type: 'CaseResolved', data: { caseId: state.caseId!, resolvedAt: command.now, reason: 'COMPLIANT' } },
        ...liftHolds(state, 'COMPLIANT', command.now),
      ];
    case 'CloseCase':
      if (state.status !== 'OPEN') return [];
      // The project is gone: its held termins will never be paid under this contract, so the holds are lifted too
      // (the procurement client is told, and the case stops showing a hold).
      return [
        { type: 'CaseClosed', data: { caseId: state.caseId!, closedAt: command.now, reason: 'PROJECT_CANCELLED' } },
        ...liftHolds(state, 'PROJECT_CANCELLED', command.now),
      ];
    case 'WaiveCase': {
      if (state.status === 'NOT_OPENED') throw notFound('case_not_found', 'no such case');
      const position = command.by.position;
      if (position === null || !WAIVER_POSITIONS.includes(position)) {
        throw forbidden('waiver_not_allowed', `only ${WAIVER_POSITIONS.join(', ')} may waive a case`);
      }
      if (!mayWaive(position, command.agency, state.agencyCode)) {
        throw forbidden('waiver_not_allowed', 'a head of agency may waive only the cases of its own agency');
      }
      const open = requireOpen(state, 'waived');
      const justification = command.justification.trim();
      if (justification.length < MIN_JUSTIFICATION_LENGTH) {
        throw invalid('justification_too_short', `a waiver needs a written justification of at least ${MIN_JUSTIFICATION_LENGTH} characters`, [
          { path: 'justification', code: 'too_short', message: `at least ${MIN_JUSTIFICATION_LENGTH} characters` },
        ]);
      }
      return [
        { type: 'CaseWaived', data: { caseId: open.caseId!, by: { ...command.by }, justification, waivedAt: command.now } },
        ...liftHolds(open, 'WAIVED', command.now),
      ];
    }
    default: {
      const unexpected: never = command;
      throw new Error(`unknown command ${(unexpected as { type: string }).type}`);
    }
  }
}

type OpenCase = Extract<EscalationCaseCommand, { type: 'OpenCase' }>;

function decideOpen(command: OpenCase, state: EscalationCaseState): EscalationCaseEvent[] {
  if (state.status !== 'NOT_OPENED') {
    // A redelivered verdict for the same project opens nothing new; anything else on this stream is a bug upstream.
    if (state.projectId === command.projectId) return [];
    throw conflict('case_already_opened', `case ${state.caseId} is already open for another project`);
  }
  const reasons = distinct(command.reasons);
  if (reasons.length === 0) throw invalid('reasons_required', 'a case opens for at least one reason of non-compliance');
  const checked = validateLadder(command.ladder);
  if (!checked.ok) throw new DomainError('invalid', 'invalid_ladder', 'the escalation ladder is not valid', checked.errors);
  const { caseId, projectId, regionCode, agencyCode, now } = command;
  return [
    { type: 'CaseOpened', data: { caseId, projectId, regionCode, agencyCode, reasons, openedAt: now, ladder: checked.ladder } },
    levelReached(caseId, checked.ladder, 0, now),
  ];
}

function levelReached(caseId: string, ladder: EscalationLadder, level: number, now: string): EscalationCaseEvent {
  const rung = ladder.levels[level];
  return {
    type: 'EscalationLevelReached',
    data: {
      caseId,
      level,
      recipients: [...rung.recipients],
      reachedAt: now,
      nextEscalationAt: rung.waitBeforeNext === null ? null : addDuration(now, rung.waitBeforeNext),
    },
  };
}

/** A case that ends while payments are held lets them go: compliance, a waiver or the project's cancellation. */
function liftHolds(state: EscalationCaseState, reason: PaymentHoldLiftedData['reason'], now: string): EscalationCaseEvent[] {
  if (state.heldTermins.length === 0) return [];
  return [
    {
      type: 'PaymentHoldLifted',
      data: { caseId: state.caseId!, projectId: state.projectId!, terminNumbers: [...state.heldTermins], reason, liftedAt: now },
    },
  ];
}

function requireOpen(state: EscalationCaseState, what: string): EscalationCaseState {
  if (state.status === 'NOT_OPENED') throw notFound('case_not_found', 'no such case');
  if (state.status !== 'OPEN') throw conflict('case_not_open', `the case is ${state.status.toLowerCase()}; it can no longer be ${what}`);
  return state;
}

const distinct = <T>(values: readonly T[]): T[] => [...new Set(values)];

const sameSet = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((v) => b.includes(v));

/**
 * The id of the timer job for a case's `level` (the level whose wait it times): the same inputs always give the same
 * id, so scheduling twice, or a reconciler re-creating a lost timer, queues one job. BullMQ ids may not contain ':'.
 */
export function caseTimerJobId(caseId: string, level: number): string {
  if (caseId === '' || caseId.includes(':')) throw new RangeError(`a case id for a timer must be non-empty and without ':', not ${JSON.stringify(caseId)}`);
  if (!Number.isSafeInteger(level) || level < 0) throw new RangeError(`a ladder level is a whole number from 0, not ${level}`);
  return `escalation-${caseId}-level-${level}`;
}

/** The timer an open case is waiting on, if any: what a scheduler or reconciler must make sure is queued. */
export interface PendingCaseTimer {
  jobId: string;
  caseId: string;
  level: number;
  dueAt: string;
}

export function pendingCaseTimer(state: EscalationCaseState): PendingCaseTimer | null {
  if (state.status !== 'OPEN' || state.nextEscalationAt === null || state.caseId === null || state.currentLevel === null) return null;
  return {
    jobId: caseTimerJobId(state.caseId, state.currentLevel),
    caseId: state.caseId,
    level: state.currentLevel,
    dueAt: state.nextEscalationAt,
  };
}
