import { DomainError, type DomainErrorKind } from '@sinergi/common';
import { calendarDateWita, defaultHolidayCalendar } from '@sinergi/domain';
import { DeciderSpecification } from '@sinergi/testing/decider-specification';
import {
  type ConstructionProjectState,
  decide,
  type DecisionContext,
  evolve,
  foldProject,
  initialState,
  type RecordProcurementFact,
} from './construction-project.decider';
import type { ConstructionProjectEvent, PremiumFigures, ProjectRegisteredData } from './construction-project.events';

type RegistrationFacts = Extract<RecordProcurementFact, { type: 'ProjectRegistered' }>['data'];
type AmendmentChanges = { contractValue?: string; endDate?: string; maintenanceEndDate?: string };

const PROJECT_ID = '3f0c2a9e-8d41-5b7a-9c1e-2f6b8a4d7307';
const PROJECT_REF = '10080116000';
const REGISTERED_AT = '2025-04-23T08:00:00+08:00';

const ctx: DecisionContext = {
  projectId: PROJECT_ID,
  projectRef: PROJECT_REF,
  occurredAt: REGISTERED_AT,
  calendar: defaultHolidayCalendar('73.07'),
  registrationWorkingDays: 14,
};
const at = (occurredAt: string): DecisionContext => ({ ...ctx, occurredAt });

const spec = DeciderSpecification.for({ decide, evolve, initialState, context: ctx });

// Expected premiums, worked by hand from the marginal bands in docs/domain.md. The first milliard of a base
// always gives JKK 210,000 + 680,000 + 650,000 = 1,540,000 and JKM 30,000 + 80,000 + 100,000 = 210,000.

/** Rp 2,500,000,000 incl. 11 % PPN: base 2,500,000,000 / 1.11 = 2,252,252,252.25;
 *  JKK 1,540,000 + 1,252,252,252.25 × 0.11 % = 2,917,477.48; JKM 210,000 + 1,252,252,252.25 × 0.01 % = 125,225.23 + 210,000;
 *  total 3,252,702.70 → 3,252,703; JKM shown as total − rounded JKK = 335,226 (docs/domain.md worked example). */
const PREMIUM_2_5_MILIAR_INCL_VAT: PremiumFigures = {
  base: '2252252252.25',
  vatRatePercent: 11,
  jkk: '2917477',
  jkm: '335226',
  total: '3252703',
};
/** Rp 2,500,000,000 already net of PPN: JKK 1,540,000 + 1.5 miliar × 0.11 % = 3,190,000; JKM 210,000 + 150,000 = 360,000. */
const PREMIUM_2_5_MILIAR_NET: PremiumFigures = { base: '2500000000.00', vatRatePercent: 0, jkk: '3190000', jkm: '360000', total: '3550000' };
/** Base exactly 3 miliar: JKK 1,540,000 + 2 miliar × 0.11 % = 3,740,000; JKM 210,000 + 2 miliar × 0.01 % = 410,000. */
const premiumOn3Miliar = (vatRatePercent: number): PremiumFigures => ({
  base: '3000000000.00',
  vatRatePercent,
  jkk: '3740000',
  jkm: '410000',
  total: '4150000',
});
/** Rp 1,110,000,000 incl. 11 % PPN: base exactly 1 miliar, so only the first three bands apply. */
const PREMIUM_1_MILIAR_BASE_VAT_11: PremiumFigures = { base: '1000000000.00', vatRatePercent: 11, jkk: '1540000', jkm: '210000', total: '1750000' };
/** Rp 2,200,000,000 incl. 10 % PPN: base exactly 2 miliar: JKK 1,540,000 + 1,100,000; JKM 210,000 + 100,000. */
const PREMIUM_2_MILIAR_BASE_VAT_10: PremiumFigures = { base: '2000000000.00', vatRatePercent: 10, jkk: '2640000', jkm: '310000', total: '2950000' };

/**
 * SPK Wednesday 2025-04-23; the SPK day itself never counts. Working days in Sulawesi Selatan (73.07):
 * Apr 24 (1), 25 (2), [26–27 weekend], 28 (3), 29 (4), 30 (5), [May 1 Hari Buruh], May 2 (6), [3–4 weekend],
 * 5 (7), 6 (8), 7 (9), 8 (10), 9 (11), [10–11 weekend], [12 Waisak, 13 cuti bersama Waisak], 14 (12), 15 (13),
 * 16 (14) → Friday 2025-05-16.
 */
