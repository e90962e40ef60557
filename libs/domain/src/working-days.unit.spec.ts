import indonesia from './holidays/indonesia.json';
import {
  addWorkingDays,
  defaultHolidayCalendar,
  HolidayCalendar,
  isWorkingDay,
  registrationDeadline,
  type HolidayEntry,
} from './working-days';

const noHolidays = HolidayCalendar.fromData([]);
const indonesiaCalendar = defaultHolidayCalendar();

describe('addWorkingDays', () => {
  it('skips the weekend: one working day after Friday is Monday', () => {
    expect(addWorkingDays('2025-06-13', 1, noHolidays)).toBe('2025-06-16');
    expect(addWorkingDays('2025-06-11', 3, noHolidays)).toBe('2025-06-16');
  });

  it('never counts the start date itself, and zero days is the start date', () => {
    expect(addWorkingDays('2025-06-16', 1, noHolidays)).toBe('2025-06-17');
    expect(addWorkingDays('2025-06-14', 0, noHolidays)).toBe('2025-06-14');
  });

  it('skips a national holiday and the cuti bersama next to it (Waisak 12 May 2025 + 13 May)', () => {
    expect(addWorkingDays('2025-05-09', 3, noHolidays)).toBe('2025-05-14');
    expect(addWorkingDays('2025-05-09', 3, indonesiaCalendar)).toBe('2025-05-16');
  });

  it('refuses negative or fractional counts and malformed dates', () => {
    expect(() => addWorkingDays('2025-06-13', -1, noHolidays)).toThrow(RangeError);
    expect(() => addWorkingDays('2025-06-13', 1.5, noHolidays)).toThrow(RangeError);
    expect(() => addWorkingDays('13-06-2025', 1, noHolidays)).toThrow(RangeError);
  });
});

describe('registrationDeadline', () => {
  it('gives 14 working days after a Friday SPK: Thursday three weeks later', () => {
    expect(registrationDeadline('2025-07-04', indonesiaCalendar)).toBe('2025-07-24');
  });

  it('counts from an SPK signed on a holiday (Christmas 2025), past cuti bersama, New Year and Isra Mikraj', () => {
    // working days: 29, 30, 31 Dec; 2, 5–9 Jan; 12–15 Jan; (16 Jan Isra Mikraj); 19 Jan
    expect(registrationDeadline('2025-12-25', indonesiaCalendar)).toBe('2026-01-19');
  });

  it('runs through the 2025 Lebaran closure: SPK 27 March 2025 is due 28 April 2025, not 16 April', () => {
    // 28 Mar cuti bersama Nyepi, 29 Mar Nyepi, 31 Mar–1 Apr Idul Fitri, 2–4 and 7 Apr cuti bersama:
    // the first working day is Tue 8 Apr; 8–11, 14–17, (18 Apr Good Friday), 21–25, 28 Apr = 14 days.
    expect(registrationDeadline('2025-03-27', noHolidays)).toBe('2025-04-16');
    expect(registrationDeadline('2025-03-27', indonesiaCalendar)).toBe('2025-04-28');
  });

  it('takes the number of working days from regional configuration', () => {
    expect(registrationDeadline('2025-07-04', indonesiaCalendar, 7)).toBe('2025-07-15');
  });
});

describe('HolidayCalendar', () => {
  const sinjaiAnniversary: HolidayEntry = {
    date: '2025-02-04',
    name: 'Hari Jadi Kabupaten Sinjai (example)',
    kind: 'regional',
    regionPrefix: '73.07',
  };

  it('applies a regional holiday only inside its region', () => {
    expect(isWorkingDay('2025-02-04', HolidayCalendar.fromData([sinjaiAnniversary], '73.07'))).toBe(false);
    expect(isWorkingDay('2025-02-04', HolidayCalendar.fromData([sinjaiAnniversary], '73.07.05.2001'))).toBe(false);
    expect(isWorkingDay('2025-02-04', HolidayCalendar.fromData([sinjaiAnniversary], '73.08'))).toBe(true);
    expect(isWorkingDay('2025-02-04', HolidayCalendar.fromData([sinjaiAnniversary], '73'))).toBe(true);
    expect(isWorkingDay('2025-02-04', HolidayCalendar.fromData([sinjaiAnniversary]))).toBe(true);
  });

  it('moves a deadline in its region only', () => {
    const inSinjai = HolidayCalendar.fromData([sinjaiAnniversary], '73.07.05');
    expect(addWorkingDays('2025-02-03', 1, inSinjai)).toBe('2025-02-05');
    expect(addWorkingDays('2025-02-03', 1, HolidayCalendar.fromData([sinjaiAnniversary], '73.71'))).toBe('2025-02-04');
  });

  it('names what falls on a date', () => {
    expect(indonesiaCalendar.holidaysOn('2025-03-31').map((h) => h.name)).toEqual(['Hari Raya Idul Fitri 1446 H']);
    expect(indonesiaCalendar.holidaysOn('2025-03-27')).toEqual([]);
  });

  it('refuses entries without a real date, a name, a known kind, or a region for a regional holiday', () => {
    const entry: HolidayEntry = { date: '2025-02-04', name: 'x', kind: 'national' };
    expect(() => HolidayCalendar.fromData([{ ...entry, date: '2025-02-30' }])).toThrow(RangeError);
    expect(() => HolidayCalendar.fromData([{ ...entry, name: '' }])).toThrow(RangeError);
    expect(() => HolidayCalendar.fromData([{ ...entry, kind: 'bank' as HolidayEntry['kind'] }])).toThrow(RangeError);
    expect(() => HolidayCalendar.fromData([{ ...entry, kind: 'regional' }])).toThrow(RangeError);
  });
});

describe('shipped Indonesian holiday data', () => {
  const entries = indonesia.holidays as readonly HolidayEntry[];

  it('covers 2022 to 2027 with national holidays and cuti bersama in every year', () => {
    for (const year of ['2022', '2023', '2024', '2025', '2026', '2027']) {
      const ofYear = entries.filter((e) => e.date.startsWith(year));
      expect(ofYear.filter((e) => e.kind === 'national').length).toBeGreaterThanOrEqual(15);
      expect(ofYear.some((e) => e.kind === 'cuti_bersama')).toBe(true);
      expect(ofYear.some((e) => e.date === `${year}-08-17`)).toBe(true);
      expect(ofYear.some((e) => e.date === `${year}-12-25`)).toBe(true);
    }
  });

  it('lists each date once, in order, and says where it comes from', () => {
    const dates = entries.map((e) => e.date);
    expect(new Set(dates).size).toBe(dates.length);
    expect([...dates].sort()).toEqual(dates);
    expect(indonesia.source).toMatch(/must be appended/);
    expect(() => HolidayCalendar.fromData(entries)).not.toThrow();
  });

  it('keeps ordinary working days open (8 Apr 2025 after Lebaran; 26 Dec 2022, which had no cuti bersama)', () => {
    expect(isWorkingDay('2025-04-08', indonesiaCalendar)).toBe(true);
    expect(isWorkingDay('2022-12-26', indonesiaCalendar)).toBe(true);
  });
});
