/** A plain calendar date, `YYYY-MM-DD`, with no time of day and no time zone. */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Length of a month in the proleptic Gregorian calendar (February by the full leap-year rule). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Strict check for user input: the shape must be `YYYY-MM-DD` and the day must exist (no 2025-02-29). */
export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function assertIsoDate(date: string): void {
  if (!isIsoDate(date)) throw new RangeError(`Expected a real calendar date as YYYY-MM-DD, got '${date}'`);
}

/** Days since 1970-01-01 (H. Hinnant's days_from_civil), so date arithmetic never touches `Date` or time zones. */
export function toDayNumber(date: IsoDate): number {
  assertIsoDate(date);
  const [y0, month, day] = date.split('-').map(Number);
  const year = month <= 2 ? y0 - 1 : y0;
  const era = Math.floor(year / 400);
  const yearOfEra = year - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

export function fromDayNumber(dayNumber: number): IsoDate {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Moves a date by whole days (negative goes back), across month and year ends. */
export function addCalendarDays(date: IsoDate, days: number): IsoDate {
  if (!Number.isSafeInteger(days)) throw new RangeError(`days must be an integer, got ${days}`);
  return fromDayNumber(toDayNumber(date) + days);
}

/** Orders two dates for `Array.prototype.sort`: negative when `a` is earlier. */
export function compareDates(a: IsoDate, b: IsoDate): number {
  return Math.sign(toDayNumber(a) - toDayNumber(b));
}

/** 0 = Sunday … 6 = Saturday, as in `Date.prototype.getUTCDay`. */
export function dayOfWeek(date: IsoDate): number {
  return weekdayOfDayNumber(toDayNumber(date));
}

/** 0 = Sunday … 6 = Saturday for a day number (1970-01-01 was a Thursday). */
export function weekdayOfDayNumber(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7;
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier): a cover ending the day before it is needed is a gap of 1. */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

/**
 * Calendar months from `from` to `to`, a part month counting as a whole one: the smallest n such that `from` moved
 * n months on (the day clamped to the month's end) is on or after `to`. 0 when `to` is not after `from`.
 * 2026-11-24 → 2026-12-10 is 1; → 2026-12-24 is 1; → 2026-12-25 is 2; 2027-01-31 → 2027-02-28 is 1.
 */
export function monthsUntil(from: IsoDate, to: IsoDate): number {
  if (to <= from) return 0;
  const [fy, fm, fd] = from.split('-').map(Number);
  const [ty, tm, td] = to.split('-').map(Number);
  const whole = (ty - fy) * 12 + (tm - fm);
  // `from` moved `whole` months lands in `to`'s month, on `from`'s day clamped to that month's length.
  const landed = Math.min(fd, daysInMonth(ty, tm));
  return landed >= td ? whole : whole + 1;
}

/** A calendar month, `YYYY-MM`. */
export type YearMonth = string;

const YEAR_MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export const isYearMonth = (value: unknown): value is YearMonth => typeof value === 'string' && YEAR_MONTH.test(value);

/** The month a date falls in: `2025-04-27` → `2025-04`. */
export const yearMonthOf = (date: IsoDate): YearMonth => date.slice(0, 7);

/** Months since year 0 (`0000-01` is 0), so month arithmetic is integer arithmetic. */
export const toMonthNumber = (month: YearMonth): number => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;

export const fromMonthNumber = (monthNumber: number): YearMonth =>
  `${String(Math.floor(monthNumber / 12)).padStart(4, '0')}-${String((monthNumber % 12) + 1).padStart(2, '0')}`;

/** Moves a month by whole months (negative goes back), across year ends. */
export const addMonths = (month: YearMonth, months: number): YearMonth => fromMonthNumber(toMonthNumber(month) + months);

/**
 * WITA (Waktu Indonesia Tengah, Sulawesi's and so Sinjai's zone) is UTC+8 all year: no daylight saving. Calendar
 * dates of instants are read in WITA whatever the server's own time zone.
 */
export const WITA_OFFSET_MS = 8 * 3_600_000;

const HAS_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/;

/** The calendar date of an ISO date or date-time, read in WITA; a date-time without an offset is already WITA time. */
export function calendarDateWita(value: string): IsoDate {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  // A time without an offset is a local Sinjai time; never let the server's zone decide.
  const withOffset = HAS_OFFSET.test(value) ? value : `${value}+08:00`;
  return new Date(Date.parse(withOffset) + WITA_OFFSET_MS).toISOString().slice(0, 10);
}

/** Today's calendar date in WITA: 2026-11-30T16:30Z is already 1 December in Sinjai. */
export const todayWita = (now: Date): IsoDate => calendarDateWita(now.toISOString());

/** What a clock in WITA shows at an instant: the calendar date and the time of day. */
export function witaWallClock(instant: Date | number): { date: IsoDate; hour: number; minute: number } {
  const wita = new Date((typeof instant === 'number' ? instant : instant.getTime()) + WITA_OFFSET_MS);
  return { date: wita.toISOString().slice(0, 10), hour: wita.getUTCHours(), minute: wita.getUTCMinutes() };
}