const DEADLINE_FOR_SPK_2025_04_23 = '2025-05-16';

const registrationFacts: RegistrationFacts = {
  name: 'Rehabilitasi Jalan Poros Sinjai–Bulupoddo',
  agency: { code: '1.03.0.00.0.00.01.0000', name: 'Dinas Pekerjaan Umum dan Penataan Ruang' },
  regionCode: '73.07.06',
  workType: 'KONSTRUKSI',
  fundingSource: 'APBD',
  fiscalYear: 2025,
  contractNumber: '027/SPK/PUPR-SJ/IV/2025',
  contractDate: '2025-04-23',
  contractValue: '2500000000',
  valueIncludesVat: true,
  startDate: '2025-04-28',
  endDate: '2025-10-24',
  maintenanceEndDate: '2026-04-22',
  contractor: { npwp: '0012345674901000', nib: null, name: 'CV Karya Sinjai Mandiri', email: null, phone: null },
  ppk: { ref: 'ppk-7f3a1c' },
  estimatedWorkers: 35,
};

// Facts as they arrive from the edge.
const register = (overrides: Partial<RegistrationFacts> = {}): RecordProcurementFact => ({
  type: 'ProjectRegistered',
  data: { ...registrationFacts, ...overrides },
});
const amend = (addendumNumber: string, changes: AmendmentChanges): RecordProcurementFact => ({
  type: 'ContractAmended',
  data: {
    addendumNumber,
    contractValue: changes.contractValue ?? null,
    endDate: changes.endDate ?? null,
    maintenanceEndDate: changes.maintenanceEndDate ?? null,
    reason: 'Pekerjaan tambah kurang (CCO)',
  },
});
const worker = (n: number) => ({ personRef: `person-${n}`, role: 'TUKANG_BATU', startDate: null, endDate: null });
const workers = (count: number) => Array.from({ length: count }, (_, i) => worker(i + 1));
const reportWorkers = (asOf: string, count: number): RecordProcurementFact => ({ type: 'WorkersReported', data: { asOf, workers: workers(count) } });
const startWork = (startedAt: string): RecordProcurementFact => ({ type: 'WorkStarted', data: { startedAt } });
const requestPayment = (terminNumber: number, amount: string, requestedAt = '2025-06-15T10:00:00+08:00'): RecordProcurementFact => ({
  type: 'PaymentRequested',
  data: { terminNumber, amount, requestedAt },
});
const complete = (completedAt: string): RecordProcurementFact => ({ type: 'ProjectCompleted', data: { completedAt } });
const cancel = (reason = 'Pemutusan kontrak'): RecordProcurementFact => ({ type: 'ProjectCancelled', data: { reason } });

// Events as they are stored in the project stream.
const registeredData = (overrides: Partial<ProjectRegisteredData> = {}): ProjectRegisteredData => ({
  projectId: PROJECT_ID,
  projectRef: PROJECT_REF,
  ...registrationFacts,
  premium: PREMIUM_2_5_MILIAR_INCL_VAT,
  registrationDeadline: DEADLINE_FOR_SPK_2025_04_23,
  registrationDeadlineProvisional: false,
  occurredAt: REGISTERED_AT,
  ...overrides,
});
const registered = (overrides: Partial<ProjectRegisteredData> = {}): ConstructionProjectEvent => ({
  type: 'ProjectRegistered',
  data: registeredData(overrides),
});
const amended = (
  addendumNumber: string,
  changes: AmendmentChanges,
  premium: PremiumFigures | null,
  occurredAt = REGISTERED_AT,
): ConstructionProjectEvent => ({
  type: 'ContractAmended',
  data: {
    addendumNumber,
    contractValue: changes.contractValue ?? null,
    endDate: changes.endDate ?? null,
    maintenanceEndDate: changes.maintenanceEndDate ?? null,
    reason: 'Pekerjaan tambah kurang (CCO)',
    premium,
    occurredAt,
  },
});
const workersReported = (asOf: string, count: number, occurredAt = REGISTERED_AT): ConstructionProjectEvent => ({
  type: 'WorkersReported',
  data: { asOf, workers: workers(count), workerCount: count, occurredAt },
});
const workStarted = (startedAt: string, occurredAt = REGISTERED_AT): ConstructionProjectEvent => ({
  type: 'WorkStarted',
  data: { startedAt, occurredAt },
});
const paymentRequested = (
  terminNumber: number,
  amount: string,
  requestedAt = '2025-06-15T10:00:00+08:00',
  occurredAt = REGISTERED_AT,
): ConstructionProjectEvent => ({ type: 'PaymentRequested', data: { terminNumber, amount, requestedAt, occurredAt } });
const completed = (completedAt: string, occurredAt = REGISTERED_AT): ConstructionProjectEvent => ({
  type: 'ProjectCompleted',
  data: { completedAt, occurredAt },
});
const cancelled = (reason = 'Pemutusan kontrak', occurredAt = REGISTERED_AT): ConstructionProjectEvent => ({
  type: 'ProjectCancelled',
  data: { reason, occurredAt },
});

