import { addCalendarDays, compareDates, dayOfWeek, isIsoDate } from './calendar-date';

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
