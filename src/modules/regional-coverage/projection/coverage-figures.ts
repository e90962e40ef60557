import { calendarDateWita, childRegionOf, isInRegion, type IsoDate, regionAncestry, type Rupiah } from '@sinergi/domain';

/**
 * The coverage figures of docs/api.md for any set of projects (one project, a cell, a region, an agency, a month).
 * Cancelled projects are in none of them. Counts are numbers; money is integer rupiah (bigint), never a float.
 *
 * - `total`: projects not cancelled; `compliant` + `nonCompliant` + `pending` + `unverifiable` = `total`.
 * - `registered`: projects whose BPJS enrolment is on record (EnrolmentConfirmed, not since undone by
 *   EnrolmentMissing or a return to PENDING), whatever else is wrong with them.
 * - `workersReported`: the size of each project's latest roster (WorkersReported.workerCount; 0 before any).
 * - `workersCovered`: for a registered project, reported − uncovered (the latest WorkersUncovered.uncoveredCount,
 *   cleared when a status change no longer lists WORKERS_UNCOVERED), never below 0; 0 for an unregistered one.
 *   Registering the project covers everyone working on it (docs/domain.md), unless BPJS said a roster person is unknown.
 * - `contractValueCovered`: the current contract value of registered projects.
 * - `premiumDue`: the current JKK + JKM premium (ProjectRegistered.premium.total, replaced by an amendment's premium).
 * - `premiumPaid`: the premium paid per the enrolment on record (EnrolmentConfirmed.enrolment.premiumPaid); 0 when
 *   none is on record.
 */
export interface CoverageFigures {
  projects: { total: number; registered: number; compliant: number; nonCompliant: number; pending: number; unverifiable: number };
  workers: { reported: number; covered: number };
  contractValue: { total: Rupiah; covered: Rupiah };
  premium: { due: Rupiah; paid: Rupiah };
}

/** Where a project's figures are summed: the region as registered, agency, funding source and contract month. */
export interface CoverageCellKey {
  regionCode: string;
  agencyCode: string;
  fundingSource: string;
  /** First day of the contract date's month in WITA. */
  contractMonth: IsoDate;
}

export interface CoverageCell extends CoverageCellKey {
  figures: CoverageFigures;
}

export const zeroFigures = (): CoverageFigures => ({
  projects: { total: 0, registered: 0, compliant: 0, nonCompliant: 0, pending: 0, unverifiable: 0 },
  workers: { reported: 0, covered: 0 },
  contractValue: { total: 0n, covered: 0n },
  premium: { due: 0n, paid: 0n },
});

/** `a + sign × b`, field by field: the one place figures are combined, so sums and deltas cannot disagree. */
function combine(a: CoverageFigures, b: CoverageFigures, sign: 1 | -1): CoverageFigures {
  const s = BigInt(sign);
  return {
    projects: {
      total: a.projects.total + sign * b.projects.total,
      registered: a.projects.registered + sign * b.projects.registered,
      compliant: a.projects.compliant + sign * b.projects.compliant,
      nonCompliant: a.projects.nonCompliant + sign * b.projects.nonCompliant,
      pending: a.projects.pending + sign * b.projects.pending,
      unverifiable: a.projects.unverifiable + sign * b.projects.unverifiable,
    },
    workers: { reported: a.workers.reported + sign * b.workers.reported, covered: a.workers.covered + sign * b.workers.covered },
    contractValue: { total: a.contractValue.total + s * b.contractValue.total, covered: a.contractValue.covered + s * b.contractValue.covered },
    premium: { due: a.premium.due + s * b.premium.due, paid: a.premium.paid + s * b.premium.paid },
  };
}

export const addFigures = (a: CoverageFigures, b: CoverageFigures): CoverageFigures => combine(a, b, 1);
export const subtractFigures = (a: CoverageFigures, b: CoverageFigures): CoverageFigures => combine(a, b, -1);

export function sumFigures(all: Iterable<CoverageFigures>): CoverageFigures {
  let total = zeroFigures();
  for (const f of all) total = addFigures(total, f);
  return total;
}

/** True when every field is zero: a delta that changes nothing, or a cell no project contributes to. */
export function isZeroFigures(f: CoverageFigures): boolean {
  return (
    Object.values(f.projects).every((n) => n === 0) &&
    f.workers.reported === 0 &&
    f.workers.covered === 0 &&
    f.contractValue.total === 0n &&
    f.contractValue.covered === 0n &&
    f.premium.due === 0n &&
    f.premium.paid === 0n
  );
}

