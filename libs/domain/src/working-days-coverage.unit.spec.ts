import { BUNDLED_HOLIDAY_YEARS, BUNDLED_HOLIDAYS, defaultHolidayCalendar, HolidayCalendar, registrationDeadlineOf } from './working-days';

describe('a holiday calendar that knows where its data ends', () => {
  const sinjai = defaultHolidayCalendar('73.07');

  it('covers the years whose decrees are bundled, and no later one', () => {
    expect(BUNDLED_HOLIDAY_YEARS).toEqual([2022, 2023, 2024, 2025, 2026, 2027]);
    expect(sinjai.coversYear(2027)).toBe(true);
    expect(sinjai.coversYear(2028)).toBe(false);
    expect(sinjai.lastCoveredYear).toBe(2027);
  });

  it('marks a deadline inside a covered year final', () => {
    expect(registrationDeadlineOf('2025-04-21', sinjai)).toEqual({ date: '2025-05-14', provisional: false });
  });

  it('marks a deadline that runs into a year without data provisional, counted on weekends only there', () => {
    // SPK Mon 20 Dec 2027: 24 Dec (cuti bersama) is skipped; 2028 has no data, so every weekday of January counts.
    const { date, provisional } = registrationDeadlineOf('2027-12-20', sinjai);
    expect(provisional).toBe(true);
    expect(date).toBe('2028-01-10');
  });

  it('marks a deadline wholly in a year without data provisional', () => {
    expect(registrationDeadlineOf('2028-03-01', sinjai).provisional).toBe(true);
  });

  it('treats every year as covered for a calendar made without years (hand-made data)', () => {
    const plain = HolidayCalendar.fromData([]);
    expect(registrationDeadlineOf('2030-01-02', plain).provisional).toBe(false);
  });

  it('covers a year once it is given, with its holidays counted', () => {
    const with2028 = HolidayCalendar.fromData([...BUNDLED_HOLIDAYS, { date: '2028-01-03', name: 'Contoh', kind: 'national' }], '73.07', [...BUNDLED_HOLIDAY_YEARS, 2028]);
    expect(registrationDeadlineOf('2027-12-20', with2028)).toEqual({ date: '2028-01-11', provisional: false });
  });
});
