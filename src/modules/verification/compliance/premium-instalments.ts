import type { IsoDate } from '@sinergi/domain';

/**
 * The Jakon premium may be paid in full or in instalments — 50 % / 25 % / 25 % by default — all before the
 * contract period ends; the project is a participant from its first instalment (BPJS Ketenagakerjaan, Perdir
 * 22/2022). No source fixes when the 2nd and 3rd fall due, so Sinergi holds the whole premium due at the first of:
 * the amended end date passing, the hand-over (BAST), or the final termin (a payment request that brings the
 * requested total to the contract value, which South Sulawesi regencies pay only against the BPJS receipt).
 */
export interface InstalmentFacts {
  premiumDue: bigint;
  premiumPaid: bigint;
  /** The share that makes the project a participant, in whole percent (per region; 50 by default). */
  firstInstalmentPercent: number;
  registrationDeadline: IsoDate;
  /** The contract's end date as amended. */
  endDate: IsoDate;
  /** `ProjectCompleted` (hand-over) is recorded. */
  handedOver: boolean;
  /** The payment requests add up to at least the (amended) contract value. */
  finalTerminRequested: boolean;
  /** Today in WITA. */
  checkedOn: IsoDate;
}

export type PremiumStanding =
  | { kind: 'PAID_IN_FULL' }
  /** Below the first instalment while registration is still in time: not yet a verdict. */
  | { kind: 'AWAITING_FIRST_INSTALMENT' }
  /** A participant with instalments still to pay before `dueBy`: advisory, not a reason. */
  | { kind: 'INSTALMENT_OUTSTANDING'; amount: bigint; dueBy: IsoDate }
  | { kind: 'SHORTFALL'; shortfall: bigint; because: 'FIRST_INSTALMENT_MISSING' | 'CONTRACT_PERIOD_ENDED' | 'HANDED_OVER' | 'FINAL_TERMIN' };

/** Where the premium stands on `checkedOn`; the end date itself and the deadline day itself are still in time. */
export function premiumStanding(f: InstalmentFacts): PremiumStanding {
  if (f.premiumPaid >= f.premiumDue) return { kind: 'PAID_IN_FULL' };
  const shortfall = f.premiumDue - f.premiumPaid;
  // Hand-over and the final termin make the whole premium due at once, however little was paid.
  if (f.handedOver) return { kind: 'SHORTFALL', shortfall, because: 'HANDED_OVER' };
  if (f.finalTerminRequested) return { kind: 'SHORTFALL', shortfall, because: 'FINAL_TERMIN' };
  // Exact in integers: paid / due ≥ percent / 100.
  const participant = f.premiumPaid * 100n >= f.premiumDue * BigInt(f.firstInstalmentPercent);
  if (!participant) {
    return f.checkedOn <= f.registrationDeadline
      ? { kind: 'AWAITING_FIRST_INSTALMENT' }
      : { kind: 'SHORTFALL', shortfall, because: 'FIRST_INSTALMENT_MISSING' };
  }
  if (f.checkedOn > f.endDate) return { kind: 'SHORTFALL', shortfall, because: 'CONTRACT_PERIOD_ENDED' };
  return { kind: 'INSTALMENT_OUTSTANDING', amount: shortfall, dueBy: f.endDate };
}

/** `instalmentOutstanding` of the project API: what is left to pay and by when, or null. */
export function instalmentOutstanding(standing: PremiumStanding): { amount: string; dueBy: IsoDate } | null {
  return standing.kind === 'INSTALMENT_OUTSTANDING' ? { amount: standing.amount.toString(), dueBy: standing.dueBy } : null;
}
