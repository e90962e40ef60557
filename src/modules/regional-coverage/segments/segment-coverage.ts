import { childRegionOf, isInRegion } from '@sinergi/domain';
import { percentOf } from '../projection/coverage-figures';
import { type SegmentSource, WORKER_SEGMENTS, type WorkerSegment } from './segment-enrolment.events';

/** A region's latest report for one segment (`coverage_segments`, latest period per region and segment). */
export interface SegmentReport {
  regionCode: string;
  segment: WorkerSegment;
  period: string;
  enrolled: number;
  eligible: number;
  source: SegmentSource;
}

/** One segment's coverage in a region, as the API shows it beside construction coverage. */
export interface SegmentCoverage {
  segment: WorkerSegment;
  /** The latest period among the reports summed (they may differ from district to district). */
  period: string;
  enrolled: number;
  eligible: number;
  /** enrolled / eligible, two decimals; null when nobody is eligible. */
  percent: number | null;
  /** The reports' source, or MIXED when the reports summed come from both. */
  source: SegmentSource | 'MIXED';
}

interface Sum {
  period: string;
  enrolled: number;
  eligible: number;
  sources: Set<SegmentSource>;
}

const addSums = (a: Sum, b: Sum): Sum => ({
  period: a.period > b.period ? a.period : b.period,
  enrolled: a.enrolled + b.enrolled,
  eligible: a.eligible + b.eligible,
  sources: new Set([...a.sources, ...b.sources]),
});

/**
 * A region's figure for a segment: its own latest report when it has one (a report for the regency as a whole
 * stands for the regency), otherwise the sum of its children's figures, each found the same way. So a region and
 * its districts reporting the same people are never counted twice, and districts that reported are still summed
 * when the regency did not.
 */
function segmentSum(reports: readonly SegmentReport[], regionCode: string): Sum | null {
  const own = reports.find((r) => r.regionCode === regionCode);
  if (own) return { period: own.period, enrolled: own.enrolled, eligible: own.eligible, sources: new Set([own.source]) };
  const byChild = new Map<string, SegmentReport[]>();
  for (const r of reports) {
    const child = childRegionOf(r.regionCode, regionCode);
    if (child !== null) byChild.set(child, [...(byChild.get(child) ?? []), r]);
  }
  let total: Sum | null = null;
  for (const [child, under] of byChild) {
    const sum = segmentSum(under, child);
    if (sum !== null) total = total === null ? sum : addSums(total, sum);
  }
  return total;
}

/** Every segment with figures in `regionCode` (itself or below), in the order of WORKER_SEGMENTS. Pure. */
export function segmentCoverage(reports: readonly SegmentReport[], regionCode: string): SegmentCoverage[] {
  const inRegion = reports.filter((r) => isInRegion(r.regionCode, regionCode));
  const out: SegmentCoverage[] = [];
  for (const segment of WORKER_SEGMENTS) {
    const sum = segmentSum(
      inRegion.filter((r) => r.segment === segment),
      regionCode,
    );
    if (sum === null) continue;
    out.push({
      segment,
      period: sum.period,
      enrolled: sum.enrolled,
      eligible: sum.eligible,
      percent: percentOf(sum.enrolled, sum.eligible),
      source: sum.sources.size === 1 ? [...sum.sources][0] : 'MIXED',
    });
  }
  return out;
}

/**
 * Overall coverage of people in a region: construction workers (covered of reported, from project rosters) plus
 * every other segment (enrolled of eligible). `percent` = (workers covered + Σ enrolled) / (workers reported +
 * Σ eligible). A construction worker on two projects' rosters counts twice, as the rosters do.
 */
export interface OverallCoverage {
  enrolled: number;
  eligible: number;
  percent: number | null;
}

export function overallCoverage(workers: { reported: number; covered: number }, segments: readonly SegmentCoverage[]): OverallCoverage {
  const enrolled = workers.covered + segments.reduce((n, s) => n + s.enrolled, 0);
  const eligible = workers.reported + segments.reduce((n, s) => n + s.eligible, 0);
  return { enrolled, eligible, percent: percentOf(enrolled, eligible) };
}