/** A refusal with this kind and code; with `paths`, exactly those field errors, each coded `date_order` or as given. */
const refusal =
  (kind: DomainErrorKind, code: string, paths?: string[], fieldCode = 'date_order') =>
  (error: Error): boolean =>
    error instanceof DomainError &&
    error.kind === kind &&
    error.code === code &&
    (paths === undefined ||
      (error.errors.length === paths.length &&
        error.errors.every((e, i) => e.path === paths[i] && e.code === fieldCode && e.message.length > 0)));

describe('ConstructionProject decider', () => {
  describe('ProjectRegistered', () => {
    it('registers the project with the banded premium on the value less 11 % VAT and a deadline 14 working days after the SPK', () => {
      spec.given([]).when(register()).then([registered()]);
    });

    it('computes the premium on the posted value when the value already excludes VAT', () => {
      spec
        .given([])
        .when(register({ valueIncludesVat: false }))
        .then([registered({ valueIncludesVat: false, premium: PREMIUM_2_5_MILIAR_NET })]);
    });

    it('takes 10 % VAT out of a value whose SPK is dated before 1 April 2022', () => {
      // SPK Thursday 2022-03-31 (10 % PPN until that day): Apr 1 (1), [2–3], 4–8 (2–6), [9–10], 11–14 (7–10),
      // [15 Wafat Isa Almasih, 16–17], 18 (11), 19 (12), 20 (13), 21 (14) → 2022-04-21.
      const dates = { contractDate: '2022-03-31', startDate: '2022-04-04', endDate: '2022-10-31', fiscalYear: 2022 };
      spec
        .given([])
        .when(register({ ...dates, contractValue: '2200000000', maintenanceEndDate: null }))
        .then([
          registered({
            ...dates,
            contractValue: '2200000000',
            maintenanceEndDate: null,
            premium: PREMIUM_2_MILIAR_BASE_VAT_10,
            registrationDeadline: '2022-04-21',
          }),
        ]);
    });

    it('marks a deadline counted into a year without holiday data provisional', () => {
      const dates = { contractDate: '2027-12-20', startDate: '2027-12-27', endDate: '2028-06-30', maintenanceEndDate: '2028-12-31', fiscalYear: 2027 };
      const [event] = decide(register(dates), initialState(), ctx);
      expect(event.type === 'ProjectRegistered' && event.data).toMatchObject({ registrationDeadline: '2028-01-10', registrationDeadlineProvisional: true });
    });

    it('rejects a second registration of the same project', () => {
      spec.given([registered()]).when(register()).thenThrows(refusal('conflict', 'project_already_registered'));
    });

    it.each([
      ['data.endDate', 'an endDate before the startDate', { endDate: '2025-04-27' }],
      ['data.maintenanceEndDate', 'a maintenanceEndDate before the endDate', { maintenanceEndDate: '2025-10-23' }],
      ['data.contractDate', 'a contractDate after the endDate', { contractDate: '2025-10-25' }],
    ] as const)('rejects a registration with %s: %s', (path, _what, dates) => {
      spec.given([]).when(register(dates)).thenThrows(refusal('invalid', 'invalid_dates', [path]));
    });

    it('reports every date out of order in one refusal', () => {
      spec
        .given([])
        .when(register({ endDate: '2025-04-20', maintenanceEndDate: '2025-04-10' }))
        .thenThrows(refusal('invalid', 'invalid_dates', ['data.endDate', 'data.maintenanceEndDate', 'data.contractDate']));
    });
  });

  describe('ContractAmended', () => {
    it('recomputes the premium when an addendum changes the contract value', () => {
      spec
        .given([registered()])
        .when(amend('ADD-01', { contractValue: '3330000000' }), at('2025-07-01T09:00:00+08:00'))
        .then([amended('ADD-01', { contractValue: '3330000000' }, premiumOn3Miliar(11), '2025-07-01T09:00:00+08:00')]);
    });

    it('recomputes with the VAT rate at the original SPK date, not the rate when the addendum arrives', () => {
      const spk2022 = { contractDate: '2022-03-31', startDate: '2022-04-04', endDate: '2022-10-31', maintenanceEndDate: null };
      spec
        .given([registered({ ...spk2022, contractValue: '2200000000', premium: PREMIUM_2_MILIAR_BASE_VAT_10 })])
        .when(amend('ADD-01', { contractValue: '3300000000' }))
        .then([amended('ADD-01', { contractValue: '3300000000' }, premiumOn3Miliar(10))]);
    });

    it('recomputes without VAT for a project whose values are posted net of VAT', () => {
      spec
        .given([registered({ valueIncludesVat: false, premium: PREMIUM_2_5_MILIAR_NET })])
        .when(amend('ADD-01', { contractValue: '3000000000' }))
        .then([amended('ADD-01', { contractValue: '3000000000' }, premiumOn3Miliar(0))]);
    });

    it('records a date-only addendum without a premium', () => {
      const dates = { endDate: '2025-11-28', maintenanceEndDate: '2026-05-27' };
      spec.given([registered()]).when(amend('ADD-01', dates)).then([amended('ADD-01', dates, null)]);
    });

    it('does not recompute the premium when the addendum repeats the current value', () => {
      spec
        .given([registered()])
        .when(amend('ADD-01', { contractValue: '2500000000' }))
        .then([amended('ADD-01', { contractValue: '2500000000' }, null)]);
    });

    it('compares the value with the latest amended value, so a return to the registered value is recomputed', () => {
      spec
        .given([registered(), amended('ADD-01', { contractValue: '3330000000' }, premiumOn3Miliar(11))])
        .when(amend('ADD-02', { contractValue: '2500000000' }))
        .then([amended('ADD-02', { contractValue: '2500000000' }, PREMIUM_2_5_MILIAR_INCL_VAT)]);
    });

    it('rejects an addendum number that is already recorded', () => {
      spec
        .given([registered(), amended('ADD-01', { endDate: '2025-11-28', maintenanceEndDate: '2026-05-27' }, null)])
        .when(amend('ADD-01', { contractValue: '3330000000' }))
        .thenThrows(refusal('conflict', 'addendum_already_recorded'));
    });

    it('rejects an amendment before the project is registered', () => {
      spec.given([]).when(amend('ADD-01', { contractValue: '3330000000' })).thenThrows(refusal('conflict', 'project_not_registered'));
    });

    it('rejects an amendment after the project was cancelled', () => {
      spec
        .given([registered(), cancelled()])
        .when(amend('ADD-01', { contractValue: '3330000000' }))
        .thenThrows(refusal('conflict', 'project_cancelled'));
    });

    it('accepts an amendment after the project was completed', () => {
      spec
        .given([registered(), workStarted('2025-04-28T07:30:00+08:00'), completed('2025-10-20T09:00:00+08:00')])
        .when(amend('ADD-01', { contractValue: '1110000000' }))
        .then([amended('ADD-01', { contractValue: '1110000000' }, PREMIUM_1_MILIAR_BASE_VAT_11)]);
    });

    it('rejects an addendum that moves the endDate before the contract startDate', () => {
      spec
        .given([registered()])
        .when(amend('ADD-01', { endDate: '2025-04-27' }))
        .thenThrows(refusal('invalid', 'invalid_dates', ['data.endDate']));
    });

    it('rejects an addendum that moves the maintenanceEndDate before the endDate', () => {
      spec
        .given([registered()])
        .when(amend('ADD-01', { maintenanceEndDate: '2025-10-23' }))
        .thenThrows(refusal('invalid', 'invalid_dates', ['data.maintenanceEndDate']));
    });

    it('rejects an addendum that extends the endDate past the recorded maintenanceEndDate without moving it', () => {
      spec
        .given([registered()])
        .when(amend('ADD-01', { endDate: '2026-05-01' }))
        .thenThrows(refusal('invalid', 'invalid_dates', ['data.maintenanceEndDate']));
    });
  });

  describe('ContractAmended limits', () => {
    it('refuses lowering the contract value below the payments already requested', () => {
      spec
        .given([registered(), paymentRequested(1, '1250000000')])
        .when(amend('ADD-09', { contractValue: '1249999999' }))
        .thenThrows(refusal('unprocessable', 'contract_value_below_payments'));
    });

    it('refuses an end date before the contract (SPK) date', () => {
      // The fixture's SPK is 2025-04-21 and start 2025-04-28: an end before both is refused on the start first,
      // so the contract date check is reached with a contract dated after the start.
      spec
        .given([registered({ contractDate: '2025-05-02' })])
        .when(amend('ADD-10', { endDate: '2025-04-30' }))
        .thenThrows(refusal('invalid', 'invalid_dates'));
    });
  });

  describe('WorkersReported', () => {
    it('records the roster with its worker count', () => {
      spec
        .given([registered()])
        .when(reportWorkers('2025-05-31', 3), at('2025-06-02T08:00:00+08:00'))
        .then([workersReported('2025-05-31', 3, '2025-06-02T08:00:00+08:00')]);
    });

    it('accepts a corrected roster with the same date as the recorded one', () => {
      spec.given([registered(), workersReported('2025-05-31', 3)]).when(reportWorkers('2025-05-31', 4)).then([workersReported('2025-05-31', 4)]);
    });

    it('rejects a roster older than the one already recorded', () => {
      spec
        .given([registered(), workersReported('2025-06-30', 12)])
        .when(reportWorkers('2025-05-31', 10))
        .thenThrows(refusal('conflict', 'roster_out_of_date'));
    });

    it('rejects a roster dated after the project was completed', () => {
      spec
        .given([registered(), completed('2025-10-20T09:00:00+08:00')])
        .when(reportWorkers('2025-10-21', 12))
        .thenThrows(refusal('conflict', 'project_completed'));
    });

    it('reads the completion time in WITA when comparing the roster date', () => {
      // 2025-10-24T17:00:00Z is 01:00 on 2025-10-25 in WITA, so a roster as of 2025-10-25 is not after completion.
      spec
        .given([registered(), completed('2025-10-24T17:00:00Z')])
        .when(reportWorkers('2025-10-25', 12))
        .then([workersReported('2025-10-25', 12)]);
    });
  });

  describe('WorkStarted', () => {
    it('records the start of work at the time the context gives', () => {
      spec
        .given([registered()])
        .when(startWork('2025-04-28T07:30:00+08:00'), at('2025-04-28T09:00:00+08:00'))
        .then([workStarted('2025-04-28T07:30:00+08:00', '2025-04-28T09:00:00+08:00')]);
    });

    it('rejects a second start of work', () => {
      spec
        .given([registered(), workStarted('2025-04-28T07:30:00+08:00')])
        .when(startWork('2025-04-29T07:30:00+08:00'))
        .thenThrows(refusal('conflict', 'work_already_started'));
    });

    it('rejects a start of work after the project was completed', () => {
      spec
        .given([registered(), completed('2025-10-20T09:00:00+08:00')])
        .when(startWork('2025-10-21T07:30:00+08:00'))
        .thenThrows(refusal('conflict', 'project_completed'));
    });
  });

  describe('PaymentRequested', () => {
    it('records a payment request for a termin', () => {
      spec
        .given([registered(), workStarted('2025-04-28T07:30:00+08:00')])
        .when(requestPayment(1, '1250000000'))
        .then([paymentRequested(1, '1250000000')]);
    });

    it('rejects a second request for the same termin', () => {
      spec
        .given([registered(), paymentRequested(1, '1250000000')])
        .when(requestPayment(1, '625000000'))
        .thenThrows(refusal('conflict', 'termin_already_requested'));
    });

    it('rejects a payment that would bring the total requested above the contract value', () => {
      // 1,250,000,000 + 1,250,000,001 = 2,500,000,001 > 2,500,000,000.
      spec
        .given([registered(), paymentRequested(1, '1250000000')])
        .when(requestPayment(2, '1250000001'))
        .thenThrows(refusal('unprocessable', 'payment_exceeds_contract_value', ['data.amount'], 'exceeds_contract_value'));
    });

    it('accepts a payment of exactly the value that remains', () => {
      spec
        .given([registered(), paymentRequested(1, '1250000000')])
        .when(requestPayment(2, '1250000000'))
        .then([paymentRequested(2, '1250000000')]);
    });

    it('measures payments against a raised amended contract value', () => {
      // 3,330,000,000 − 2,500,000,000 already requested = 830,000,000 remain (more than the registered value allows).
      spec
        .given([registered(), amended('ADD-01', { contractValue: '3330000000' }, premiumOn3Miliar(11)), paymentRequested(1, '2500000000')])
        .when(requestPayment(2, '830000000'))
        .then([paymentRequested(2, '830000000')]);
    });

    it('measures payments against a lowered amended contract value', () => {
      // Allowed under the registered 2,500,000,000, but the addendum lowered the value to 1,110,000,000.
      spec
        .given([registered(), amended('ADD-01', { contractValue: '1110000000' }, PREMIUM_1_MILIAR_BASE_VAT_11), paymentRequested(1, '555000000')])
        .when(requestPayment(2, '555000001'))
        .thenThrows(refusal('unprocessable', 'payment_exceeds_contract_value'));
    });
  });

  describe('ProjectCompleted', () => {
    it('records the hand-over', () => {
      spec
        .given([registered(), workStarted('2025-04-28T07:30:00+08:00')])
        .when(complete('2025-10-20T09:00:00+08:00'))
        .then([completed('2025-10-20T09:00:00+08:00')]);
    });

    it('rejects a second completion', () => {
      spec
        .given([registered(), completed('2025-10-20T09:00:00+08:00')])
        .when(complete('2025-10-21T09:00:00+08:00'))
        .thenThrows(refusal('conflict', 'project_completed'));
    });

    it.each([
      ['a WITA time on the day before', '2025-04-27T23:30:00+08:00'],
      ['a date before', '2025-04-27'],
      ['a UTC time that is still the day before in WITA', '2025-04-27T15:59:59Z'],
    ])('rejects a hand-over before the contract startDate 2025-04-28: %s (%s)', (_what, completedAt) => {
      spec.given([registered()]).when(complete(completedAt)).thenThrows(refusal('invalid', 'invalid_dates', ['data.completedAt']));
    });

    it('accepts a UTC hand-over time that is already the startDate in WITA', () => {
      // 2025-04-27T16:30:00Z + 8 h = 2025-04-28 00:30 WITA, the contract start date itself.
      spec.given([registered()]).when(complete('2025-04-27T16:30:00Z')).then([completed('2025-04-27T16:30:00Z')]);
    });
  });

  describe('ProjectCompleted order', () => {
    it('refuses a hand-over dated before the recorded start of work', () => {
      spec
        .given([registered(), workStarted('2025-05-10T07:30:00+08:00')])
        .when(complete('2025-05-09T16:00:00+08:00'))
        .thenThrows(refusal('invalid', 'invalid_dates'));
    });
  });

  describe('ProjectCancelled', () => {
    it('records the cancellation with its reason', () => {
      spec
        .given([registered(), workStarted('2025-04-28T07:30:00+08:00')])
        .when(cancel('Pemutusan kontrak: penyedia wanprestasi'), at('2025-08-01T10:00:00+08:00'))
        .then([cancelled('Pemutusan kontrak: penyedia wanprestasi', '2025-08-01T10:00:00+08:00')]);
    });

    it('rejects cancelling a completed project', () => {
      spec
        .given([registered(), completed('2025-10-20T09:00:00+08:00')])
        .when(cancel())
        .thenThrows(refusal('conflict', 'project_completed'));
    });

    it.each([
      ['ContractAmended', amend('ADD-01', { contractValue: '3330000000' })],
      ['WorkersReported', reportWorkers('2025-05-31', 3)],
      ['WorkStarted', startWork('2025-04-28T07:30:00+08:00')],
      ['PaymentRequested', requestPayment(1, '1250000000')],
      ['ProjectCompleted', complete('2025-10-20T09:00:00+08:00')],
      ['ProjectCancelled', cancel('again')],
    ] as const)('refuses %s after the project was cancelled', (_type, fact) => {
      spec.given([registered(), cancelled()]).when(fact).thenThrows(refusal('conflict', 'project_cancelled'));
    });

    it('refuses ProjectRegistered after the project was cancelled as project_cancelled', () => {
      spec.given([registered(), cancelled()]).when(register()).thenThrows(refusal('conflict', 'project_cancelled'));
    });
  });

  describe('facts before registration', () => {
    it.each([
      ['ContractAmended', amend('ADD-01', { contractValue: '3330000000' })],
      ['WorkersReported', reportWorkers('2025-05-31', 3)],
      ['WorkStarted', startWork('2025-04-28T07:30:00+08:00')],
      ['PaymentRequested', requestPayment(1, '1250000000')],
      ['ProjectCompleted', complete('2025-10-20T09:00:00+08:00')],
      ['ProjectCancelled', cancel()],
    ] as const)('refuses %s for a project that has not been registered', (_type, fact) => {
      spec.given([]).when(fact).thenThrows(refusal('conflict', 'project_not_registered'));
    });
  });

  describe('evolve', () => {
    it('folds a full history into the project state', () => {
      const history: ConstructionProjectEvent[] = [
        registered(),
        amended('ADD-01', { contractValue: '3330000000' }, premiumOn3Miliar(11)),
        workersReported('2025-05-31', 12),
        workStarted('2025-04-28T07:30:00+08:00'),
        paymentRequested(1, '1665000000', '2025-06-15T10:00:00+08:00'),
        paymentRequested(2, '832500000', '2025-08-15T10:00:00+08:00'),
        completed('2025-10-20T09:00:00+08:00'),
      ];
      const expected: ConstructionProjectState = {
        status: 'COMPLETED',
        registration: registeredData(),
        contractValue: 3_330_000_000n,
        endDate: '2025-10-24',
        maintenanceEndDate: '2026-04-22',
        premium: premiumOn3Miliar(11),
        addenda: ['ADD-01'],
        termins: [1, 2],
        amountRequested: 2_497_500_000n, // 1,665,000,000 + 832,500,000
        startedAt: '2025-04-28T07:30:00+08:00',
        completedAt: '2025-10-20T09:00:00+08:00',
        rosterAsOf: '2025-05-31',
        workerCount: 12,
      };
      expect(foldProject(history)).toEqual(expected);
    });

    it('keeps the current premium and value through a date-only addendum', () => {
      const state = foldProject([registered(), amended('ADD-01', { endDate: '2025-11-28', maintenanceEndDate: '2026-05-27' }, null)]);
      expect(state).toMatchObject({
        contractValue: 2_500_000_000n,
        premium: PREMIUM_2_5_MILIAR_INCL_VAT,
        endDate: '2025-11-28',
        maintenanceEndDate: '2026-05-27',
        addenda: ['ADD-01'],
      });
    });

    it.each([
      ['REGISTERED', [registered()]],
      ['IN_PROGRESS', [registered(), workStarted('2025-04-28T07:30:00+08:00')]],
      ['CANCELLED', [registered(), workStarted('2025-04-28T07:30:00+08:00'), cancelled()]],
    ] as const)('reaches status %s', (status, history) => {
      expect(history.reduce(evolve, initialState()).status).toBe(status);
    });
  });

  describe('calendarDateWita', () => {
    it.each([
      ['a plain date as it is', '2025-04-27', '2025-04-27'],
      ['a WITA (+08:00) date-time late in the evening', '2025-04-27T23:30:00+08:00', '2025-04-27'],
      ['a UTC date-time past 16:00 as the next day', '2025-04-27T16:30:00Z', '2025-04-28'],
      ['a UTC date-time one second before WITA midnight', '2025-04-27T15:59:59Z', '2025-04-27'],
      ['a UTC date-time across the year end', '2025-12-31T16:00:00Z', '2026-01-01'],
      ['a WIT (+09:00) date-time just after midnight as the day before', '2025-04-28T00:30:00+09:00', '2025-04-27'],
    ])('reads %s (%s → %s)', (_what, value, expected) => {
      expect(calendarDateWita(value)).toBe(expected);
    });

    // Jest sandboxes process.env, so setting TZ here would not reach V8: the spy makes Date.parse
    // read offset-less date-times as a UTC host does, and passes everything else through.
    it('reads a date-time without an offset as WITA wall-clock time whatever the server time zone', () => {
      const parse = Date.parse;
      const onUtcHost = jest
        .spyOn(Date, 'parse')
        .mockImplementation((value: string) => parse(/T[\d:.]+$/.test(value) ? `${value}Z` : value));
      try {
        expect(calendarDateWita('2025-04-27T23:30:00')).toBe('2025-04-27');
      } finally {
        onUtcHost.mockRestore();
      }
    });
  });
});

