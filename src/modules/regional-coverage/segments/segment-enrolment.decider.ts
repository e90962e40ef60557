import { type FieldError, invalid } from '@sinergi/common';
import type { StreamModel } from '@sinergi/event-store';
import {
  SEGMENT_SOURCES,
  type SegmentEnrolmentEvent,
  type SegmentEnrolmentReported,
  type SegmentSource,
  WORKER_SEGMENTS,
  type WorkerSegment,
} from './segment-enrolment.events';

/** A region's latest report per `segment|period`, folded from its stream. */
export type SegmentEnrolmentState = ReadonlyMap<string, SegmentEnrolmentReported['data']>;

export const segmentPeriodKey = (segment: string, period: string) => `${segment}|${period}`;

export function evolveSegmentEnrolment(state: SegmentEnrolmentState, event: SegmentEnrolmentEvent): SegmentEnrolmentState {
  switch (event.type) {
    case 'SegmentEnrolmentReported': {
      const next = new Map(state);
      next.set(segmentPeriodKey(event.data.segment, event.data.period), { ...event.data });
      return next;
    }
    default: {
      const unexpected: never = event.type;
      throw new Error(`unknown segment enrolment event ${String(unexpected)}`);
    }
  }
}

export const foldSegmentEnrolment = (events: readonly SegmentEnrolmentEvent[]): SegmentEnrolmentState =>
  events.reduce(evolveSegmentEnrolment, new Map() as SegmentEnrolmentState);

/** How a region's segment stream (`coverage-segments-<region>`) folds, for `BatchCommandHandler`. */
export const segmentEnrolmentModel: StreamModel<SegmentEnrolmentState, SegmentEnrolmentEvent> = {
  evolve: evolveSegmentEnrolment,
  initialState: () => new Map(),
};

/** The figures of one report, as validated by `checkSegmentFigures`. */
export interface SegmentFigures {
  segment: WorkerSegment;
  period: string;
  enrolled: number;
  eligible: number;
  source: SegmentSource;
}

export interface ReportSegmentEnrolment extends SegmentFigures {
  type: 'ReportSegmentEnrolment';
  regionCode: string;
  reportedBy: string;
  sourceFile: string | null;
  /** ISO instant (from the clock). */
  now: string;
}

/** Head counts are whole numbers; a billion is beyond any Indonesian region. */
const MAX_COUNT = 1_000_000_000;
const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

/**
 * Checks one report's figures: segment and source from their lists; period a month `YYYY-MM` not after
 * `currentMonth` (WITA); enrolled and eligible whole numbers from 0, enrolled not above eligible. Returns the
 * figures, or every problem found, each naming its field.
 */
export function checkSegmentFigures(
  input: { segment: unknown; period: unknown; enrolled: unknown; eligible: unknown; source: unknown },
  currentMonth: string,
): { ok: true; figures: SegmentFigures } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const { segment, period, enrolled, eligible, source } = input;
  if (typeof segment !== 'string' || !(WORKER_SEGMENTS as readonly string[]).includes(segment)) {
    errors.push({ path: 'segment', code: 'not_allowed', message: `segment must be one of ${WORKER_SEGMENTS.join(', ')}` });
  }
  if (typeof period !== 'string' || !PERIOD.test(period)) {
    errors.push({ path: 'period', code: 'invalid_period', message: 'period must be a month YYYY-MM' });
  } else if (period > currentMonth) {
    errors.push({ path: 'period', code: 'future_period', message: `period must be this month (${currentMonth}) or earlier` });
  }
  const count = (value: unknown, path: string): value is number => {
    const ok = typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_COUNT;
    if (!ok) errors.push({ path, code: 'invalid_count', message: `${path} must be a whole number from 0 to ${MAX_COUNT}` });
    return ok;
  };
  const enrolledOk = count(enrolled, 'enrolled');
  const eligibleOk = count(eligible, 'eligible');
  if (enrolledOk && eligibleOk && (enrolled as number) > (eligible as number)) {
    errors.push({ path: 'enrolled', code: 'exceeds_eligible', message: 'enrolled cannot be more than eligible' });
  }
  if (typeof source !== 'string' || !(SEGMENT_SOURCES as readonly string[]).includes(source)) {
    errors.push({ path: 'source', code: 'not_allowed', message: `source must be one of ${SEGMENT_SOURCES.join(', ')}` });
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, figures: { segment, period, enrolled, eligible, source } as SegmentFigures };
}

/** Throws the 400 problem of `checkSegmentFigures`' errors; returns the figures otherwise. */
export function requireSegmentFigures(input: Parameters<typeof checkSegmentFigures>[0], currentMonth: string): SegmentFigures {
  const checked = checkSegmentFigures(input, currentMonth);
  if (!checked.ok) throw invalid('invalid_segment_report', 'the segment enrolment report is not valid', checked.errors);
  return checked.figures;
}

/**
 * Records a report; the same figures from the same source for the same segment and period again record nothing
 * (a repeated PUT or a file imported twice). Figures are validated before (`checkSegmentFigures`).
 */
export function decideSegmentEnrolment(command: ReportSegmentEnrolment, state: SegmentEnrolmentState): SegmentEnrolmentReported[] {
  const { regionCode, segment, period, enrolled, eligible, source, reportedBy, sourceFile, now } = command;
  const current = state.get(segmentPeriodKey(segment, period));
  if (current && current.enrolled === enrolled && current.eligible === eligible && current.source === source) return [];
  return [{ type: 'SegmentEnrolmentReported', data: { regionCode, segment, period, enrolled, eligible, source, reportedBy, reportedAt: now, sourceFile } }];
}
