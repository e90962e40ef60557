import { computeJakonPremium, computeWagePremium, type PremiumBand } from './premium';
import { percent } from './rational';

/**
 * Independent reference: premium already reached at each band start, worked out by hand from the table in
 * docs/domain.md (e.g. 100 juta × 0.24 % = 240,000), plus the band's rate on the rest, in scaled integers.
 */
const STEPS = [
  { from: 0n, jkkBefore: 0n, totalBefore: 0n, jkkBasisPoints: 21n, totalBasisPoints: 24n },
  { from: 100_000_000n, jkkBefore: 210_000n, totalBefore: 240_000n, jkkBasisPoints: 17n, totalBasisPoints: 19n },
  { from: 500_000_000n, jkkBefore: 890_000n, totalBefore: 1_000_000n, jkkBasisPoints: 13n, totalBasisPoints: 15n },
  { from: 1_000_000_000n, jkkBefore: 1_540_000n, totalBefore: 1_750_000n, jkkBasisPoints: 11n, totalBasisPoints: 12n },
  { from: 5_000_000_000n, jkkBefore: 5_940_000n, totalBefore: 6_550_000n, jkkBasisPoints: 9n, totalBasisPoints: 10n },
];

function referencePremium(value: bigint, vatPercent = 0) {
  const divisor = BigInt(100 + vatPercent); // base × divisor = value × 100
  const scaledBase = value * 100n;
  const step = [...STEPS].reverse().find((s) => s.from * divisor <= scaledBase)!;
  const unit = divisor * 10_000n; // amounts below are counted in 1/unit rupiah
  const over = scaledBase - step.from * divisor;
  const halfUp = (units: bigint) => (units + unit / 2n) / unit;
  const total = halfUp(step.totalBefore * unit + over * step.totalBasisPoints);
  const jkk = halfUp(step.jkkBefore * unit + over * step.jkkBasisPoints);
  return { jkk, jkm: total - jkk, total };
}

const exVat = (contractValue: bigint) =>
  computeJakonPremium({ contractValue, valueIncludesVat: false, contractDate: '2025-01-15' });
const inclVat = (contractValue: bigint, contractDate = '2025-01-15') =>
  computeJakonPremium({ contractValue, valueIncludesVat: true, contractDate });
const split = ({ jkk, jkm, total }: { jkk: bigint; jkm: bigint; total: bigint }) => ({ jkk, jkm, total });

