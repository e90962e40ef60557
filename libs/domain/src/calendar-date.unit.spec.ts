import {
  addCalendarDays,
  addMonths,
  calendarDateWita,
  compareDates,
  dayOfWeek,
  daysBetween,
  isIsoDate,
  isYearMonth,
  todayWita,
  toMonthNumber,
  witaWallClock,
  yearMonthOf,
} from './calendar-date';

describe('calendar dates', () => {
  it('accepts only real dates written YYYY-MM-DD', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2000-02-29')).toBe(true);
    const bad = ['2025-02-29', '1900-02-29', '2025-04-31', '2025-13-01', '2025-00-10', '2025-1-5', '2025-01-05T00:00Z'];
    for (const value of [...bad, 20250105]) {
      expect(isIsoDate(value)).toBe(false);
    }
  });

  it('moves across month, year and leap-day ends', () => {
    expect(addCalendarDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addCalendarDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addCalendarDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addCalendarDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(addCalendarDays('2025-01-01', 365)).toBe('2026-01-01');
  });

  it('knows the weekday without Date or a time zone', () => {
    expect(dayOfWeek('1970-01-01')).toBe(4);
    expect(dayOfWeek('2025-03-31')).toBe(1);
    expect(dayOfWeek('2025-04-05')).toBe(6);
    expect(dayOfWeek('2025-04-06')).toBe(0);
    expect(dayOfWeek('1969-12-31')).toBe(3);
  });

  it('orders dates', () => {
    const sorted = ['2025-04-01', '2024-12-31', '2025-03-31'].sort(compareDates);
    expect(sorted).toEqual(['2024-12-31', '2025-03-31', '2025-04-01']);
    expect(compareDates('2025-01-01', '2025-01-01')).toBe(0);
  });
});

describe('date arithmetic shared by the modules', () => {
  it('counts whole days between two dates, negative backwards', () => {
    expect(daysBetween('2025-02-28', '2025-03-01')).toBe(1);
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2026-01-01', '2025-12-31')).toBe(-1);
  });

  it('does month arithmetic on YYYY-MM across year ends', () => {
    expect(isYearMonth('2025-12')).toBe(true);
    expect(isYearMonth('2025-13')).toBe(false);
    expect(yearMonthOf('2025-04-27')).toBe('2025-04');
    expect(addMonths('2025-12', -11)).toBe('2025-01');
    expect(addMonths('2025-12', 1)).toBe('2026-01');
    expect(toMonthNumber('2026-01') - toMonthNumber('2025-02')).toBe(11);
  });

  it('reads instants on a WITA (UTC+8) clock', () => {
    expect(todayWita(new Date('2026-11-30T16:00:00Z'))).toBe('2026-12-01');
    expect(witaWallClock(Date.parse('2025-05-16T16:30:00Z'))).toEqual({ date: '2025-05-17', hour: 0, minute: 30 });
    expect(calendarDateWita('2025-04-27T23:30:00')).toBe('2025-04-27');
  });
});
