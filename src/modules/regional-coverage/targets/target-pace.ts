import { type IsoDate, monthsUntil } from '@sinergi/domain';

/**
 * Where a region stands against its target:
 * - `NO_DATA`: nothing to measure yet (no projects, no roster or no contract value for the metric);
 * - `MET`: the current percent is at or above the target (whatever the date);
 * - `MISSED`: the deadline has passed and the target is not met;
 * - `OPEN`: still to reach, with a pace per month.
 */
export type TargetStatus = 'NO_DATA' | 'MET' | 'MISSED' | 'OPEN';

export interface TargetPace {
  status: TargetStatus;
  /** Percentage points still missing (target − current, never below 0); null when there is no current percent. */
  gapPoints: number | null;
  /** Months left to the deadline (see `monthsUntil`); 0 on the deadline and after it. */
  monthsLeft: number;
  /**
   * Points to gain per month to meet the target on time: the gap over the months left (at least one, so on the
   * deadline itself the whole gap is due), rounded up to hundredths so that keeping the pace meets the target.
   * 0 when met; null when there is nothing to measure or the deadline has passed.
   */
  pacePointsPerMonth: number | null;
}

/** Percent as integer hundredths (two decimals are all a percent here ever has). */
const hundredths = (percent: number) => Math.round(percent * 100);

/** The gap and the monthly pace to a target, from the current percent and today's WITA date. Pure. */
export function targetPace(currentPercent: number | null, targetPercent: number, today: IsoDate, deadline: IsoDate): TargetPace {
  const monthsLeft = monthsUntil(today, deadline);
  if (currentPercent === null) return { status: 'NO_DATA', gapPoints: null, monthsLeft, pacePointsPerMonth: null };
  const gap = Math.max(0, hundredths(targetPercent) - hundredths(currentPercent));
  if (gap === 0) return { status: 'MET', gapPoints: 0, monthsLeft, pacePointsPerMonth: 0 };
  if (today > deadline) return { status: 'MISSED', gapPoints: gap / 100, monthsLeft: 0, pacePointsPerMonth: null };
  return { status: 'OPEN', gapPoints: gap / 100, monthsLeft, pacePointsPerMonth: Math.ceil(gap / Math.max(monthsLeft, 1)) / 100 };
}