describe('computeJakonPremium', () => {
  it('charges Rp 3,252,703 on Rp 2.5 miliar including 11 % VAT, split JKK 2,917,477 + JKM 335,226', () => {
    expect(inclVat(2_500_000_000n)).toEqual({
      base: '2252252252.25',
      vatRatePercent: 11,
      jkk: 2_917_477n,
      jkm: 335_226n,
      total: 3_252_703n,
    });
  });

  it('charges Rp 3,550,000 on the same Rp 2.5 miliar when it already excludes VAT', () => {
    expect(exVat(2_500_000_000n)).toEqual({
      base: '2500000000.00',
      vatRatePercent: 0,
      jkk: 3_190_000n,
      jkm: 360_000n,
      total: 3_550_000n,
    });
  });

  it('reaches exactly the hand-computed premium at each band edge', () => {
    expect(exVat(100_000_000n).total).toBe(240_000n);
    expect(exVat(500_000_000n).total).toBe(1_000_000n);
    expect(exVat(1_000_000_000n).total).toBe(1_750_000n);
    expect(exVat(5_000_000_000n).total).toBe(6_550_000n);
  });

  describe.each([100_000_000n, 500_000_000n, 1_000_000_000n, 5_000_000_000n])('around the band edge at %p', (edge) => {
    it.each([-1n, 0n, 1n])('matches the reference at edge %p rupiah', (offset) => {
      expect(split(exVat(edge + offset))).toEqual(referencePremium(edge + offset));
    });
  });

  it.each([
    1n, 99_999n, 123_456_789n, 450_450_450n, 777_777_777n, 1_110_000_000n, 3_333_333_333n, 5_550_000_000n,
    12_345_678_901n, 987_654_321_098n,
  ])('matches the reference for %p rupiah including 11 % VAT', (value) => {
    expect(split(inclVat(value))).toEqual(referencePremium(value, 11));
  });

  it('takes the VAT rate at the SPK date: 10 % on 31 March 2022, 11 % from 1 April 2022', () => {
    const before = inclVat(1_100_000_000n, '2022-03-31');
    expect(before).toMatchObject({ base: '1000000000.00', vatRatePercent: 10, total: 1_750_000n });
    const after = inclVat(1_100_000_000n, '2022-04-01');
    expect(after).toEqual({
      base: '990990990.99',
      vatRatePercent: 11,
      jkk: 1_528_288n,
      jkm: 208_198n,
      total: 1_736_486n,
    });
  });

  it('charges nothing on a zero contract value', () => {
    expect(inclVat(0n)).toEqual({ base: '0.00', vatRatePercent: 11, jkk: 0n, jkm: 0n, total: 0n });
  });

  it('stays exact on Rp 1 triliun and on values beyond 2^53', () => {
    expect(split(exVat(1_000_000_000_000n))).toEqual({ jkk: 901_440_000n, jkm: 100_110_000n, total: 1_001_550_000n });
    expect(split(inclVat(1_000_000_000_000n))).toEqual(referencePremium(1_000_000_000_000n, 11));
    const huge = 12_345_678_901_234_567_891n;
    expect(split(inclVat(huge))).toEqual(referencePremium(huge, 11));
  });

  it('rounds an exact half up: 4.5 → 5 and 1.5 → 2', () => {
    expect(exVat(1_875n).total).toBe(5n);
    expect(exVat(625n).total).toBe(2n);
  });

  it('rounds once on the total, not JKK and JKM separately (1,700 → 4.08 → 4, not 4 + 1)', () => {
    expect(split(exVat(1_700n))).toEqual({ jkk: 4n, jkm: 0n, total: 4n });
  });

  it("uses a region's own bands when given", () => {
    const flat: PremiumBand[] = [{ upTo: null, jkk: percent('0.18'), jkm: percent('0.02') }];
    const input = { contractValue: 1_000_000_000n, valueIncludesVat: false, contractDate: '2025-01-15' };
    const result = computeJakonPremium(input, flat);
    expect(split(result)).toEqual({ jkk: 1_800_000n, jkm: 200_000n, total: 2_000_000n });
  });

  it('refuses bands that do not rise or do not end open, a negative value and a malformed date', () => {
    const input = { contractValue: 1n, valueIncludesVat: false, contractDate: '2025-01-15' };
    const rate = percent('0.1');
    expect(() => computeJakonPremium(input, [{ upTo: 100n, jkk: rate, jkm: rate }])).toThrow(RangeError);
    expect(() =>
      computeJakonPremium(input, [
        { upTo: 100n, jkk: rate, jkm: rate },
        { upTo: 100n, jkk: rate, jkm: rate },
        { upTo: null, jkk: rate, jkm: rate },
      ]),
    ).toThrow(RangeError);
    expect(() => computeJakonPremium(input, [])).toThrow(RangeError);
    expect(() => computeJakonPremium({ ...input, contractValue: -1n })).toThrow(RangeError);
    expect(() => computeJakonPremium({ ...input, contractDate: '15/01/2025' })).toThrow(RangeError);
  });
});

describe('computeWagePremium', () => {
  it('charges JKK 1.74 % + JKM 0.30 % of itemised monthly wages', () => {
    expect(computeWagePremium(10_000_000n)).toEqual({ jkk: 174_000n, jkm: 30_000n, total: 204_000n });
  });

  it('rounds half up once on the total and gives JKM the remainder', () => {
    // 1,234,567 × 2.04 % = 25,185.1668; JKK 1.74 % = 21,481.4658
    expect(computeWagePremium(1_234_567n)).toEqual({ jkk: 21_481n, jkm: 3_704n, total: 25_185n });
    // 25 × 2.04 % = 0.51 → 1, while JKK 0.435 → 0
    expect(computeWagePremium(25n)).toEqual({ jkk: 0n, jkm: 1n, total: 1n });
  });
});
