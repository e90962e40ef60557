import type { CoverageSummary } from '../projection/coverage-figures';
import { figuresFromDatabase } from '../projection/coverage.queries';
import type { TargetMetric } from '../targets/coverage-target.events';
import { type TargetPace, targetPace } from '../targets/target-pace';
import type { CsvValue } from '@sinergi/common';

/** The summed columns of `coverage_cells`, named as `figuresFromDatabase` reads them. */
export const CELL_SUM_COLUMNS = [
  'projects_total',
  'projects_registered',
  'projects_compliant',
  'projects_non_compliant',
  'projects_pending',
  'projects_unverifiable',
  'workers_reported',
  'workers_covered',
  'contract_value_total',
  'contract_value_covered',
  'premium_due',
  'premium_paid',
] as const;

/** `sum(c) AS c, …` over `from` (a table or a CTE of sums); exact (numeric), turned to text by `sumsAsText`. */
export const sumColumns = (from = '') => CELL_SUM_COLUMNS.map((c) => `sum(${from}${c}) AS ${c}`).join(', ');
/** The sums as text for pg (bigint and numeric must not become floats); null when nothing was summed. */
export const sumsAsText = (alias: string) => CELL_SUM_COLUMNS.map((c) => `${alias}.${c}::text AS ${c}`).join(', ');

export { figuresFromDatabase };

/**
 * A target with where the region stands against it. `currentPercent` is the region's coverage by the target's
 * metric; gap, months left and pace are `targetPace`'s, as of `asOf` (today in WITA).
 */
export interface TargetView extends TargetPace {
  metric: TargetMetric;
  targetPercent: number;
  deadline: string;
  currentPercent: number | null;
  asOf: string;
  setBy: string;
  setAt: string;
}

export interface StoredTarget {
  metric: TargetMetric;
  targetPercent: number;
  deadline: string;
  setBy: string;
  setAt: string;
}

/** A `coverage_targets` row (joined in as `target_*` columns), or null when the region has none. */
export function storedTargetFromRow(r: Record<string, any>): StoredTarget | null {
  if (r.target_metric === null || r.target_metric === undefined) return null;
  return {
    metric: r.target_metric,
    targetPercent: Number(r.target_percent),
    deadline: r.target_deadline,
    setBy: r.target_set_by,
    setAt: new Date(r.target_set_at).toISOString(),
  };
}

export function targetView(target: StoredTarget | null, summary: CoverageSummary, today: string): TargetView | null {
  if (target === null) return null;
  const currentPercent = summary.coveragePercent[target.metric];
  return {
    metric: target.metric,
    targetPercent: target.targetPercent,
    deadline: target.deadline,
    currentPercent,
    ...targetPace(currentPercent, target.targetPercent, today, target.deadline),
    asOf: today,
    setBy: target.setBy,
    setAt: target.setAt,
  };
}

/** The CSV columns of a coverage summary, in the order `summaryCsvCells` writes them. */
export const SUMMARY_CSV_HEADER = [
  ...CELL_SUM_COLUMNS,
  'coverage_projects_percent',
  'coverage_workers_percent',
  'coverage_value_percent',
] as const;

export function summaryCsvCells(s: CoverageSummary): CsvValue[] {
  return [
    s.projects.total,
    s.projects.registered,
    s.projects.compliant,
    s.projects.nonCompliant,
    s.projects.pending,
    s.projects.unverifiable,
    s.workers.reported,
    s.workers.covered,
    // Money stays a string of digits: exact, and digits alone cannot start a formula.
    s.contractValue.total,
    s.contractValue.covered,
    s.premium.due,
    s.premium.paid,
    s.coveragePercent.projects,
    s.coveragePercent.workers,
    s.coveragePercent.value,
  ];
}
