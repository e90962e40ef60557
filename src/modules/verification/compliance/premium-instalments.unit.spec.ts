import { type InstalmentFacts, premiumStanding } from './premium-instalments';

/** A Rp 2.5 bn contract: premium due Rp 3,252,703; SPK 21 Apr 2025, deadline 12 May, end 24 Oct 2025. */
const given = (overrides: Partial<InstalmentFacts> = {}): InstalmentFacts => ({
  premiumDue: 3_252_703n,
  premiumPaid: 0n,
  firstInstalmentPercent: 50,
  registrationDeadline: '2025-05-12',
  endDate: '2025-10-24',
  handedOver: false,
  finalTerminRequested: false,
  checkedOn: '2025-06-01',
  ...overrides,
});
const half = 1_626_352n; // ⌈3,252,703 / 2⌉: the smallest payment that is 50 %

describe('premium paid in instalments', () => {
  describe('below the first instalment', () => {
    it('is not yet a verdict up to the registration deadline, the deadline day included', () => {
      expect(premiumStanding(given({ premiumPaid: half - 1n, checkedOn: '2025-05-12' }))).toEqual({ kind: 'AWAITING_FIRST_INSTALMENT' });
    });

    it('is a shortfall the day after the deadline: not yet a participant', () => {
      expect(premiumStanding(given({ premiumPaid: half - 1n, checkedOn: '2025-05-13' }))).toEqual({
        kind: 'SHORTFALL',
        shortfall: 3_252_703n - (half - 1n),
        because: 'FIRST_INSTALMENT_MISSING',
      });
    });

    it('is a shortfall with nothing paid at all after the deadline', () => {
      expect(premiumStanding(given({ premiumPaid: 0n }))).toMatchObject({ kind: 'SHORTFALL', because: 'FIRST_INSTALMENT_MISSING' });
    });
  });

  describe('from the first instalment on', () => {
    it('counts exactly 50 % as a participant, with the rest outstanding until the end date', () => {
      expect(premiumStanding(given({ premiumPaid: half }))).toEqual({ kind: 'INSTALMENT_OUTSTANDING', amount: 3_252_703n - half, dueBy: '2025-10-24' });
    });

    it('counts one rupiah under 50 % as not a participant', () => {
      expect(premiumStanding(given({ premiumPaid: half - 1n }))).toMatchObject({ kind: 'SHORTFALL' });
    });

    it('keeps the end date itself in time, and the day after it is a shortfall', () => {
      expect(premiumStanding(given({ premiumPaid: half, checkedOn: '2025-10-24' }))).toMatchObject({ kind: 'INSTALMENT_OUTSTANDING' });
      expect(premiumStanding(given({ premiumPaid: half, checkedOn: '2025-10-25' }))).toMatchObject({ kind: 'SHORTFALL', because: 'CONTRACT_PERIOD_ENDED' });
    });

    it('holds the whole premium due at hand-over, before the end date and even before the deadline', () => {
      expect(premiumStanding(given({ premiumPaid: half, handedOver: true }))).toMatchObject({ kind: 'SHORTFALL', because: 'HANDED_OVER' });
      expect(premiumStanding(given({ premiumPaid: 0n, handedOver: true, checkedOn: '2025-05-01' }))).toMatchObject({ kind: 'SHORTFALL', because: 'HANDED_OVER' });
    });

    it('holds the whole premium due at the final termin', () => {
      expect(premiumStanding(given({ premiumPaid: 3_000_000n, finalTerminRequested: true }))).toEqual({
        kind: 'SHORTFALL',
        shortfall: 252_703n,
        because: 'FINAL_TERMIN',
      });
    });

    it('follows an amendment that raises the value mid-contract: the new premium is the measure', () => {
      // Rp 2.5 bn → Rp 3 bn: premium due 3,903,243; 1,626,352 paid is no longer half.
      const raised = given({ premiumDue: 3_903_243n, premiumPaid: half, endDate: '2025-11-30' });
      expect(premiumStanding(raised)).toMatchObject({ kind: 'SHORTFALL', because: 'FIRST_INSTALMENT_MISSING' });
      expect(premiumStanding({ ...raised, premiumPaid: 1_951_622n })).toEqual({ kind: 'INSTALMENT_OUTSTANDING', amount: 1_951_621n, dueBy: '2025-11-30' });
    });

    it('takes the region’s own first-instalment share', () => {
      expect(premiumStanding(given({ premiumPaid: half, firstInstalmentPercent: 60 }))).toMatchObject({ kind: 'SHORTFALL' });
      expect(premiumStanding(given({ premiumPaid: 1_951_622n, firstInstalmentPercent: 60 }))).toMatchObject({ kind: 'INSTALMENT_OUTSTANDING' });
    });
  });

  it('is paid in full whatever the dates once paid reaches due', () => {
    expect(premiumStanding(given({ premiumPaid: 3_252_703n, handedOver: true, checkedOn: '2026-01-01' }))).toEqual({ kind: 'PAID_IN_FULL' });
  });
});
