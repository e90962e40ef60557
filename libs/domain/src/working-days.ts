import { dayOfWeek, fromDayNumber, isIsoDate, type IsoDate, toDayNumber, weekdayOfDayNumber } from './calendar-date';
import indonesia from './holidays/indonesia.json';
import { isWithinScope, parseRegionCode } from './identifiers';

export type HolidayKind = 'national' | 'cuti_bersama' | 'regional';

export interface HolidayEntry {
  readonly date: IsoDate;
  readonly name: string;
  readonly kind: HolidayKind;
  /** Region code (e.g. '73.07') a regional holiday applies to, with everything under it. */
  readonly regionPrefix?: string;
  /** The date awaits a later decision (e.g. Idul Fitri, fixed by the Religious Affairs Minister's isbat). */
  readonly provisional?: boolean;
}

const KINDS: readonly HolidayKind[] = ['national', 'cuti_bersama', 'regional'];

/**
 * Days off besides weekends, as data: one region's view of national, cuti bersama and regional holidays, and the
 * years that data covers. A year not covered counts weekends only, and what is computed across it is provisional.
 */
export class HolidayCalendar {
  private constructor(
    private readonly byDate: ReadonlyMap<IsoDate, readonly HolidayEntry[]>,
    /** Years whose decrees are in the data; null: every year counts as covered (tests, hand-made calendars). */
    private readonly years: ReadonlySet<number> | null,
  ) {}

  /**
   * Keeps national holidays and cuti bersama, and regional ones only when `regionCode` lies within their prefix.
   * @defaultValue coveredYears null (every year covered)
   */
  static fromData(entries: readonly HolidayEntry[], regionCode?: string, coveredYears: Iterable<number> | null = null): HolidayCalendar {
    const byDate = new Map<IsoDate, HolidayEntry[]>();
    for (const entry of entries) {
      assertEntry(entry);
      const inRegion = regionCode !== undefined && isWithinScope(regionCode, [entry.regionPrefix ?? '']);
      const applies = entry.kind !== 'regional' || inRegion;
      if (applies) byDate.set(entry.date, [...(byDate.get(entry.date) ?? []), entry]);
    }
    return new HolidayCalendar(byDate, coveredYears === null ? null : new Set(coveredYears));
  }

  /** Whether the year's holidays and collective leave are in the data. */
  coversYear(year: number): boolean {
    return this.years === null || this.years.has(year);
  }

  /** The last year with data (null when every year counts as covered). */
  get lastCoveredYear(): number | null {
    return this.years === null || this.years.size === 0 ? null : Math.max(...this.years);
  }

  isHoliday(date: IsoDate): boolean {
    return this.byDate.has(date);
  }

  holidaysOn(date: IsoDate): readonly HolidayEntry[] {
    return this.byDate.get(date) ?? [];
  }
}

function assertEntry(entry: HolidayEntry): void {
  const valid =
    isIsoDate(entry.date) &&
    typeof entry.name === 'string' &&
    entry.name.length > 0 &&
    KINDS.includes(entry.kind) &&
    (entry.kind !== 'regional' || parseRegionCode(entry.regionPrefix ?? '') !== null);
  if (!valid) {
    throw new RangeError(
      `Holiday entry ${JSON.stringify(entry)} needs a YYYY-MM-DD date, a name, a kind (${KINDS.join(', ')}) ` +
        'and, when regional, a valid regionPrefix',
    );
  }
}

/** Indonesia's national holidays and cuti bersama (SKB 3 Menteri, 2022 onwards) as seen from `regionCode`. */
export function defaultHolidayCalendar(regionCode?: string): HolidayCalendar {
  // Built once per region: building validates every entry, far too slow to repeat per request.
  const key = regionCode ?? '';
  let calendar = defaultCalendars.get(key);
  if (!calendar) {
    calendar = HolidayCalendar.fromData(indonesia.holidays as readonly HolidayEntry[], regionCode, BUNDLED_YEARS);
    defaultCalendars.set(key, calendar);
  }
  return calendar;
}
const defaultCalendars = new Map<string, HolidayCalendar>();

/** The years the bundled data has decrees for (its `decrees` keys). */
export const BUNDLED_HOLIDAY_YEARS: readonly number[] = Object.keys(indonesia.decrees).map(Number).sort();
const BUNDLED_YEARS = BUNDLED_HOLIDAY_YEARS;

/** The bundled holidays and collective leave days (every region's national view; regional entries included). */
export const BUNDLED_HOLIDAYS: readonly HolidayEntry[] = indonesia.holidays as readonly HolidayEntry[];

/** Government offices work Monday to Friday, except on holidays and cuti bersama. */
export function isWorkingDay(date: IsoDate, calendar: HolidayCalendar): boolean {
  const weekday = dayOfWeek(date);
  return weekday !== 0 && weekday !== 6 && !calendar.isHoliday(date);
}

/** The Nth working day after `date`; the date itself never counts, even when it is a working day. */
export function addWorkingDays(date: IsoDate, days: number, calendar: HolidayCalendar): IsoDate {
  if (!Number.isSafeInteger(days) || days < 0) throw new RangeError(`days must be a whole number ≥ 0, got ${days}`);
  if (!isIsoDate(date)) throw new RangeError(`Expected a real calendar date as YYYY-MM-DD, got '${date}'`);
  // Walk day numbers; turn one into a date string only to ask about a weekday holiday.
  let current = toDayNumber(date);
  for (let counted = 0; counted < days; ) {
    current += 1;
    const weekday = weekdayOfDayNumber(current);
    if (weekday !== 0 && weekday !== 6 && !calendar.isHoliday(fromDayNumber(current))) counted++;
  }
  return fromDayNumber(current);
}

/**
 * Last day to register a project with BPJS: 14 working days after the SPK (docs/domain.md), configurable per region.
 * @defaultValue workingDays 14
 */
export function registrationDeadline(spkDate: IsoDate, calendar: HolidayCalendar, workingDays = 14): IsoDate {
  return addWorkingDays(spkDate, workingDays, calendar);
}

/**
 * The registration deadline, and whether it is provisional: some day counted lies in a year the calendar has no
 * holiday data for, so only weekends were skipped there and a holiday decree may still move the deadline later.
 * @defaultValue workingDays 14
 */
export function registrationDeadlineOf(spkDate: IsoDate, calendar: HolidayCalendar, workingDays = 14): { date: IsoDate; provisional: boolean } {
  const date = registrationDeadline(spkDate, calendar, workingDays);
  // Counting starts the day after the SPK: only the years from there to the deadline matter.
  const from = Number(fromDayNumber(toDayNumber(spkDate) + 1).slice(0, 4));
  const to = Number(date.slice(0, 4));
  let provisional = false;
  for (let year = from; year <= to; year++) if (!calendar.coversYear(year)) provisional = true;
  return { date, provisional };
}
