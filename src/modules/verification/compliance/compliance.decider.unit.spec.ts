import { DomainError } from '@sinergi/common';
import { DeciderSpecification } from '@sinergi/testing/decider-specification';
import {
  type ComplianceCommand,
  decideCompliance,
  evolveCompliance,
  foldCompliance,
  initialComplianceState,
  type ProjectFacts,
} from './compliance.decider';
import {
  type ComplianceEvent,
  complianceStreamId,
  type EnrolmentEvidenceSubmittedData,
  type EnrolmentRecord,
} from './compliance.events';

const PROJECT_ID = '3f0c2a9e-8d41-5b7a-9c1e-2f6b8a4d7307';

/**
 * Rp 2,500,000,000 incl. 11 % PPN (docs/domain.md worked example): premium due Rp 3,252,703.
 * SPK 2025-04-23 + 14 working days in 73.07 → deadline Friday 2025-05-16.
 */
const facts: ProjectFacts = {
  projectId: PROJECT_ID,
  registrationDeadline: '2025-05-16',
  premiumDue: '3252703',
  endDate: '2025-12-15',
  maintenanceEndDate: '2026-06-13',
  cancelled: false,
  rosterAsOf: '2025-06-30',
  firstInstalmentPercent: 50,
  // Handed over: the whole premium is due, so any unpaid rupiah is a shortfall. The instalment rule, which
  // applies before hand-over, has its own tests at the end of this file.
  handedOver: true,
  finalTerminRequested: false,
};
const withFacts = (changes: Partial<ProjectFacts>): ProjectFacts => ({ ...facts, ...changes });

const spec = DeciderSpecification.for({
  decide: decideCompliance,
  evolve: evolveCompliance,
  initialState: initialComplianceState,
  context: facts,
});

const enrolment: EnrolmentRecord = {
  source: 'bpjs_api',
  projectNumber: '2507300012345',
  npp: '12345678',
  status: 'ACTIVE',
  coveredFrom: '2025-05-02',
  coveredTo: '2026-06-13',
  premiumAssessed: '3252703',
  premiumPaid: '3252703',
  workersRegistered: 42,
};
const enrolled = (changes: Partial<EnrolmentRecord>): EnrolmentRecord => ({ ...enrolment, ...changes });

const CHECKED_AT = '2025-06-02T09:00:00+08:00';
const LATER_AT = '2025-07-01T09:00:00+08:00';

const answer = (
  record: EnrolmentRecord | null,
  options: { uncovered?: string[] | null; checkedOn?: string; checkedAt?: string } = {},
): ComplianceCommand => ({
  type: 'RecordRegistryAnswer',
  enrolment: record,
  uncoveredPersonRefs: options.uncovered ?? null,
  checkedOn: options.checkedOn ?? '2025-06-02',
  checkedAt: options.checkedAt ?? CHECKED_AT,
});

const confirmed = (record: EnrolmentRecord, checkedAt = CHECKED_AT): ComplianceEvent => ({
  type: 'EnrolmentConfirmed',
  data: { projectId: PROJECT_ID, enrolment: record, checkedAt },
});

/** A compliant history: the right premium paid, cover to the end of maintenance. */
const compliantHistory: ComplianceEvent[] = [
  confirmed(enrolment),
  {
    type: 'ComplianceStatusChanged',
    data: { projectId: PROJECT_ID, from: 'PENDING', to: 'COMPLIANT', reasons: [], changedAt: CHECKED_AT },
  },
];

/** Paid Rp 3,000,000 of Rp 3,252,703: short by Rp 252,703. */
const shortPaid = enrolled({ premiumPaid: '3000000' });
const shortfallHistory: ComplianceEvent[] = [
  confirmed(shortPaid),
  {
    type: 'PremiumShortfall',
    data: { projectId: PROJECT_ID, premiumDue: '3252703', premiumPaid: '3000000', shortfall: '252703', checkedAt: CHECKED_AT },
  },
  {
    type: 'ComplianceStatusChanged',
    data: { projectId: PROJECT_ID, from: 'PENDING', to: 'NON_COMPLIANT', reasons: ['PREMIUM_SHORTFALL'], changedAt: CHECKED_AT },
  },
];

const missingHistory: ComplianceEvent[] = [
  {
    type: 'EnrolmentMissing',
    data: { projectId: PROJECT_ID, registrationDeadline: '2025-05-16', checkedOn: '2025-05-17', checkedAt: '2025-05-17T09:00:00+08:00' },
  },
  {
    type: 'ComplianceStatusChanged',
    data: {
      projectId: PROJECT_ID,
      from: 'PENDING',
      to: 'NON_COMPLIANT',
      reasons: ['ENROLMENT_MISSING'],
      changedAt: '2025-05-17T09:00:00+08:00',
    },
  },
];

const failure = (failedAt = CHECKED_AT): ComplianceCommand => ({
  type: 'RecordVerificationFailure',
  reason: 'BPJS answered 503 five times',
  attempts: 5,
  failedAt,
});
const failed = (failedAt = CHECKED_AT): ComplianceEvent => ({
  type: 'VerificationFailed',
  data: { projectId: PROJECT_ID, reason: 'BPJS answered 503 five times', attempts: 5, failedAt },
});

