import { childRegionOf, isInRegion, regionAncestry } from '@sinergi/domain';
import {
  addFigures,
  contractMonthWita,
  type CoverageFigures,
  coveragePercent,
  isZeroFigures,
  percentOf,
  rollUpByRegion,
  rollUpRegion,
  subtractFigures,
  sumFigures,
  toCoverageSummary,
  zeroFigures,
} from './coverage-figures';

/** Figures of `n` projects, `registered` of them registered, with round numbers easy to add by eye. */
function figures(n: number, registered: number, value: bigint, workers = 0): CoverageFigures {
  return {
    projects: { total: n, registered, compliant: registered, nonCompliant: n - registered, pending: 0, unverifiable: 0 },
    workers: { reported: workers, covered: Math.min(workers, registered * 10) },
    contractValue: { total: value, covered: (value * BigInt(registered)) / BigInt(Math.max(n, 1)) },
    premium: { due: value / 1000n, paid: (value / 1000n) * BigInt(registered > 0 ? 1 : 0) },
  };
}

describe('coverage figures', () => {
  it('adds and subtracts every field, money as bigint', () => {
    const a = figures(3, 1, 3_000_000_000n, 20);
    const b = figures(2, 2, 9_007_199_254_740_993n, 15); // beyond 2^53: no float in between
    const sum = addFigures(a, b);
    expect(sum.projects).toEqual({ total: 5, registered: 3, compliant: 3, nonCompliant: 2, pending: 0, unverifiable: 0 });
    expect(sum.contractValue.total).toBe(9_007_202_254_740_993n);
    expect(sum.workers).toEqual({ reported: 35, covered: 25 });
    expect(subtractFigures(sum, b)).toEqual(a);
    expect(isZeroFigures(subtractFigures(a, a))).toBe(true);
    expect(sumFigures([a, b, zeroFigures()])).toEqual(sum);
    expect(sumFigures([])).toEqual(zeroFigures());
  });

  it('rounds percentages half up to two decimals without floats', () => {
    expect(percentOf(1, 3)).toBe(33.33);
    expect(percentOf(2, 3)).toBe(66.67);
    expect(percentOf(1, 8)).toBe(12.5);
    expect(percentOf(1, 20_000)).toBe(0.01); // 0.005 % rounds up
    expect(percentOf(1, 20_001)).toBe(0);
    expect(percentOf(5, 5)).toBe(100);
    expect(percentOf(3_252_703n, 3_550_000n)).toBe(91.63);
  });

  it('has no percentage over a zero denominator: null, not 0 % or 100 %', () => {
    expect(percentOf(0, 0)).toBeNull();
    expect(percentOf(0n, 0n)).toBeNull();
    expect(coveragePercent(zeroFigures())).toEqual({ projects: null, workers: null, value: null });
    // Projects but no roster reported yet: project coverage exists, worker coverage does not.
    expect(coveragePercent(figures(4, 1, 1_000n, 0))).toEqual({ projects: 25, workers: null, value: 25 });
  });

  it('writes money as integer-rupiah strings in the API shape', () => {
    const summary = toCoverageSummary(figures(2, 1, 5_000_000_000n, 12));
    expect(summary.contractValue).toEqual({ total: '5000000000', covered: '2500000000' });
    expect(summary.premium).toEqual({ due: '5000000', paid: '5000000' });
    expect(summary.coveragePercent).toEqual({ projects: 50, workers: 83.33, value: 50 });
  });
});