describe('DeciderSpecification', () => {
  type Command = { type: 'add'; n: number } | { type: 'noop' } | { type: 'fail' };
  type Event = { type: 'added'; n: number; by: string };
  const counter = DeciderSpecification.for<Command, Event, number, { user: string }>({
    decide: (command, total, context) => {
      if (command.type === 'noop') return [];
      if (command.type === 'fail') throw new DomainError('conflict', 'too_late', `total is ${total}`);
      return [{ type: 'added', n: total + command.n, by: context.user }];
    },
    evolve: (total, event) => event.n,
    initialState: () => 0,
    context: { user: 'default' },
  });

  it('folds the given events before deciding and passes the default context', () => {
    counter.given([{ type: 'added', n: 5, by: 'x' }]).when({ type: 'add', n: 2 }).then([{ type: 'added', n: 7, by: 'default' }]);
  });

  it('passes the context given with when instead of the default', () => {
    counter.given([]).when({ type: 'add', n: 1 }, { user: 'ppk' }).then({ type: 'added', n: 1, by: 'ppk' });
  });

  it('fails then when the events differ', () => {
    expect(() => counter.given([]).when({ type: 'add', n: 1 }).then([{ type: 'added', n: 2, by: 'default' }])).toThrow();
  });

  it('fails then when decide throws', () => {
    expect(() => counter.given([]).when({ type: 'fail' }).then([])).toThrow(DomainError);
  });

  it('passes thenNothingHappened only when decide returns no events', () => {
    counter.given([]).when({ type: 'noop' }).thenNothingHappened();
    expect(() => counter.given([]).when({ type: 'add', n: 1 }).thenNothingHappened()).toThrow();
  });

  it('passes thenThrows for a matching class, predicate, or both', () => {
    counter.given([]).when({ type: 'fail' }).thenThrows();
    counter.given([]).when({ type: 'fail' }).thenThrows(DomainError);
    counter.given([]).when({ type: 'fail' }).thenThrows((e) => e instanceof DomainError && e.code === 'too_late');
    counter.given([]).when({ type: 'fail' }).thenThrows(DomainError, (e) => e.kind === 'conflict');
  });

  it('fails thenThrows when decide returns events', () => {
    expect(() => counter.given([]).when({ type: 'add', n: 1 }).thenThrows()).toThrow(/Expected decide to throw/);
  });

  it('fails thenThrows when the error does not match', () => {
    const when = counter.given([]).when({ type: 'fail' });
    expect(() => when.thenThrows(RangeError)).toThrow(/Expected decide to throw a RangeError/);
    expect(() => when.thenThrows((e) => e instanceof DomainError && e.code === 'other')).toThrow(/did not match/);
    expect(() => when.thenThrows(DomainError, (e) => e.kind === 'invalid')).toThrow(/did not match/);
  });
});
