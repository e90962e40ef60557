import { type FieldError, invalid } from '@sinergi/common';
import { isIsoDate } from '@sinergi/domain';
import type { StreamModel } from '@sinergi/event-store';
import { type CoverageTargetEvent, type CoverageTargetSet, TARGET_METRICS, type TargetMetric } from './coverage-target.events';

/** The target in force for a region, folded from its stream; null before the first CoverageTargetSet. */
export type CoverageTargetState = CoverageTargetSet['data'] | null;

export function evolveCoverageTarget(_state: CoverageTargetState, event: CoverageTargetEvent): CoverageTargetState {
  switch (event.type) {
    case 'CoverageTargetSet':
      return { ...event.data };
    default: {
      const unexpected: never = event.type;
      throw new Error(`unknown coverage target event ${String(unexpected)}`);
    }
  }
}

export const foldCoverageTarget = (events: readonly CoverageTargetEvent[]): CoverageTargetState => events.reduce(evolveCoverageTarget, null);

/** How a region's target stream (`coverage-target-<region>`) folds, for `CommandHandler`. */
export const coverageTargetModel: StreamModel<CoverageTargetState, CoverageTargetEvent> = { evolve: evolveCoverageTarget, initialState: () => null };

export interface SetCoverageTarget {
  type: 'SetCoverageTarget';
  regionCode: string;
  metric: TargetMetric;
  targetPercent: number;
  deadline: string;
  setBy: string;
  /** ISO instant (from the clock). */
  now: string;
  /** Today's WITA date (from the clock): the earliest deadline allowed. */
  today: string;
}

/**
 * Sets the target. Setting the very target in force again records nothing (a repeated PUT is a no-op); anything
 * else is a new CoverageTargetSet, so every change stays in the log. Validation is `parseTargetBody`'s.
 */
export function decideCoverageTarget(command: SetCoverageTarget, state: CoverageTargetState): CoverageTargetSet[] {
  const { regionCode, metric, targetPercent, deadline, setBy, now, today } = command;
  if (deadline < today) throw invalid('invalid_target', 'the deadline has passed', [{ path: 'deadline', code: 'deadline_passed', message: `deadline must be today (${today}) or later` }]);
  if (state !== null && state.metric === metric && state.targetPercent === targetPercent && state.deadline === deadline) return [];
  return [{ type: 'CoverageTargetSet', data: { regionCode, metric, targetPercent, deadline, setBy, setAt: now } }];
}

const BODY_FIELDS = new Set(['metric', 'targetPercent', 'deadline', 'regionCode']);

/**
 * Reads a PUT body `{ metric, targetPercent, deadline }`: metric one of projects | workers | value; targetPercent a
 * number with 0 < x ≤ 100 and at most two decimals; deadline a real YYYY-MM-DD date, today (WITA) or later.
 * Every problem is reported at once, each naming its field.
 */
export function parseTargetBody(body: unknown, regionCode: string, today: string): Pick<SetCoverageTarget, 'metric' | 'targetPercent' | 'deadline'> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('invalid_target', 'the body must be an object { metric, targetPercent, deadline }', [{ path: '', code: 'not_an_object', message: 'the body must be a JSON object' }]);
  }
  const fields = body as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const key of Object.keys(fields)) {
    if (!BODY_FIELDS.has(key)) errors.push({ path: key, code: 'unknown_field', message: `${key} is not a known field` });
  }
  if (fields.regionCode !== undefined && fields.regionCode !== regionCode) {
    errors.push({ path: 'regionCode', code: 'region_mismatch', message: `regionCode must be omitted or equal ${regionCode}` });
  }
  const { metric, targetPercent, deadline } = fields;
  if (typeof metric !== 'string' || !(TARGET_METRICS as readonly string[]).includes(metric)) {
    errors.push({ path: 'metric', code: 'not_allowed', message: `metric must be one of ${TARGET_METRICS.join(', ')}` });
  }
  if (typeof targetPercent !== 'number' || !Number.isFinite(targetPercent) || targetPercent <= 0 || targetPercent > 100) {
    errors.push({ path: 'targetPercent', code: 'out_of_range', message: 'targetPercent must be a number greater than 0 and at most 100' });
  } else if (Math.abs(targetPercent * 100 - Math.round(targetPercent * 100)) > 1e-6) {
    errors.push({ path: 'targetPercent', code: 'too_precise', message: 'targetPercent may have at most two decimals' });
  }
  if (!isIsoDate(deadline)) {
    errors.push({ path: 'deadline', code: 'invalid_date', message: 'deadline must be a calendar date YYYY-MM-DD' });
  } else if (deadline < today) {
    errors.push({ path: 'deadline', code: 'deadline_passed', message: `deadline must be today (${today}) or later` });
  }
  if (errors.length) throw invalid('invalid_target', 'the target is not valid', errors);
  return { metric: metric as TargetMetric, targetPercent: Math.round((targetPercent as number) * 100) / 100, deadline: deadline as string };
}