/**
 * `numerator / denominator` as a percentage rounded half up to two decimals (`percentOf(1, 3)` = 33.33), computed
 * in integers so large rupiah sums lose nothing. A zero denominator has no percentage: `null` (shown as "—"),
 * never 0 % (which would read as "nobody covered") nor 100 %.
 */
export function percentOf(numerator: bigint | number, denominator: bigint | number): number | null {
  const n = BigInt(numerator);
  const d = BigInt(denominator);
  if (d === 0n) return null;
  if (n < 0n || d < 0n) throw new RangeError('percentOf is defined for non-negative figures only');
  const hundredths = (n * 20_000n + d) / (2n * d);
  return Number(hundredths) / 100;
}

export interface CoveragePercent {
  /** Registered / total projects: the headline, as the ministry counts coverage (docs/domain.md). */
  projects: number | null;
  /** Covered / reported workers. */
  workers: number | null;
  /** Covered / total contract value. */
  value: number | null;
}

export function coveragePercent(f: CoverageFigures): CoveragePercent {
  return {
    projects: percentOf(f.projects.registered, f.projects.total),
    workers: percentOf(f.workers.covered, f.workers.reported),
    value: percentOf(f.contractValue.covered, f.contractValue.total),
  };
}

/** Figures as JSON for the API (docs/api.md shape): money as integer-rupiah strings, percentages beside them. */
export interface CoverageSummary {
  projects: CoverageFigures['projects'];
  workers: CoverageFigures['workers'];
  contractValue: { total: string; covered: string };
  premium: { due: string; paid: string };
  coveragePercent: CoveragePercent;
}

export function toCoverageSummary(f: CoverageFigures): CoverageSummary {
  return {
    projects: { ...f.projects },
    workers: { ...f.workers },
    contractValue: { total: f.contractValue.total.toString(), covered: f.contractValue.covered.toString() },
    premium: { due: f.premium.due.toString(), paid: f.premium.paid.toString() },
    coveragePercent: coveragePercent(f),
  };
}

/**
 * The month a contract date falls in, in WITA (UTC+8, Sinjai's zone), as `YYYY-MM-01`. A plain date is its own
 * month; a date-time is moved to WITA first (2025-01-31T16:30Z is 1 February 00:30 in Sinjai → `2025-02-01`);
 * a date-time without an offset is already local time.
 */
export function contractMonthWita(contractDate: string): string {
  const date = calendarDateWita(contractDate);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`not a date: '${contractDate}'`);
  return `${date.slice(0, 7)}-01`;
}

/** Totals of every region at every level (province, regency, district, village) that any cell rolls up into. */
export function rollUpByRegion(cells: Iterable<Pick<CoverageCell, 'regionCode' | 'figures'>>): Map<string, CoverageFigures> {
  const totals = new Map<string, CoverageFigures>();
  for (const cell of cells) {
    for (const code of regionAncestry(cell.regionCode)) totals.set(code, addFigures(totals.get(code) ?? zeroFigures(), cell.figures));
  }
  return totals;
}

export interface RegionRollUp {
  regionCode: string;
  figures: CoverageFigures;
  /** Every child asked for, zeros included (an empty district is a gap worth seeing), in the order given. */
  children: { regionCode: string; figures: CoverageFigures }[];
  /** Projects registered at `regionCode` itself, or under a child not in `childCodes`: in the total, in no child. */
  unassigned: CoverageFigures;
}

/** A region's totals and its children's, from the cells (or any finer sums) under it; `childCodes` from the regions table. */
export function rollUpRegion(
  cells: Iterable<Pick<CoverageCell, 'regionCode' | 'figures'>>,
  regionCode: string,
  childCodes: readonly string[] = [],
): RegionRollUp {
  let figures = zeroFigures();
  const byChild = new Map<string, CoverageFigures>(childCodes.map((c) => [c, zeroFigures()]));
  let unassigned = zeroFigures();
  for (const cell of cells) {
    if (!isInRegion(cell.regionCode, regionCode)) continue;
    figures = addFigures(figures, cell.figures);
    const child = childRegionOf(cell.regionCode, regionCode);
    const sum = child === null ? undefined : byChild.get(child);
    if (child !== null && sum !== undefined) byChild.set(child, addFigures(sum, cell.figures));
    else unassigned = addFigures(unassigned, cell.figures);
  }
  return { regionCode, figures, children: childCodes.map((c) => ({ regionCode: c, figures: byChild.get(c)! })), unassigned };
}