describe('compliance decider', () => {
  describe('a registered project', () => {
    it('is compliant when the full premium is paid and the cover runs to the end of maintenance', () => {
      spec
        .given([])
        .when(answer(enrolment))
        .then([
          confirmed(enrolment),
          {
            type: 'ComplianceStatusChanged',
            data: { projectId: PROJECT_ID, from: 'PENDING', to: 'COMPLIANT', reasons: [], changedAt: CHECKED_AT },
          },
        ]);
    });

    it('is compliant when more than the premium due was paid (BPJS refunds the overpayment)', () => {
      const overpaid = enrolled({ premiumPaid: '3550000' });
      spec
        .given([])
        .when(answer(overpaid))
        .then([
          confirmed(overpaid),
          {
            type: 'ComplianceStatusChanged',
            data: { projectId: PROJECT_ID, from: 'PENDING', to: 'COMPLIANT', reasons: [], changedAt: CHECKED_AT },
          },
        ]);
    });

    it('appends nothing when a compliant project is checked again with the same facts', () => {
      spec
        .given(compliantHistory)
        .when(answer(enrolment, { uncovered: [], checkedOn: '2025-07-01', checkedAt: LATER_AT }))
        .thenNothingHappened();
    });

    it('confirms the enrolment again when the record changed, without a status change', () => {
      const paidMore = enrolled({ premiumPaid: '3300000' });
      spec.given(compliantHistory).when(answer(paidMore, { checkedAt: LATER_AT })).then([confirmed(paidMore, LATER_AT)]);
    });

    it('confirms the enrolment again when it comes from another source', () => {
      const fromBranchFile = enrolled({ source: 'branch_file' });
      spec.given(compliantHistory).when(answer(fromBranchFile, { checkedAt: LATER_AT })).then([confirmed(fromBranchFile, LATER_AT)]);
    });
  });

  describe('registration deadline', () => {
    it('stays pending when the project is not enrolled the day before the deadline', () => {
      spec.given([]).when(answer(null, { checkedOn: '2025-05-15' })).thenNothingHappened();
    });

    it('stays pending when the project is not enrolled on the deadline day itself', () => {
      spec.given([]).when(answer(null, { checkedOn: '2025-05-16' })).thenNothingHappened();
    });

    it('records the enrolment missing and turns non-compliant the day after the deadline', () => {
      spec
        .given([])
        .when(answer(null, { checkedOn: '2025-05-17', checkedAt: '2025-05-17T09:00:00+08:00' }))
        .then(missingHistory);
    });

    it('does not record the enrolment missing twice', () => {
      spec.given(missingHistory).when(answer(null, { checkedOn: '2025-06-02' })).thenNothingHappened();
    });

    it('becomes compliant when a missing enrolment turns up', () => {
      spec
        .given(missingHistory)
        .when(answer(enrolment))
        .then([
          confirmed(enrolment),
          {
            type: 'ComplianceStatusChanged',
            data: { projectId: PROJECT_ID, from: 'NON_COMPLIANT', to: 'COMPLIANT', reasons: [], changedAt: CHECKED_AT },
          },
        ]);
    });

    it('records the enrolment missing again when a confirmed enrolment disappears after the deadline', () => {
      spec
        .given([...compliantHistory])
        .when(answer(null, { checkedOn: '2025-07-01', checkedAt: LATER_AT }))
        .then([
          {
            type: 'EnrolmentMissing',
            data: { projectId: PROJECT_ID, registrationDeadline: '2025-05-16', checkedOn: '2025-07-01', checkedAt: LATER_AT },
          },
          {
            type: 'ComplianceStatusChanged',
            data: { projectId: PROJECT_ID, from: 'COMPLIANT', to: 'NON_COMPLIANT', reasons: ['ENROLMENT_MISSING'], changedAt: LATER_AT },
          },
        ]);
    });
  });

  describe('premium', () => {
    it('records a shortfall of exactly 1 rupiah', () => {
      const oneShort = enrolled({ premiumPaid: '3252702' });
      spec
        .given([])
        .when(answer(oneShort))
        .then([
          confirmed(oneShort),
          {
            type: 'PremiumShortfall',
            data: { projectId: PROJECT_ID, premiumDue: '3252703', premiumPaid: '3252702', shortfall: '1', checkedAt: CHECKED_AT },
          },
          {
            type: 'ComplianceStatusChanged',
            data: { projectId: PROJECT_ID, from: 'PENDING', to: 'NON_COMPLIANT', reasons: ['PREMIUM_SHORTFALL'], changedAt: CHECKED_AT },
          },
        ]);
    });

    it('re-opens the premium check when an amendment raises the premium due above what was paid', () => {
      // Value amended to Rp 3,330,000,000 incl. 11 % PPN: base 3 miliar, premium Rp 4,150,000; paid Rp 3,252,703.
      spec
        .given(compliantHistory)
        .when(answer(enrolment, { checkedAt: LATER_AT }), withFacts({ premiumDue: '4150000' }))
        .then([
          {
            type: 'PremiumShortfall',
            data: { projectId: PROJECT_ID, premiumDue: '4150000', premiumPaid: '3252703', shortfall: '897297', checkedAt: LATER_AT },
          },
          {
            type: 'ComplianceStatusChanged',
            data: { projectId: PROJECT_ID, from: 'COMPLIANT', to: 'NON_COMPLIANT', reasons: ['PREMIUM_SHORTFALL'], changedAt: LATER_AT },
          },
        ]);
    });

    it('appends nothing when a project with a shortfall is checked again with the same facts', () => {
      spec.given(shortfallHistory).when(answer(shortPaid, { checkedAt: LATER_AT })).thenNothingHappened();
    });

    it('records the shortfall again when its amount changes', () => {
      const paidSome = enrolled({ premiumPaid: '3200000' });
      spec
        .given(shortfallHistory)
        .when(answer(paidSome, { checkedAt: LATER_AT }))
        .then([
          confirmed(paidSome, LATER_AT),
          {
            type: 'PremiumShortfall',
            data: { projectId: PROJECT_ID, premiumDue: '3252703', premiumPaid: '3200000', shortfall: '52703', checkedAt: LATER_AT },
          },
        ]);
    });

    it('becomes compliant when the shortfall is paid', () => {
      spec
        .given(shortfallHistory)
        .when(answer(enrolment, { checkedAt: LATER_AT }))
        .then([
          confirmed(enrolment, LATER_AT),
          {
            type: 'ComplianceStatusChanged',
            data: { projectId: PROJECT_ID, from: 'NON_COMPLIANT', to: 'COMPLIANT', reasons: [], changedAt: LATER_AT },
          },
        ]);
    });

    it('records an identical shortfall again after it had been fixed', () => {
      const fixed: ComplianceEvent[] = [
        ...shortfallHistory,
        confirmed(enrolment, LATER_AT),
        {
          type: 'ComplianceStatusChanged',
          data: { projectId: PROJECT_ID, from: 'NON_COMPLIANT', to: 'COMPLIANT', reasons: [], changedAt: LATER_AT },
        },
      ];
      const again = '2025-08-01T09:00:00+08:00';
      spec
        .given(fixed)
        .when(answer(shortPaid, { checkedAt: again }))
        .then([
          confirmed(shortPaid, again),
          {
            type: 'PremiumShortfall',
            data: { projectId: PROJECT_ID, premiumDue: '3252703', premiumPaid: '3000000', shortfall: '252703', checkedAt: again },
          },
          {
            type: 'ComplianceStatusChanged',
            data: { projectId: PROJECT_ID, from: 'COMPLIANT', to: 'NON_COMPLIANT', reasons: ['PREMIUM_SHORTFALL'], changedAt: again },
          },
        ]);
    });

    it('clears the shortfall from the state when the status change no longer lists it', () => {
      const fixed = foldCompliance([
        ...shortfallHistory,
        confirmed(enrolment, LATER_AT),
        {
          type: 'ComplianceStatusChanged',
          data: { projectId: PROJECT_ID, from: 'NON_COMPLIANT', to: 'COMPLIANT', reasons: [], changedAt: LATER_AT },
        },
      ]);
      expect(fixed).toMatchObject({ status: 'COMPLIANT', reasons: [], shortfall: null, enrolment });
    });

    it('refuses a premium that is not an integer number of rupiah', () => {
      spec
        .given([])
        .when(answer(enrolled({ premiumPaid: '3252703.00' })))
        .thenThrows(DomainError, (e) => e.code === 'invalid_rupiah');
    });
  });

  describe('cover period', () => {
    it('records a gap of 1 day when the cover ends the day before the maintenance period ends', () => {
      const shortCover = enrolled({ coveredTo: '2026-06-12' });
      spec
        .given([])
        .when(answer(shortCover))
        .then([
          confirmed(shortCover),
          {
            type: 'CoverageGap',
            data: { projectId: PROJECT_ID, coveredTo: '2026-06-12', requiredUntil: '2026-06-13', daysUncovered: 1, checkedAt: CHECKED_AT },
          },
          {
            type: 'ComplianceStatusChanged',
            data: { projectId: PROJECT_ID, from: 'PENDING', to: 'NON_COMPLIANT', reasons: ['COVERAGE_GAP'], changedAt: CHECKED_AT },
          },
        ]);
    });

    it('finds no gap when the cover ends exactly when the maintenance period ends', () => {
      spec
        .given([])
        .when(answer(enrolled({ coveredTo: '2026-06-13' })))
        .then([
          confirmed(enrolled({ coveredTo: '2026-06-13' })),
          {
            type: 'ComplianceStatusChanged',
            data: { projectId: PROJECT_ID, from: 'PENDING', to: 'COMPLIANT', reasons: [], changedAt: CHECKED_AT },
          },
        ]);
    });

    it('finds no gap when there is no maintenance period and the cover reaches the contract end', () => {
      const toEnd = enrolled({ coveredTo: '2026-03-01' });
      spec
        .given([])
        .when(answer(toEnd), withFacts({ endDate: '2026-03-01', maintenanceEndDate: null }))
        .then([
          confirmed(toEnd),
          {
            type: 'ComplianceStatusChanged',
            data: { projectId: PROJECT_ID, from: 'PENDING', to: 'COMPLIANT', reasons: [], changedAt: CHECKED_AT },
          },
        ]);
    });

    it('measures the gap to the contract end when there is no maintenance period', () => {
      // 2025-12-31 → 2026-03-01: 31 days of January + 28 of February (2026 is not a leap year) + 1 = 60.
      const toYearEnd = enrolled({ coveredTo: '2025-12-31' });
      spec
        .given([])
        .when(answer(toYearEnd), withFacts({ endDate: '2026-03-01', maintenanceEndDate: null }))
        .then([
          confirmed(toYearEnd),
          {
            type: 'CoverageGap',
            data: { projectId: PROJECT_ID, coveredTo: '2025-12-31', requiredUntil: '2026-03-01', daysUncovered: 60, checkedAt: CHECKED_AT },
          },
          {
            type: 'ComplianceStatusChanged',
            data: { projectId: PROJECT_ID, from: 'PENDING', to: 'NON_COMPLIANT', reasons: ['COVERAGE_GAP'], changedAt: CHECKED_AT },
          },
        ]);
    });

    it('records the gap again when an amendment extends the maintenance period', () => {
      const shortCover = enrolled({ coveredTo: '2026-06-12' });
      const gapHistory: ComplianceEvent[] = [
        confirmed(shortCover),
        {
          type: 'CoverageGap',
          data: { projectId: PROJECT_ID, coveredTo: '2026-06-12', requiredUntil: '2026-06-13', daysUncovered: 1, checkedAt: CHECKED_AT },
        },
        {
          type: 'ComplianceStatusChanged',
          data: { projectId: PROJECT_ID, from: 'PENDING', to: 'NON_COMPLIANT', reasons: ['COVERAGE_GAP'], changedAt: CHECKED_AT },
        },
      ];
      spec
        .given(gapHistory)
        .when(answer(shortCover, { checkedAt: LATER_AT }), withFacts({ maintenanceEndDate: '2026-07-13' }))
        .then([
          {
            type: 'CoverageGap',
            data: { projectId: PROJECT_ID, coveredTo: '2026-06-12', requiredUntil: '2026-07-13', daysUncovered: 31, checkedAt: LATER_AT },
          },
        ]);
    });
  });

  describe('workers', () => {
    const uncoveredHistory: ComplianceEvent[] = [
      confirmed(enrolment),
      {
        type: 'WorkersUncovered',
        data: {
          projectId: PROJECT_ID,
          rosterAsOf: '2025-06-30',
          uncoveredCount: 2,
          personRefs: ['person-a', 'person-b'],
          checkedAt: CHECKED_AT,
        },
      },
      {
        type: 'ComplianceStatusChanged',
        data: { projectId: PROJECT_ID, from: 'PENDING', to: 'NON_COMPLIANT', reasons: ['WORKERS_UNCOVERED'], changedAt: CHECKED_AT },
      },
    ];

    it('records the roster people BPJS does not cover, sorted', () => {
      spec.given([]).when(answer(enrolment, { uncovered: ['person-b', 'person-a'] })).then(uncoveredHistory);
    });

    it('appends nothing when the same people are uncovered, in any order', () => {
      spec
        .given(uncoveredHistory)
        .when(answer(enrolment, { uncovered: ['person-b', 'person-a'], checkedAt: LATER_AT }))
        .thenNothingHappened();
    });

    it('records the uncovered workers again when the set changes', () => {
      spec
        .given(uncoveredHistory)
        .when(answer(enrolment, { uncovered: ['person-c', 'person-a'], checkedAt: LATER_AT }))
        .then([
          {
            type: 'WorkersUncovered',
            data: {
              projectId: PROJECT_ID,
              rosterAsOf: '2025-06-30',
              uncoveredCount: 2,
              personRefs: ['person-a', 'person-c'],
              checkedAt: LATER_AT,
            },
          },
        ]);
    });

    it('keeps the finding when the roster was not checked this time', () => {
      spec.given(uncoveredHistory).when(answer(enrolment, { uncovered: null, checkedAt: LATER_AT })).thenNothingHappened();
    });

    it('becomes compliant when every roster worker is covered', () => {
      spec
        .given(uncoveredHistory)
        .when(answer(enrolment, { uncovered: [], checkedAt: LATER_AT }))
        .then([
          {
            type: 'ComplianceStatusChanged',
            data: { projectId: PROJECT_ID, from: 'NON_COMPLIANT', to: 'COMPLIANT', reasons: [], changedAt: LATER_AT },
          },
        ]);
    });
  });

  describe('several findings', () => {
    // Paid Rp 3,000,000 of Rp 3,252,703; cover to 2026-05-31, 13 days short of 2026-06-13; two workers uncovered.
    const poor = enrolled({ premiumPaid: '3000000', coveredTo: '2026-05-31' });
    const poorHistory: ComplianceEvent[] = [
      confirmed(poor),
      {
        type: 'PremiumShortfall',
        data: { projectId: PROJECT_ID, premiumDue: '3252703', premiumPaid: '3000000', shortfall: '252703', checkedAt: CHECKED_AT },
      },
      {
        type: 'CoverageGap',
        data: { projectId: PROJECT_ID, coveredTo: '2026-05-31', requiredUntil: '2026-06-13', daysUncovered: 13, checkedAt: CHECKED_AT },
      },
      {
        type: 'WorkersUncovered',
        data: {
          projectId: PROJECT_ID,
          rosterAsOf: '2025-06-30',
          uncoveredCount: 2,
          personRefs: ['person-a', 'person-b'],
          checkedAt: CHECKED_AT,
        },
      },
      {
        type: 'ComplianceStatusChanged',
        data: {
          projectId: PROJECT_ID,
          from: 'PENDING',
          to: 'NON_COMPLIANT',
          reasons: ['PREMIUM_SHORTFALL', 'COVERAGE_GAP', 'WORKERS_UNCOVERED'],
          changedAt: CHECKED_AT,
        },
      },
    ];

    it('records each finding and lists the reasons in their fixed order', () => {
      spec.given([]).when(answer(poor, { uncovered: ['person-b', 'person-a'] })).then(poorHistory);
    });

    it('appends nothing when a non-compliant project is checked again with the same facts', () => {
      spec.given(poorHistory).when(answer(poor, { uncovered: ['person-a', 'person-b'], checkedAt: LATER_AT })).thenNothingHappened();
    });

    it('changes the reasons, not the status, when one of several findings is resolved', () => {
      const paidUp = enrolled({ coveredTo: '2026-05-31' });
      spec
        .given(poorHistory)
        .when(answer(paidUp, { uncovered: ['person-a', 'person-b'], checkedAt: LATER_AT }))
        .then([
          confirmed(paidUp, LATER_AT),
          {
            type: 'ComplianceStatusChanged',
            data: {
              projectId: PROJECT_ID,
              from: 'NON_COMPLIANT',
              to: 'NON_COMPLIANT',
              reasons: ['COVERAGE_GAP', 'WORKERS_UNCOVERED'],
              changedAt: LATER_AT,
            },
          },
        ]);
    });

    it('folds the findings into the state', () => {
      expect(foldCompliance(poorHistory)).toEqual({
        status: 'NON_COMPLIANT',
        reasons: ['PREMIUM_SHORTFALL', 'COVERAGE_GAP', 'WORKERS_UNCOVERED'],
        enrolment: poor,
        missingRecorded: false,
        shortfall: '252703',
        coverageGapUntil: '2026-06-13',
        uncoveredRefs: ['person-a', 'person-b'],
        failures: 0,
        evidence: {},
      });
    });
  });

  describe('verification failures', () => {
    it('records the failure and turns a project without a verdict unverifiable', () => {
      spec
        .given([])
        .when(failure())
        .then([
          failed(),
          {
            type: 'ComplianceStatusChanged',
            data: { projectId: PROJECT_ID, from: 'PENDING', to: 'UNVERIFIABLE', reasons: ['VERIFICATION_FAILED'], changedAt: CHECKED_AT },
          },
        ]);
    });

    it('records a further failure of an unverifiable project without a status change', () => {
      spec
        .given([
          failed(),
          {
            type: 'ComplianceStatusChanged',
            data: { projectId: PROJECT_ID, from: 'PENDING', to: 'UNVERIFIABLE', reasons: ['VERIFICATION_FAILED'], changedAt: CHECKED_AT },
          },
        ])
        .when(failure(LATER_AT))
        .then([failed(LATER_AT)]);
    });

    it('keeps a compliant verdict when a later verification fails', () => {
      spec.given(compliantHistory).when(failure(LATER_AT)).then([failed(LATER_AT)]);
    });

    it('keeps a non-compliant verdict when a later verification fails', () => {
      spec.given(shortfallHistory).when(failure(LATER_AT)).then([failed(LATER_AT)]);
    });

    it('moves an unverifiable project to compliant on a good answer', () => {
      spec
        .given([
          failed(),
          {
            type: 'ComplianceStatusChanged',
            data: { projectId: PROJECT_ID, from: 'PENDING', to: 'UNVERIFIABLE', reasons: ['VERIFICATION_FAILED'], changedAt: CHECKED_AT },
          },
        ])
        .when(answer(enrolment, { checkedAt: LATER_AT }))
        .then([
          confirmed(enrolment, LATER_AT),
          {
            type: 'ComplianceStatusChanged',
            data: { projectId: PROJECT_ID, from: 'UNVERIFIABLE', to: 'COMPLIANT', reasons: [], changedAt: LATER_AT },
          },
        ]);
    });

    it('moves an unverifiable project back to pending when it is not enrolled yet and still in time', () => {
      spec
        .given([
          failed('2025-05-10T09:00:00+08:00'),
          {
            type: 'ComplianceStatusChanged',
            data: {
              projectId: PROJECT_ID,
              from: 'PENDING',
              to: 'UNVERIFIABLE',
              reasons: ['VERIFICATION_FAILED'],
              changedAt: '2025-05-10T09:00:00+08:00',
            },
          },
        ])
        .when(answer(null, { checkedOn: '2025-05-12', checkedAt: '2025-05-12T09:00:00+08:00' }))
        .then([
          {
            type: 'ComplianceStatusChanged',
            data: { projectId: PROJECT_ID, from: 'UNVERIFIABLE', to: 'PENDING', reasons: [], changedAt: '2025-05-12T09:00:00+08:00' },
          },
        ]);
    });

    it('counts the failures recorded', () => {
      expect(foldCompliance([failed(), failed(LATER_AT)]).failures).toBe(2);
    });
  });

  describe('a cancelled project', () => {
    const cancelled = withFacts({ cancelled: true });

    it('decides nothing on a registry answer', () => {
      spec.given([]).when(answer(enrolled({ premiumPaid: '0', status: 'REGISTERED_UNPAID' })), cancelled).thenNothingHappened();
    });

    it('still records a failed verification, without a status change', () => {
      spec.given([]).when(failure(), cancelled).then([failed()]);
    });

    it('decides nothing when it is not enrolled after the deadline', () => {
      spec.given(compliantHistory).when(answer(null, { checkedOn: '2025-07-01' }), cancelled).thenNothingHappened();
    });
  });

  describe('enrolment evidence', () => {
    const EVIDENCE_ID = '0b6f1c52-3d7e-4a19-8f25-6c4d2e9a7b10';
    const OTHER_ID = '7d2a9e41-5c3b-4f60-9e18-2b7c6d5a4f30';
    const SUBMITTED_AT = '2025-06-03T10:00:00+08:00';
    const DECIDED_AT = '2025-06-04T09:30:00+08:00';
    type Documents = Omit<EnrolmentEvidenceSubmittedData, 'projectId' | 'submittedBy' | 'submittedAt'>;
    const documents: Documents = {
      evidenceId: EVIDENCE_ID,
      projectNumber: '7307250000001',
      npp: '73070001',
      paymentCode: '730725000123',
      receiptNumber: '730725000000123',
      premiumPaid: '3252703',
      coveredFrom: '2025-05-02',
      coveredTo: '2026-06-13',
    };
    const byClient = { kind: 'client' as const, id: 'spse-sinjai' };

    const submit = (changes: Partial<Documents> = {}): ComplianceCommand => ({
      type: 'SubmitEnrolmentEvidence',
      ...documents,
      submittedBy: byClient,
      submittedAt: SUBMITTED_AT,
      ...changes,
    });
    const submitted = (changes: Partial<Documents> = {}): ComplianceEvent => ({
      type: 'EnrolmentEvidenceSubmitted',
      data: { projectId: PROJECT_ID, ...documents, submittedBy: byClient, submittedAt: SUBMITTED_AT, ...changes },
    });
    const confirm = (evidenceId = EVIDENCE_ID): ComplianceCommand => ({
      type: 'ConfirmEnrolmentEvidence',
      evidenceId,
      confirmedBy: 'bpjs-branch-sinjai',
      confirmedAt: DECIDED_AT,
    });
    const evidenceConfirmed = (evidenceId = EVIDENCE_ID): ComplianceEvent => ({
      type: 'EnrolmentEvidenceConfirmed',
      data: { projectId: PROJECT_ID, evidenceId, confirmedBy: 'bpjs-branch-sinjai', confirmedAt: DECIDED_AT },
    });
    const reject = (reason = 'The receipt is not on the branch statement', evidenceId = EVIDENCE_ID): ComplianceCommand => ({
      type: 'RejectEnrolmentEvidence',
      evidenceId,
      rejectedBy: 'bpjs-branch-sinjai',
      reason,
      rejectedAt: DECIDED_AT,
    });
    const evidenceRejected = (evidenceId = EVIDENCE_ID): ComplianceEvent => ({
      type: 'EnrolmentEvidenceRejected',
      data: { projectId: PROJECT_ID, evidenceId, rejectedBy: 'bpjs-branch-sinjai', reason: 'The receipt is not on the branch statement', rejectedAt: DECIDED_AT },
    });
    const isCode = (kind: string, code: string) => (e: DomainError) => e.kind === kind && e.code === code;

    describe('submission', () => {
      it('records the evidence of a project found missing, without changing its status', () => {
        spec.given(missingHistory).when(submit()).then([submitted()]);
      });

      it('records evidence without a payment code', () => {
        spec.given([]).when(submit({ paymentCode: null })).then([submitted({ paymentCode: null })]);
      });

      it('refuses the same receipt number again while the first evidence awaits a decision', () => {
        spec
          .given([submitted()])
          .when(submit({ evidenceId: OTHER_ID }))
          .thenThrows(DomainError, isCode('conflict', 'evidence_already_submitted'));
      });

      it('refuses the same receipt number again once that evidence was confirmed', () => {
        spec
          .given([submitted(), evidenceConfirmed()])
          .when(submit({ evidenceId: OTHER_ID }))
          .thenThrows(DomainError, isCode('conflict', 'evidence_already_submitted'));
      });

      it('refuses a second submission under an evidence id already used', () => {
        spec
          .given([submitted()])
          .when(submit({ receiptNumber: '730725000000999' }))
          .thenThrows(DomainError, isCode('conflict', 'evidence_already_submitted'));
      });

      it('accepts the same receipt number again after its evidence was rejected', () => {
        spec
          .given([submitted(), evidenceRejected()])
          .when(submit({ evidenceId: OTHER_ID, coveredTo: '2026-06-30' }))
          .then([submitted({ evidenceId: OTHER_ID, coveredTo: '2026-06-30' })]);
      });

      it('accepts another receipt for the same project', () => {
        spec
          .given([submitted()])
          .when(submit({ evidenceId: OTHER_ID, receiptNumber: '730725000000124', premiumPaid: '1626352' }))
          .then([submitted({ evidenceId: OTHER_ID, receiptNumber: '730725000000124', premiumPaid: '1626352' })]);
      });

      it('refuses a receipt number that is not 15 digits, naming the field', () => {
        spec
          .given([])
          .when(submit({ receiptNumber: '73072500000012' }))
          .thenThrows(DomainError, (e) => e.code === 'invalid_evidence' && e.errors.map((f) => f.path).join() === 'receiptNumber');
      });

      it('refuses a premium that is not an integer number of rupiah', () => {
        spec
          .given([])
          .when(submit({ premiumPaid: '3252703.50' }))
          .thenThrows(DomainError, (e) => e.kind === 'invalid' && e.errors[0]?.path === 'premiumPaid');
      });

      it('refuses cover that ends before it starts', () => {
        spec
          .given([])
          .when(submit({ coveredFrom: '2025-05-02', coveredTo: '2025-05-01' }))
          .thenThrows(DomainError, (e) => e.kind === 'invalid' && e.errors[0]?.code === 'before_covered_from');
      });
    });

    describe('decision', () => {
      it('records the confirmation and leaves the verdict to the verification it triggers', () => {
        spec.given([...missingHistory, submitted()]).when(confirm()).then([evidenceConfirmed()]);
      });

      it('records a rejection with its reason, trimmed', () => {
        spec
          .given([...missingHistory, submitted()])
          .when(reject('  The receipt is not on the branch statement \n'))
          .then([evidenceRejected()]);
      });

      it('refuses a rejection without a reason', () => {
        spec
          .given([submitted()])
          .when(reject('   '))
          .thenThrows(DomainError, isCode('invalid', 'reason_required'));
      });

      it('answers not found for evidence never submitted for the project', () => {
        spec.given([submitted()]).when(confirm(OTHER_ID)).thenThrows(DomainError, isCode('not_found', 'evidence_not_found'));
      });

      it('does not take an inherited property name for evidence', () => {
        spec.given([]).when(confirm('constructor')).thenThrows(DomainError, isCode('not_found', 'evidence_not_found'));
        spec.given([]).when(reject(undefined, '__proto__')).thenThrows(DomainError, isCode('not_found', 'evidence_not_found'));
      });

      it('refuses to confirm evidence twice', () => {
        spec
          .given([submitted(), evidenceConfirmed()])
          .when(confirm())
          .thenThrows(DomainError, isCode('conflict', 'evidence_already_decided'));
      });

      it('refuses to reject evidence already confirmed', () => {
        spec
          .given([submitted(), evidenceConfirmed()])
          .when(reject())
          .thenThrows(DomainError, isCode('conflict', 'evidence_already_decided'));
      });

      it('refuses to confirm evidence already rejected', () => {
        spec
          .given([submitted(), evidenceRejected()])
          .when(confirm())
          .thenThrows(DomainError, isCode('conflict', 'evidence_already_decided'));
      });
    });

    describe('state', () => {
      it('keeps each piece of evidence with its status, through status changes', () => {
        const state = foldCompliance([
          ...missingHistory,
          submitted(),
          submitted({ evidenceId: OTHER_ID, receiptNumber: '730725000000124' }),
          evidenceRejected(OTHER_ID),
          evidenceConfirmed(),
          confirmed(enrolled({ source: 'evidence', premiumAssessed: null, workersRegistered: null })),
          {
            type: 'ComplianceStatusChanged',
            data: { projectId: PROJECT_ID, from: 'NON_COMPLIANT', to: 'COMPLIANT', reasons: [], changedAt: DECIDED_AT },
          },
        ]);
        expect(state.status).toBe('COMPLIANT');
        expect(state.evidence).toEqual({
          [EVIDENCE_ID]: {
            status: 'CONFIRMED',
            receiptNumber: '730725000000123',
            projectNumber: '7307250000001',
            npp: '73070001',
            premiumPaid: '3252703',
            coveredFrom: '2025-05-02',
            coveredTo: '2026-06-13',
          },
          [OTHER_ID]: expect.objectContaining({ status: 'REJECTED', receiptNumber: '730725000000124' }),
        });
      });

      it('starts with no evidence', () => {
        expect(initialComplianceState().evidence).toEqual({});
      });
    });

    describe('as a registry answer', () => {
      const fromEvidence = enrolled({
        source: 'evidence',
        projectNumber: '7307250000001',
        npp: '73070001',
        premiumAssessed: null,
        workersRegistered: null,
      });

      it('turns a project found missing compliant when the evidence shows the full premium and cover', () => {
        spec
          .given([...missingHistory, submitted(), evidenceConfirmed()])
          .when(answer(fromEvidence, { checkedAt: LATER_AT }))
          .then([
            confirmed(fromEvidence, LATER_AT),
            {
              type: 'ComplianceStatusChanged',
              data: { projectId: PROJECT_ID, from: 'NON_COMPLIANT', to: 'COMPLIANT', reasons: [], changedAt: LATER_AT },
            },
          ]);
      });

      it('records a shortfall when the evidence shows only the first instalment', () => {
        // The first instalment of 50 %: Rp 1,626,352 of Rp 3,252,703, short by Rp 1,626,351.
        const firstInstalment = { ...fromEvidence, premiumPaid: '1626352' };
        spec
          .given([...missingHistory, submitted({ premiumPaid: '1626352' }), evidenceConfirmed()])
          .when(answer(firstInstalment, { checkedAt: LATER_AT }))
          .then([
            confirmed(firstInstalment, LATER_AT),
            {
              type: 'PremiumShortfall',
              data: { projectId: PROJECT_ID, premiumDue: '3252703', premiumPaid: '1626352', shortfall: '1626351', checkedAt: LATER_AT },
            },
            {
              type: 'ComplianceStatusChanged',
              data: { projectId: PROJECT_ID, from: 'NON_COMPLIANT', to: 'NON_COMPLIANT', reasons: ['PREMIUM_SHORTFALL'], changedAt: LATER_AT },
            },
          ]);
      });
    });
  });

  it('records a requested verification without changing the status', () => {
    spec
      .given(compliantHistory)
      .when({ type: 'RequestVerification', reason: 'manual', requestedBy: 'user-ppk-0042', requestedAt: LATER_AT })
      .then([
        {
          type: 'VerificationRequested',
          data: { projectId: PROJECT_ID, reason: 'manual', requestedBy: 'user-ppk-0042', requestedAt: LATER_AT },
        },
      ]);
  });

  it('names the stream after the project', () => {
    expect(complianceStreamId(PROJECT_ID)).toBe('compliance-3f0c2a9e-8d41-5b7a-9c1e-2f6b8a4d7307');
  });

  describe('premium in instalments, before hand-over', () => {
    const running = withFacts({ handedOver: false });
    const firstInstalment = enrolled({ premiumPaid: '1626352' }); // exactly 50 % of Rp 3,252,703
    const underHalf = enrolled({ premiumPaid: '1626351' });

    it('counts the first instalment as compliant while the contract period runs', () => {
      spec
        .given([])
        .when(answer(firstInstalment), running)
        .then([
          confirmed(firstInstalment),
          { type: 'ComplianceStatusChanged', data: { projectId: PROJECT_ID, from: 'PENDING', to: 'COMPLIANT', reasons: [], changedAt: CHECKED_AT } },
        ]);
    });

    it('keeps a project one rupiah under the first instalment pending up to the registration deadline', () => {
      spec.given([]).when(answer(underHalf, { checkedOn: '2025-05-16' }), running).then([confirmed(underHalf)]);
    });

    it('records a shortfall one rupiah under the first instalment after the deadline', () => {
      spec
        .given([])
        .when(answer(underHalf), running)
        .then([
          confirmed(underHalf),
          { type: 'PremiumShortfall', data: { projectId: PROJECT_ID, premiumDue: '3252703', premiumPaid: '1626351', shortfall: '1626352', checkedAt: CHECKED_AT } },
          {
            type: 'ComplianceStatusChanged',
            data: { projectId: PROJECT_ID, from: 'PENDING', to: 'NON_COMPLIANT', reasons: ['PREMIUM_SHORTFALL'], changedAt: CHECKED_AT },
          },
        ]);
    });

    it('keeps the end date itself in time, and records the shortfall the day after', () => {
      spec.given([]).when(answer(firstInstalment, { checkedOn: '2025-12-15' }), running).then([
        confirmed(firstInstalment),
        { type: 'ComplianceStatusChanged', data: { projectId: PROJECT_ID, from: 'PENDING', to: 'COMPLIANT', reasons: [], changedAt: CHECKED_AT } },
      ]);
      spec
        .given([])
        .when(answer(firstInstalment, { checkedOn: '2025-12-16' }), running)
        .then([
          confirmed(firstInstalment),
          { type: 'PremiumShortfall', data: { projectId: PROJECT_ID, premiumDue: '3252703', premiumPaid: '1626352', shortfall: '1626351', checkedAt: CHECKED_AT } },
          {
            type: 'ComplianceStatusChanged',
            data: { projectId: PROJECT_ID, from: 'PENDING', to: 'NON_COMPLIANT', reasons: ['PREMIUM_SHORTFALL'], changedAt: CHECKED_AT },
          },
        ]);
    });

    it('records the shortfall at the final termin, before the end date', () => {
      spec
        .given([])
        .when(answer(firstInstalment), withFacts({ handedOver: false, finalTerminRequested: true }))
        .then([
          confirmed(firstInstalment),
          { type: 'PremiumShortfall', data: { projectId: PROJECT_ID, premiumDue: '3252703', premiumPaid: '1626352', shortfall: '1626351', checkedAt: CHECKED_AT } },
          {
            type: 'ComplianceStatusChanged',
            data: { projectId: PROJECT_ID, from: 'PENDING', to: 'NON_COMPLIANT', reasons: ['PREMIUM_SHORTFALL'], changedAt: CHECKED_AT },
          },
        ]);
    });

    it('measures against the amended premium: an amendment that raises the value mid-contract can undo a first instalment', () => {
      spec
        .given([])
        .when(answer(firstInstalment), withFacts({ handedOver: false, premiumDue: '4150000' }))
        .then([
          confirmed(firstInstalment),
          { type: 'PremiumShortfall', data: { projectId: PROJECT_ID, premiumDue: '4150000', premiumPaid: '1626352', shortfall: '2523648', checkedAt: CHECKED_AT } },
          {
            type: 'ComplianceStatusChanged',
            data: { projectId: PROJECT_ID, from: 'PENDING', to: 'NON_COMPLIANT', reasons: ['PREMIUM_SHORTFALL'], changedAt: CHECKED_AT },
          },
        ]);
    });
  });
});
