import { DomainError } from '@sinergi/common';
import { DeciderSpecification } from '@sinergi/testing/decider-specification';
import { DEFAULT_SINJAI_LADDER, type EscalationLadder, shortenLadder } from '../ladder/escalation-ladder';
import {
  caseTimerJobId,
  decideCase,
  type EscalationCaseCommand,
  evolveCase,
  foldCase,
  initialCaseState,
  pendingCaseTimer,
} from './escalation-case.decider';
import { caseStreamId, type EscalationCaseEvent } from './escalation-case.events';

const CASE_ID = '9b2d4c1e-6a3f-5e8b-8c7d-1f0e2a3b7307';
const PROJECT_ID = '3f0c2a9e-8d41-5b7a-9c1e-2f6b8a4d7307';

const spec = DeciderSpecification.for({ decide: decideCase, evolve: evolveCase, initialState: initialCaseState });

/** Monday 2 June 2025, 09:00 WITA: the first NON_COMPLIANT verdict. */
const OPENED_AT = '2025-06-02T09:00:00+08:00';
/** OPENED_AT + P3D, in UTC. */
const L1_DUE = '2025-06-05T01:00:00.000Z';
/** L1_DUE + P7D. */
const L2_DUE = '2025-06-12T01:00:00.000Z';
/** L2_DUE + P14D. */
const L3_DUE = '2025-06-26T01:00:00.000Z';

const open = (ladder: EscalationLadder = DEFAULT_SINJAI_LADDER): EscalationCaseCommand => ({
  type: 'OpenCase',
  caseId: CASE_ID,
  projectId: PROJECT_ID,
  regionCode: '73.07.05',
  agencyCode: 'PUPR',
  reasons: ['ENROLMENT_MISSING'],
  ladder,
  now: OPENED_AT,
});

const opened = (ladder: EscalationLadder = DEFAULT_SINJAI_LADDER): EscalationCaseEvent => ({
  type: 'CaseOpened',
  data: {
    caseId: CASE_ID,
    projectId: PROJECT_ID,
    regionCode: '73.07.05',
    agencyCode: 'PUPR',
    reasons: ['ENROLMENT_MISSING'],
    openedAt: OPENED_AT,
    ladder,
  },
});

const reached = (level: number, recipients: string[], reachedAt: string, nextEscalationAt: string | null): EscalationCaseEvent =>
  ({ type: 'EscalationLevelReached', data: { caseId: CASE_ID, level, recipients, reachedAt, nextEscalationAt } }) as EscalationCaseEvent;

const L0 = reached(0, ['CONTRACTOR', 'PPK'], OPENED_AT, L1_DUE);
const L1 = reached(1, ['KEPALA_DINAS', 'BPJS_BRANCH'], L1_DUE, L2_DUE);
const L2 = reached(2, ['INSPEKTORAT', 'SEKDA'], L2_DUE, L3_DUE);
const L3 = reached(3, ['BUPATI', 'WAKIL_BUPATI'], L3_DUE, null);

const timer = (level: number, now: string): EscalationCaseCommand => ({ type: 'EscalationTimerFired', level, now });

const PPK = { sub: 'official-ppk-1', position: 'PPK' as const };
const KADIS = { sub: 'official-kadis-pupr', position: 'KEPALA_DINAS' as const };
const CONTRACTOR = { sub: 'contractor-1', position: 'CONTRACTOR' as const };
const JUSTIFICATION = 'Proyek dihentikan sementara oleh putusan pengadilan; tidak ada pekerja di lokasi.';

const resolved = (resolvedAt: string): EscalationCaseEvent => ({
  type: 'CaseResolved',
  data: { caseId: CASE_ID, resolvedAt, reason: 'COMPLIANT' },
});

