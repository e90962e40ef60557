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
import { type ComplianceEvent, complianceStreamId, type EnrolmentRecord } from './compliance.events';

const PROJECT_ID = '3f0c2a9e-8d41-5b7a-9c1e-2f6b8a4d7307';

/**
 * Rp 2,500,000,000 incl. 11 % PPN (DOMAIN §2 worked example): premium due Rp 3,252,703.
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
});