describe('contract month in WITA (UTC+8)', () => {
  it('puts 2025-01-31T16:30Z on 1 February in Sinjai', () => {
    expect(contractMonthWita('2025-01-31T16:30Z')).toBe('2025-02-01');
    expect(contractMonthWita('2025-01-31T16:30:00.000Z')).toBe('2025-02-01');
  });

  it('keeps 2025-01-31T15:59Z in January (23:59 WITA)', () => {
    expect(contractMonthWita('2025-01-31T15:59:59Z')).toBe('2025-01-01');
  });

  it('reads other offsets by the instant they name', () => {
    expect(contractMonthWita('2025-01-31T23:30:00+07:00')).toBe('2025-02-01'); // 00:30 WITA
    expect(contractMonthWita('2025-02-01T00:30:00+09:00')).toBe('2025-01-01'); // 23:30 WITA on 31 January
    expect(contractMonthWita('2024-12-31T16:00:00Z')).toBe('2025-01-01'); // across a year end
  });

  it('takes a plain date as it is, and a time without offset as local WITA time', () => {
    expect(contractMonthWita('2025-01-31')).toBe('2025-01-01');
    expect(contractMonthWita('2024-02-29')).toBe('2024-02-01');
    expect(contractMonthWita('2025-01-31T23:30:00')).toBe('2025-01-01');
  });

  it('refuses what is not a date', () => {
    expect(() => contractMonthWita('next week')).toThrow(RangeError);
  });
});

describe('region roll-up', () => {
  it('walks a code up to its province', () => {
    expect(regionAncestry('73.07.05.2001')).toEqual(['73', '73.07', '73.07.05', '73.07.05.2001']);
    expect(regionAncestry('73.07')).toEqual(['73', '73.07']);
    expect(regionAncestry('7307')).toEqual([]);
  });

  it('matches regions by whole segments', () => {
    expect(isInRegion('73.07.05', '73.07')).toBe(true);
    expect(isInRegion('73.07', '73.07')).toBe(true);
    expect(isInRegion('73.070', '73.07')).toBe(false);
    expect(childRegionOf('73.07.05.2001', '73.07')).toBe('73.07.05');
    expect(childRegionOf('73.07.05.2001', '73')).toBe('73.07');
    expect(childRegionOf('73.07', '73.07')).toBeNull();
    expect(childRegionOf('73.08.01', '73.07')).toBeNull();
  });

  const cells = [
    { regionCode: '73.07.01', figures: figures(3, 1, 300n, 30) },
    { regionCode: '73.07.01.2001', figures: figures(2, 2, 200n, 10) }, // a village of 73.07.01
    { regionCode: '73.07.02', figures: figures(5, 0, 500n) },
    { regionCode: '73.07', figures: figures(1, 1, 100n) }, // registered at the regency itself
    { regionCode: '73.08.01', figures: figures(4, 4, 400n, 8) },
  ];

  it("rolls a district's projects into its regency and province", () => {
    const totals = rollUpByRegion(cells);
    expect(totals.get('73.07.01')!.projects.total).toBe(5);
    expect(totals.get('73.07.01.2001')!.projects.total).toBe(2);
    expect(totals.get('73.07')!.projects).toMatchObject({ total: 11, registered: 4 });
    expect(totals.get('73.08')!.projects).toMatchObject({ total: 4, registered: 4 });
    expect(totals.get('73')!.projects).toMatchObject({ total: 15, registered: 8 });
    expect(totals.get('73')!.contractValue.total).toBe(1500n);
    expect(totals.get('73')!.workers.reported).toBe(48);
    // Each level is exactly the sum of the one below plus what was registered at that level.
    const regencies = addFigures(totals.get('73.07')!, totals.get('73.08')!);
    expect(regencies).toEqual(totals.get('73'));
  });

  it('lists every child asked for, zeros included, and keeps projects registered at the region itself apart', () => {
    const sinjai = rollUpRegion(cells, '73.07', ['73.07.01', '73.07.02', '73.07.03']);
    expect(sinjai.figures.projects.total).toBe(11);
    expect(sinjai.children.map((c) => [c.regionCode, c.figures.projects.total])).toEqual([
      ['73.07.01', 5],
      ['73.07.02', 5],
      ['73.07.03', 0],
    ]);
    expect(sinjai.unassigned.projects.total).toBe(1);
    expect(sumFigures([...sinjai.children.map((c) => c.figures), sinjai.unassigned])).toEqual(sinjai.figures);
    expect(coveragePercent(sinjai.children[2].figures).projects).toBeNull();
  });
});