describe('escalation case decider', () => {
  describe('opening', () => {
    it('opens the case with a snapshot of the ladder and reaches level 0 with its 3-day deadline', () => {
      spec.given([]).when(open()).then([opened(), L0]);
    });

    it('opens nothing more when the same verdict is delivered again', () => {
      spec.given([opened(), L0]).when(open()).thenNothingHappened();
    });

    it('refuses to open a second project on the same case stream', () => {
      spec
        .given([opened(), L0])
        .when({ ...open(), projectId: 'another-project' } as EscalationCaseCommand)
        .thenThrows(DomainError, (e) => e.kind === 'conflict' && e.code === 'case_already_opened');
    });

    it('refuses to open a case without a reason', () => {
      spec
        .given([])
        .when({ ...open(), reasons: [] } as EscalationCaseCommand)
        .thenThrows(DomainError, (e) => e.code === 'reasons_required');
    });

    it('refuses to open a case on an invalid ladder, saying what is wrong with it', () => {
      const broken = { ...DEFAULT_SINJAI_LADDER, levels: DEFAULT_SINJAI_LADDER.levels.slice(0, 2) };
      spec
        .given([])
        .when(open(broken))
        .thenThrows(
          DomainError,
          (e) => e.code === 'invalid_ladder' && e.errors.length === 1 && e.errors[0].path === 'levels[1].waitBeforeNext',
        );
    });

    it('reaches a one-level ladder with no next escalation', () => {
      const single: EscalationLadder = { regionCode: '73.07', version: 3, levels: [{ level: 0, recipients: ['BUPATI'], waitBeforeNext: null }] };
      spec
        .given([])
        .when(open(single))
        .then([opened(single), reached(0, ['BUPATI'], OPENED_AT, null)]);
    });
  });

  describe('climbing the ladder', () => {
    it('climbs L0 → L1 when the 3-day wait of L0 elapses', () => {
      spec.given([opened(), L0]).when(timer(0, L1_DUE)).then(L1);
    });

    it('climbs L1 → L2 when the 7-day wait of L1 elapses', () => {
      spec.given([opened(), L0, L1]).when(timer(1, L2_DUE)).then(L2);
    });

    it('climbs L2 → L3 (the regent and vice-regent) when the 14-day wait of L2 elapses, with nothing after', () => {
      spec.given([opened(), L0, L1, L2]).when(timer(2, L3_DUE)).then(L3);
    });

    it('does nothing when a timer fires on the last level', () => {
      spec.given([opened(), L0, L1, L2, L3]).when(timer(3, '2025-07-10T01:00:00.000Z')).thenNothingHappened();
    });

    it('goes through every level once, from open to the regent, and then waits for an ending', () => {
      let history: EscalationCaseEvent[] = [];
      const run = (command: EscalationCaseCommand) => {
        const events = decideCase(command, foldCase(history));
        history = [...history, ...events];
        return events;
      };
      run(open());
      for (let level = 0; level < 4; level++) {
        const due = pendingCaseTimer(foldCase(history));
        if (level < 3) {
          expect(due).toEqual({ jobId: `escalation-${CASE_ID}-level-${level}`, caseId: CASE_ID, level, dueAt: [L1_DUE, L2_DUE, L3_DUE][level] });
          run(timer(due!.level, due!.dueAt));
        } else {
          expect(due).toBeNull();
        }
      }
      expect(history).toEqual([opened(), L0, L1, L2, L3]);
      expect(run(timer(3, '2025-07-10T01:00:00.000Z'))).toEqual([]);
      expect(foldCase(history)).toMatchObject({ status: 'OPEN', currentLevel: 3, reachedLevels: [0, 1, 2, 3], nextEscalationAt: null });
    });

    it('appends nothing for a duplicate timer of a level whose next level was already reached', () => {
      spec.given([opened(), L0, L1]).when(timer(0, L1_DUE)).thenNothingHappened();
    });

    it('appends nothing for a stale timer of a level below the current one', () => {
      spec.given([opened(), L0, L1, L2]).when(timer(0, '2025-06-20T01:00:00.000Z')).thenNothingHappened();
    });

    it('appends nothing for a timer of a level the case has not reached', () => {
      spec.given([opened(), L0]).when(timer(1, L2_DUE)).thenNothingHappened();
    });

    it('after downtime across several due times, a late timer reaches only the next level, due again from now', () => {
      // Down from 4 June to 20 June 10:30 WITA: both L1 (5 June) and L2 (12 June) fell due meanwhile.
      const recoveredAt = '2025-06-20T10:30:00+08:00';
      spec
        .given([opened(), L0])
        .when(timer(0, recoveredAt))
        .then(reached(1, ['KEPALA_DINAS', 'BPJS_BRANCH'], recoveredAt, '2025-06-27T02:30:00.000Z'));
    });

    it('after downtime, the overdue timer redelivered adds nothing: each overdue level fires once, in order', () => {
      const recoveredAt = '2025-06-20T10:30:00+08:00';
      const lateL1 = reached(1, ['KEPALA_DINAS', 'BPJS_BRANCH'], recoveredAt, '2025-06-27T02:30:00.000Z');
      spec.given([opened(), L0, lateL1]).when(timer(0, '2025-06-20T02:30:01.000Z')).thenNothingHappened();
      spec
        .given([opened(), L0, lateL1])
        .when(timer(1, '2025-06-27T02:30:00.000Z'))
        .then(reached(2, ['INSPEKTORAT', 'SEKDA'], '2025-06-27T02:30:00.000Z', '2025-07-11T02:30:00.000Z'));
    });
  });

  describe('ladder version pinning', () => {
    /** The region's ladder as it stands after the case opened: v2, with one-day waits. */
    const v2: EscalationLadder = {
      regionCode: '73.07',
      version: 2,
      levels: [
        { level: 0, recipients: ['PPK'], waitBeforeNext: 'P1D' },
        { level: 1, recipients: ['SEKDA'], waitBeforeNext: 'P1D' },
        { level: 2, recipients: ['BUPATI'], waitBeforeNext: null },
      ],
    };

    it('keeps climbing with the waits and recipients of v1 after the region moves to v2', () => {
      // The timer carries no ladder: the decider can only use the snapshot taken at opening.
      spec.given([opened(), L0]).when(timer(0, L1_DUE)).then(reached(1, ['KEPALA_DINAS', 'BPJS_BRANCH'], L1_DUE, L2_DUE));
      spec.given([opened(), L0, L1, L2]).when(timer(2, L3_DUE)).then(L3);
    });

    it('does not take up v2 when the verdict is delivered again with the new ladder', () => {
      spec.given([opened(), L0]).when(open(v2)).thenNothingHappened();
      expect(foldCase([opened(), L0]).ladder).toEqual(DEFAULT_SINJAI_LADDER);
    });

    it('gives a case opened on v2 the waits of v2', () => {
      spec
        .given([])
        .when(open(v2))
        .then([opened(v2), reached(0, ['PPK'], OPENED_AT, '2025-06-03T01:00:00.000Z')]);
    });
  });

  describe('acknowledging', () => {
    it('records the acknowledgement at the current level', () => {
      spec
        .given([opened(), L0])
        .when({ type: 'AcknowledgeCase', by: PPK, note: '  Sudah ditegur penyedia.  ', now: '2025-06-03T10:00:00+08:00' })
        .then({
          type: 'CaseAcknowledged',
          data: { caseId: CASE_ID, level: 0, by: PPK, note: 'Sudah ditegur penyedia.', acknowledgedAt: '2025-06-03T10:00:00+08:00' },
        });
    });

    it('does not stop the climb: the case still reaches L1 when the wait elapses', () => {
      const acknowledged: EscalationCaseEvent = {
        type: 'CaseAcknowledged',
        data: { caseId: CASE_ID, level: 0, by: PPK, note: 'Sudah ditegur penyedia.', acknowledgedAt: '2025-06-03T10:00:00+08:00' },
      };
      spec.given([opened(), L0, acknowledged]).when(timer(0, L1_DUE)).then(L1);
      expect(pendingCaseTimer(foldCase([opened(), L0, acknowledged]))).toMatchObject({ level: 0, dueAt: L1_DUE });
    });

    it('adds nothing when the same official acknowledges the same level again', () => {
      const acknowledged: EscalationCaseEvent = {
        type: 'CaseAcknowledged',
        data: { caseId: CASE_ID, level: 0, by: PPK, note: '', acknowledgedAt: '2025-06-03T10:00:00+08:00' },
      };
      spec
        .given([opened(), L0, acknowledged])
        .when({ type: 'AcknowledgeCase', by: PPK, note: 'lagi', now: '2025-06-03T11:00:00+08:00' })
        .thenNothingHappened();
      spec
        .given([opened(), L0, acknowledged, L1])
        .when({ type: 'AcknowledgeCase', by: PPK, note: '', now: L1_DUE })
        .then({ type: 'CaseAcknowledged', data: { caseId: CASE_ID, level: 1, by: PPK, note: '', acknowledgedAt: L1_DUE } });
    });

    it('refuses to acknowledge a case that has ended', () => {
      spec
        .given([opened(), L0, resolved('2025-06-03T10:00:00+08:00')])
        .when({ type: 'AcknowledgeCase', by: PPK, note: '', now: '2025-06-04T10:00:00+08:00' })
        .thenThrows(DomainError, (e) => e.kind === 'conflict' && e.code === 'case_not_open');
    });

    it('answers not found for a case that was never opened', () => {
      spec
        .given([])
        .when({ type: 'AcknowledgeCase', by: PPK, note: '', now: OPENED_AT })
        .thenThrows(DomainError, (e) => e.kind === 'not_found' && e.code === 'case_not_found');
    });
  });

  describe('waiving', () => {
    const WAIVED_AT = '2025-06-06T14:00:00+08:00';

    it('lets the head of agency waive the case with a written justification', () => {
      spec
        .given([opened(), L0, L1])
        .when({ type: 'WaiveCase', by: KADIS, agency: 'PUPR', justification: `  ${JUSTIFICATION}\n`, now: WAIVED_AT })
        .then({ type: 'CaseWaived', data: { caseId: CASE_ID, by: KADIS, justification: JUSTIFICATION, waivedAt: WAIVED_AT } });
    });

    it('stops the climb once waived: the pending timer then does nothing', () => {
      const waived: EscalationCaseEvent = { type: 'CaseWaived', data: { caseId: CASE_ID, by: KADIS, justification: JUSTIFICATION, waivedAt: WAIVED_AT } };
      spec.given([opened(), L0, L1, waived]).when(timer(1, L2_DUE)).thenNothingHappened();
      expect(foldCase([opened(), L0, L1, waived])).toMatchObject({ status: 'WAIVED', nextEscalationAt: null, endedAt: WAIVED_AT });
      expect(pendingCaseTimer(foldCase([opened(), L0, L1, waived]))).toBeNull();
    });

    it.each([
      ['the PPK', PPK],
      ['the contractor', CONTRACTOR],
      ['the BPJS branch', { sub: 'bpjs-sinjai', position: 'BPJS_BRANCH' as const }],
      ['an official without a position', { sub: 'official-x', position: null }],
    ])('refuses a waiver by %s', (_who, by) => {
      spec
        .given([opened(), L0])
        .when({ type: 'WaiveCase', by, agency: 'PUPR', justification: JUSTIFICATION, now: WAIVED_AT })
        .thenThrows(DomainError, (e) => e.kind === 'forbidden' && e.code === 'waiver_not_allowed');
    });

    it.each([
      ['another agency', 'DINKES'],
      ['no agency at all', null],
    ])('refuses a waiver by a head of agency of %s', (_who, agency) => {
      spec
        .given([opened(), L0])
        .when({ type: 'WaiveCase', by: KADIS, agency, justification: JUSTIFICATION, now: WAIVED_AT })
        .thenThrows(DomainError, (e) => e.kind === 'forbidden' && e.code === 'waiver_not_allowed' && e.message.includes('own agency'));
    });

    it.each(['INSPEKTORAT', 'SEKDA', 'WAKIL_BUPATI', 'BUPATI'] as const)('lets %s waive too, whatever the agency', (position) => {
      const by = { sub: `official-${position.toLowerCase()}`, position };
      spec
        .given([opened(), L0])
        .when({ type: 'WaiveCase', by, agency: null, justification: JUSTIFICATION, now: WAIVED_AT })
        .then({ type: 'CaseWaived', data: { caseId: CASE_ID, by, justification: JUSTIFICATION, waivedAt: WAIVED_AT } });
    });

    it('refuses a justification shorter than 20 characters after trimming', () => {
      spec
        .given([opened(), L0])
        .when({ type: 'WaiveCase', by: KADIS, agency: 'PUPR', justification: '   sudah dibereskan    ', now: WAIVED_AT })
        .thenThrows(
          DomainError,
          (e) => e.kind === 'invalid' && e.code === 'justification_too_short' && e.errors[0].path === 'justification',
        );
    });

    it('accepts a justification of exactly 20 characters', () => {
      spec
        .given([opened(), L0])
        .when({ type: 'WaiveCase', by: KADIS, agency: 'PUPR', justification: ' 12345678901234567890 ', now: WAIVED_AT })
        .then({ type: 'CaseWaived', data: { caseId: CASE_ID, by: KADIS, justification: '12345678901234567890', waivedAt: WAIVED_AT } });
    });

    it('refuses to waive a case that was already resolved', () => {
      spec
        .given([opened(), L0, resolved('2025-06-04T10:00:00+08:00')])
        .when({ type: 'WaiveCase', by: KADIS, agency: 'PUPR', justification: JUSTIFICATION, now: WAIVED_AT })
        .thenThrows(DomainError, (e) => e.code === 'case_not_open');
    });
  });

  describe('resolving', () => {
    it('resolves the case before the first timer, and that timer then does nothing', () => {
      const at = '2025-06-03T16:00:00+08:00';
      spec.given([opened(), L0]).when({ type: 'ResolveCase', now: at }).then(resolved(at));
      spec.given([opened(), L0, resolved(at)]).when(timer(0, L1_DUE)).thenNothingHappened();
    });

    it('resolves the case between levels, and the pending timer then does nothing', () => {
      const at = '2025-06-08T16:00:00+08:00';
      spec.given([opened(), L0, L1]).when({ type: 'ResolveCase', now: at }).then(resolved(at));
      spec.given([opened(), L0, L1, resolved(at)]).when(timer(1, L2_DUE)).thenNothingHappened();
      expect(foldCase([opened(), L0, L1, resolved(at)])).toMatchObject({ status: 'RESOLVED', currentLevel: 1, nextEscalationAt: null });
    });

    it('resolves only once', () => {
      spec.given([opened(), L0, resolved('2025-06-03T16:00:00+08:00')]).when({ type: 'ResolveCase', now: L1_DUE }).thenNothingHappened();
    });

    it('resolves nothing when no case was opened', () => {
      spec.given([]).when({ type: 'ResolveCase', now: OPENED_AT }).thenNothingHappened();
    });
  });

  describe('closing on cancellation', () => {
    const at = '2025-06-10T08:00:00+08:00';
    const closed: EscalationCaseEvent = { type: 'CaseClosed', data: { caseId: CASE_ID, closedAt: at, reason: 'PROJECT_CANCELLED' } };

    it('closes an open case when the project is cancelled', () => {
      spec.given([opened(), L0, L1]).when({ type: 'CloseCase', now: at }).then(closed);
    });

    it('climbs no further once closed', () => {
      spec.given([opened(), L0, L1, closed]).when(timer(1, L2_DUE)).thenNothingHappened();
      expect(foldCase([opened(), L0, L1, closed])).toMatchObject({ status: 'CLOSED', endedAt: at });
    });

    it('does not close a case that was already resolved', () => {
      spec.given([opened(), L0, resolved('2025-06-03T16:00:00+08:00')]).when({ type: 'CloseCase', now: at }).thenNothingHappened();
    });
  });

  describe('reasons changing', () => {
    const at = '2025-06-04T09:00:00+08:00';

    it('records new reasons when the compliance findings change', () => {
      spec
        .given([opened(), L0])
        .when({ type: 'UpdateCaseReasons', reasons: ['PREMIUM_SHORTFALL', 'COVERAGE_GAP'], now: at })
        .then({ type: 'CaseReasonsChanged', data: { caseId: CASE_ID, reasons: ['PREMIUM_SHORTFALL', 'COVERAGE_GAP'], changedAt: at } });
    });

    it('records nothing when the reasons are the same, in whatever order', () => {
      const changed: EscalationCaseEvent = {
        type: 'CaseReasonsChanged',
        data: { caseId: CASE_ID, reasons: ['PREMIUM_SHORTFALL', 'COVERAGE_GAP'], changedAt: at },
      };
      spec.given([opened(), L0]).when({ type: 'UpdateCaseReasons', reasons: ['ENROLMENT_MISSING'], now: at }).thenNothingHappened();
      spec
        .given([opened(), L0, changed])
        .when({ type: 'UpdateCaseReasons', reasons: ['COVERAGE_GAP', 'PREMIUM_SHORTFALL'], now: L1_DUE })
        .thenNothingHappened();
      expect(foldCase([opened(), L0, changed]).reasons).toEqual(['PREMIUM_SHORTFALL', 'COVERAGE_GAP']);
    });

    it('records nothing on a case that has ended', () => {
      spec
        .given([opened(), L0, resolved(at)])
        .when({ type: 'UpdateCaseReasons', reasons: ['COVERAGE_GAP'], now: L1_DUE })
        .thenNothingHappened();
    });

    it('refuses an empty list of reasons: a compliant project resolves the case instead', () => {
      spec
        .given([opened(), L0])
        .when({ type: 'UpdateCaseReasons', reasons: [], now: at })
        .thenThrows(DomainError, (e) => e.code === 'reasons_required');
    });
  });

  describe('payment holds', () => {
    const REQUESTED_AT = '2025-06-03T10:00:00+08:00';
    const held = (terminNumber: number): EscalationCaseEvent => ({
      type: 'PaymentHoldRecommended',
      data: { caseId: CASE_ID, projectId: PROJECT_ID, terminNumber, reasons: ['ENROLMENT_MISSING'], recommendedAt: REQUESTED_AT },
    });

    it('recommends holding a termin requested while the case is open, once per termin', () => {
      spec.given([opened(), L0]).when({ type: 'RecommendPaymentHold', terminNumber: 1, now: REQUESTED_AT }).then(held(1));
      spec.given([opened(), L0, held(1)]).when({ type: 'RecommendPaymentHold', terminNumber: 1, now: REQUESTED_AT }).thenNothingHappened();
      spec.given([opened(), L0, held(1)]).when({ type: 'RecommendPaymentHold', terminNumber: 2, now: REQUESTED_AT }).then(held(2));
    });

    it('recommends nothing on a case that has ended or never opened', () => {
      spec.given([opened(), L0, resolved(L1_DUE)]).when({ type: 'RecommendPaymentHold', terminNumber: 1, now: REQUESTED_AT }).thenNothingHappened();
      spec.given([]).when({ type: 'RecommendPaymentHold', terminNumber: 1, now: REQUESTED_AT }).thenNothingHappened();
    });

    it('lifts every held termin when the project becomes compliant', () => {
      spec
        .given([opened(), L0, held(1), held(2)])
        .when({ type: 'ResolveCase', now: L1_DUE })
        .then([
          resolved(L1_DUE),
          { type: 'PaymentHoldLifted', data: { caseId: CASE_ID, projectId: PROJECT_ID, terminNumbers: [1, 2], reason: 'COMPLIANT', liftedAt: L1_DUE } },
        ]);
    });

    it('lifts the hold when the case is waived, and when the project is cancelled', () => {
      spec
        .given([opened(), L0, held(1)])
        .when({ type: 'WaiveCase', by: KADIS, agency: 'PUPR', justification: JUSTIFICATION, now: L1_DUE })
        .then([
          { type: 'CaseWaived', data: { caseId: CASE_ID, by: KADIS, justification: JUSTIFICATION, waivedAt: L1_DUE } },
          { type: 'PaymentHoldLifted', data: { caseId: CASE_ID, projectId: PROJECT_ID, terminNumbers: [1], reason: 'WAIVED', liftedAt: L1_DUE } },
        ]);
      spec
        .given([opened(), L0, held(1)])
        .when({ type: 'CloseCase', now: L1_DUE })
        .then([
          { type: 'CaseClosed', data: { caseId: CASE_ID, closedAt: L1_DUE, reason: 'PROJECT_CANCELLED' } },
          { type: 'PaymentHoldLifted', data: { caseId: CASE_ID, projectId: PROJECT_ID, terminNumbers: [1], reason: 'PROJECT_CANCELLED', liftedAt: L1_DUE } },
        ]);
      expect(foldCase([opened(), L0, held(1)]).heldTermins).toEqual([1]);
    });

    it('keeps track of what is held', () => {
      expect(foldCase([opened(), L0, held(1), held(3)]).heldTermins).toEqual([1, 3]);
      const lifted: EscalationCaseEvent = {
        type: 'PaymentHoldLifted',
        data: { caseId: CASE_ID, projectId: PROJECT_ID, terminNumbers: [1, 3], reason: 'COMPLIANT', liftedAt: L1_DUE },
      };
      expect(foldCase([opened(), L0, held(1), held(3), lifted]).heldTermins).toEqual([]);
    });
  });

  describe('timers and streams', () => {
    it('names the case stream case-<caseId>', () => {
      expect(caseStreamId(CASE_ID)).toBe(`case-${CASE_ID}`);
    });

    it('gives the same timer job id for the same case and level, without a colon', () => {
      expect(caseTimerJobId(CASE_ID, 2)).toBe(`escalation-${CASE_ID}-level-2`);
      expect(caseTimerJobId(CASE_ID, 2)).toBe(caseTimerJobId(CASE_ID, 2));
      expect(caseTimerJobId(CASE_ID, 2)).not.toBe(caseTimerJobId(CASE_ID, 1));
      expect(caseTimerJobId(CASE_ID, 2)).not.toContain(':');
    });

    it('refuses a case id with a colon and a level that is not a whole number from 0', () => {
      expect(() => caseTimerJobId('a:b', 0)).toThrow(RangeError);
      expect(() => caseTimerJobId(CASE_ID, -1)).toThrow(RangeError);
      expect(() => caseTimerJobId(CASE_ID, 0.5)).toThrow(RangeError);
    });

    it('climbs a shortened ladder in seconds', () => {
      const fast = shortenLadder(DEFAULT_SINJAI_LADDER, 2_000);
      spec
        .given([])
        .when(open(fast))
        .then([opened(fast), reached(0, ['CONTRACTOR', 'PPK'], OPENED_AT, '2025-06-02T01:00:02.000Z')]);
      spec
        .given([opened(fast), reached(0, ['CONTRACTOR', 'PPK'], OPENED_AT, '2025-06-02T01:00:02.000Z')])
        .when(timer(0, '2025-06-02T01:00:02.000Z'))
        .then(reached(1, ['KEPALA_DINAS', 'BPJS_BRANCH'], '2025-06-02T01:00:02.000Z', '2025-06-02T01:00:04.000Z'));
    });
  });
});
