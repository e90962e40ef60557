import { invalid } from '@sinergi/common';
import { daysInMonth } from '@sinergi/domain';

/**
 * ISO-8601 durations as ladders use them: weeks (`P2W`), or days and a time part (`P3D`, `PT1H30M`, `P1DT12H`,
 * `PT0.5S`). Years and months are refused: their length depends on the date they start from, and a ladder wait
 * must mean the same number of milliseconds whenever a case starts. A day is 24 hours (WITA has no daylight saving).
 */

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;

/** The largest instant a JavaScript Date can hold (±100,000,000 days from the epoch). */
const MAX_DATE_MS = 8.64e15;

export type DurationErrorCode = 'not_a_string' | 'ambiguous_length' | 'malformed' | 'too_long';

export type DurationCheck = { ok: true; ms: number } | { ok: false; code: DurationErrorCode; message: string };

const WEEKS = /^P(\d+)W$/;
// Fractions only on seconds, to the millisecond: a wait never needs "1.5 days" when it can say P1DT12H.
const DAYS_AND_TIME = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:[.,](\d{1,3}))?S)?)?$/;

/** Checks an ISO-8601 duration without throwing; see {@link parseIsoDuration}. */
export function checkIsoDuration(value: unknown): DurationCheck {
  if (typeof value !== 'string') return { ok: false, code: 'not_a_string', message: 'a duration must be an ISO-8601 string such as P3D' };
  const shown = JSON.stringify(value);
  const datePart = value.startsWith('P') ? value.slice(1).split('T')[0] : '';
  if (/\d(?:[.,]\d+)?[YM]/.test(datePart)) {
    return {
      ok: false,
      code: 'ambiguous_length',
      message: `${shown} uses years or months, whose length varies; say it in weeks, days, hours, minutes or seconds (e.g. P30D)`,
    };
  }
  let ms: number;
  const weeks = WEEKS.exec(value);
  if (weeks) {
    ms = Number(weeks[1]) * WEEK_MS;
  } else {
    const m = DAYS_AND_TIME.exec(value);
    // 'P' alone, or a 'T' with nothing after it, names no amount at all.
    if (!m || value === 'P' || value.endsWith('T')) {
      return {
        ok: false,
        code: 'malformed',
        message: `${shown} is not an ISO-8601 duration; write e.g. P3D, P2W, PT1H30M or P1DT12H`,
      };
    }
    const [, days, hours, minutes, seconds, fraction] = m;
    ms =
      Number(days ?? 0) * DAY_MS +
      Number(hours ?? 0) * HOUR_MS +
      Number(minutes ?? 0) * MINUTE_MS +
      Number(seconds ?? 0) * SECOND_MS +
      (fraction === undefined ? 0 : Number(fraction.padEnd(3, '0')));
  }
  if (!Number.isSafeInteger(ms) || ms > MAX_DATE_MS) {
    return { ok: false, code: 'too_long', message: `${shown} is longer than any date can reach` };
  }
  return { ok: true, ms };
}

/** The length of an ISO-8601 duration in milliseconds; throws a DomainError `invalid_duration` when it has none. */
export function parseIsoDuration(value: string): number {
  const check = checkIsoDuration(value);
  if (!check.ok) throw invalid('invalid_duration', check.message, [{ path: 'duration', code: check.code, message: check.message }]);
  return check.ms;
}

export const isIsoDuration = (value: unknown): value is string => checkIsoDuration(value).ok;

/** The shortest ISO-8601 duration for a whole number of milliseconds: 2000 → `PT2S`, 259200000 → `P3D`. */
export function formatIsoDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`a duration must be a whole, non-negative number of milliseconds, not ${ms}`);
  if (ms === 0) return 'PT0S';
  const days = Math.floor(ms / DAY_MS);
  const hours = Math.floor((ms % DAY_MS) / HOUR_MS);
  const minutes = Math.floor((ms % HOUR_MS) / MINUTE_MS);
  const seconds = Math.floor((ms % MINUTE_MS) / SECOND_MS);
  const millis = ms % SECOND_MS;
  const secondsPart =
    seconds > 0 || millis > 0 ? `${seconds}${millis > 0 ? `.${String(millis).padStart(3, '0').replace(/0+$/, '')}` : ''}S` : '';
  const time = `${hours > 0 ? `${hours}H` : ''}${minutes > 0 ? `${minutes}M` : ''}${secondsPart}`;
  return `P${days > 0 ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}

// An instant must carry its offset: a bare local time would be read in whatever zone the server runs in.
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):?(\d{2}))$/;

/** Milliseconds since the epoch of an ISO-8601 instant with an offset (`Z` or `±hh:mm`); throws `invalid_instant`. */
export function parseInstant(value: string): number {
  const m = typeof value === 'string' ? INSTANT.exec(value) : null;
  const ms = m ? Date.parse(value) : NaN;
  if (!m || Number.isNaN(ms) || !validFields(m)) {
    const message = `${JSON.stringify(value)} is not an ISO-8601 instant with an offset, e.g. 2025-06-02T09:00:00+08:00`;
    throw invalid('invalid_instant', message, [{ path: 'instant', code: 'invalid_instant', message }]);
  }
  return ms;
}

/** Date.parse rolls 30 February over into March; a wrong date is a bug upstream, not a date to guess. */
function validFields(m: RegExpExecArray): boolean {
  const [, year, month, day, hour, minute, second, offsetHours, offsetMinutes] = m.map(Number);
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    (m[6] === undefined || second <= 59) &&
    (m[7] === undefined || (offsetHours <= 14 && offsetMinutes <= 59))
  );
}

/** The instant `duration` (ISO-8601, or milliseconds) after `instant`, as a UTC ISO string. */
export function addDuration(instant: string, duration: string | number): string {
  const start = parseInstant(instant);
  const ms = typeof duration === 'number' ? duration : parseIsoDuration(duration);
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`a duration must be a whole, non-negative number of milliseconds, not ${ms}`);
  const end = start + ms;
  if (end > MAX_DATE_MS) throw invalid('invalid_duration', `${instant} plus ${duration} is beyond any date`);
  return new Date(end).toISOString();
}
