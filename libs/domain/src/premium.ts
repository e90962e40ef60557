import { isIsoDate, type IsoDate } from './calendar-date';
import type { Rupiah } from './money';
import { add, compare, multiply, percent, rational, roundHalfUp, subtract, type Rational } from './rational';
import { DEFAULT_VAT_TABLE, vatRateAt, type VatRate } from './vat';

/** One marginal band: its rates apply only to the part of the base between the previous band's `upTo` and its own. */
export interface PremiumBand {
  /** Upper edge in rupiah, inclusive; `null` for the open top band (which must be last). */
  readonly upTo: Rupiah | null;
  readonly jkk: Rational;
  readonly jkm: Rational;
}

/** Jakon JKK + JKM bands on the contract value excluding VAT, when wages are not itemised (docs/domain.md). */
export const DEFAULT_JAKON_BANDS: readonly PremiumBand[] = [
  { upTo: 100_000_000n, jkk: percent('0.21'), jkm: percent('0.03') },
  { upTo: 500_000_000n, jkk: percent('0.17'), jkm: percent('0.02') },
  { upTo: 1_000_000_000n, jkk: percent('0.13'), jkm: percent('0.02') },
  { upTo: 5_000_000_000n, jkk: percent('0.11'), jkm: percent('0.01') },
  { upTo: null, jkk: percent('0.09'), jkm: percent('0.01') },
];

/** JKK 1.74 % + JKM 0.30 % of monthly wages, for contracts whose wages are itemised. */
export const DEFAULT_WAGE_RATES = { jkk: percent('1.74'), jkm: percent('0.30') } as const;

export interface JakonPremiumInput {
  readonly contractValue: Rupiah;
  /** Government contract values normally include PPN; the project says whether this one does. */
  readonly valueIncludesVat: boolean;
  /** SPK date: it picks the VAT rate. */
  readonly contractDate: IsoDate;
}

export interface PremiumSplit {
  readonly jkk: Rupiah;
  /** total − jkk, so the two parts always add up to the total. */
  readonly jkm: Rupiah;
  readonly total: Rupiah;
}

export interface PremiumAssessment extends PremiumSplit {
  /** Exact base excluding VAT, rounded half up to 2 decimals for display, e.g. "2252252252.25". */
  readonly base: string;
  /** 0 when the value already excludes VAT. */
  readonly vatRatePercent: number;
}

/**
 * Jakon premium from the contract value with marginal bands, computed with exact fractions and rounded half up
 * once on the total (docs/domain.md: Rp 2.5 miliar incl. 11 % PPN → Rp 3,252,703, not the flat-rate Rp 3,000,000).
 */
export function computeJakonPremium(
  input: JakonPremiumInput,
  bands: readonly PremiumBand[] = DEFAULT_JAKON_BANDS,
  vatTable: readonly VatRate[] = DEFAULT_VAT_TABLE,
): PremiumAssessment {
  if (input.contractValue < 0n) throw new RangeError('contractValue must not be negative');
  if (!isIsoDate(input.contractDate)) {
    throw new RangeError(`contractDate must be a real date as YYYY-MM-DD, got '${input.contractDate}'`);
  }
  assertBands(bands);

  const vatRatePercent = input.valueIncludesVat ? vatRateAt(input.contractDate, vatTable) : 0;
  const base = rational(input.contractValue * 100n, BigInt(100 + vatRatePercent));

  let jkk = rational(0n);
  let jkm = rational(0n);
  let lower = rational(0n);
  for (const band of bands) {
    const upper = band.upTo === null ? base : minimum(base, rational(band.upTo));
    if (compare(upper, lower) <= 0) break;
    const portion = subtract(upper, lower);
    jkk = add(jkk, multiply(portion, band.jkk));
    jkm = add(jkm, multiply(portion, band.jkm));
    lower = upper;
  }

  return { base: formatTwoDecimals(base), vatRatePercent, ...split(jkk, jkm) };
}

/** Premium when wages are itemised; same rounding rule as the banded premium. */
export function computeWagePremium(
  monthlyWages: Rupiah,
  rates: { readonly jkk: Rational; readonly jkm: Rational } = DEFAULT_WAGE_RATES,
): PremiumSplit {
  if (monthlyWages < 0n) throw new RangeError('monthlyWages must not be negative');
  const wages = rational(monthlyWages);
  return split(multiply(wages, rates.jkk), multiply(wages, rates.jkm));
}

function split(jkkExact: Rational, jkmExact: Rational): PremiumSplit {
  const total = roundHalfUp(add(jkkExact, jkmExact));
  const jkk = roundHalfUp(jkkExact);
  return { jkk, jkm: total - jkk, total };
}

function assertBands(bands: readonly PremiumBand[]): void {
  const rule = 'Premium bands must rise strictly and end with exactly one open band (upTo: null)';
  if (bands.length === 0) throw new RangeError(rule);
  let previous = 0n;
  bands.forEach((band, index) => {
    const isLast = index === bands.length - 1;
    if (isLast ? band.upTo !== null : band.upTo === null || band.upTo <= previous) throw new RangeError(rule);
    previous = band.upTo ?? previous;
  });
}

function minimum(a: Rational, b: Rational): Rational {
  return compare(a, b) <= 0 ? a : b;
}

function formatTwoDecimals(value: Rational): string {
  const cents = roundHalfUp(multiply(value, rational(100n)));
  return `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
}
