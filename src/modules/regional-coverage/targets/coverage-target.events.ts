import type { IsoDate } from '@sinergi/domain';
/** What a coverage target is measured on (docs/api.md): project count (the ministry's headline), workers, contract value. */
export const TARGET_METRICS = ['projects', 'workers', 'value'] as const;
export type TargetMetric = (typeof TARGET_METRICS)[number];

/** One stream per region: `coverage-target-73.07`. */
export const coverageTargetStreamId = (regionCode: string) => `coverage-target-${regionCode}`;

/**
 * An admin set (or changed) a region's coverage target: reach `targetPercent` of `metric` by `deadline`
 * (a WITA calendar date, inclusive). The latest event of the stream is the target in force.
 */
export interface CoverageTargetSet {
  type: 'CoverageTargetSet';
  data: {
    regionCode: string;
    metric: TargetMetric;
    /** Percent, at most two decimals, 0 < x ≤ 100. */
    targetPercent: number;
    deadline: IsoDate;
    /** JWT `sub` of the admin, or `start:local` for the local seed. */
    setBy: string;
    /** ISO instant. */
    setAt: string;
  };
}

export type CoverageTargetEvent = CoverageTargetSet;
