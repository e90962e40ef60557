import { HolidayCalendar, BUNDLED_HOLIDAY_YEARS, BUNDLED_HOLIDAYS } from '@sinergi/domain';
import { DomainError } from '@sinergi/common';
import { holidayDataWarning } from '../../../platform/health.controller';
import { type ConstructionProjectState, foldProject, recomputeRegistrationDeadline } from '../construction-project.decider';
import type { ConstructionProjectEvent, ProjectRegisteredData } from '../construction-project.events';
import { buildCalendar } from './holiday-calendars';
import { parseHolidaysCsv } from './import-holidays';

describe('holiday files', () => {
  it('reads one year of holidays, collective leave and regional days', () => {
    const file = parseHolidaysCsv(
      'date,name,kind,region_prefix,provisional\n2028-01-01,Tahun Baru 2028 Masehi,national,,\n2028-02-25,Cuti bersama Idul Fitri,cuti_bersama,,true\n2028-02-20,Hari Jadi Sinjai,regional,73.07,\n',
    );
    expect(file.year).toBe(2028);
    expect(file.entries).toEqual([
      { date: '2028-01-01', name: 'Tahun Baru 2028 Masehi', kind: 'national' },
      { date: '2028-02-25', name: 'Cuti bersama Idul Fitri', kind: 'cuti_bersama', provisional: true },
      { date: '2028-02-20', name: 'Hari Jadi Sinjai', kind: 'regional', regionPrefix: '73.07' },
    ]);
  });

  it('refuses a whole file naming every bad line, and a file of two years', () => {
    let error: DomainError | null = null;
    try {
      parseHolidaysCsv('date,name,kind\n2028-02-30,X,national\n2028-03-01,,national\n2028-03-02,Y,holiday\n2028-03-03,Z,regional\n');
    } catch (e) {
      error = e as DomainError;
    }
    expect(error?.errors.map((e) => [e.path, e.code])).toEqual([
      ['line 2', 'invalid_date'],
      ['line 3', 'invalid_name'],
      ['line 4', 'invalid_kind'],
      ['line 5', 'invalid_region'],
    ]);
    expect(() => parseHolidaysCsv('date,name,kind\n2028-01-01,A,national\n2029-01-01,B,national\n')).toThrow('not valid');
    expect(() => parseHolidaysCsv('tanggal,nama\n2028-01-01,A\n')).toThrow('header');
  });

  it('lets an imported year extend the bundled calendar, and replace a bundled year', () => {
    const calendar = buildCalendar({ entries: [{ date: '2028-01-03', name: 'Contoh', kind: 'national' }], years: [2028] }, '73.07');
    expect(calendar.coversYear(2028)).toBe(true);
    expect(calendar.isHoliday('2028-01-03')).toBe(true);
    expect(calendar.isHoliday('2027-12-24')).toBe(true);
    const replaced = buildCalendar({ entries: [{ date: '2027-12-27', name: 'Koreksi', kind: 'cuti_bersama' }], years: [2027] }, '73.07');
    expect(replaced.isHoliday('2027-12-24')).toBe(false);
    expect(replaced.isHoliday('2027-12-27')).toBe(true);
  });
});

describe('the readiness warning about holiday data', () => {
  it('warns from 1 December of the year before a year without data', () => {
    expect(holidayDataWarning(2027, '2027-11-30')).toBeNull();
    expect(holidayDataWarning(2027, '2027-12-01')).toContain('no holiday data for 2028');
    expect(holidayDataWarning(2027, '2028-03-01')).toContain('2028');
    expect(holidayDataWarning(2028, '2027-12-01')).toBeNull();
  });
});

describe('recounting a registration deadline', () => {
  const registration = (contractDate: string): ConstructionProjectState => {
    const data = {
      contractValue: '2500000000',
      endDate: '2028-06-30',
      maintenanceEndDate: null,
      projectId: '3f0c2a9e-8d41-5b7a-9c1e-2f6b8a4d7307',
      projectRef: 'R-1',
      regionCode: '73.07.06',
      contractDate,
      registrationDeadline: '2028-01-10',
      registrationDeadlineProvisional: true,
    } as unknown as ProjectRegisteredData;
    return foldProject([{ type: 'ProjectRegistered', data } as ConstructionProjectEvent]);
  };
  const with2028 = HolidayCalendar.fromData([...BUNDLED_HOLIDAYS, { date: '2028-01-03', name: 'Contoh', kind: 'national' }], '73.07', [...BUNDLED_HOLIDAY_YEARS, 2028]);
  const ctx = { calendar: with2028, registrationWorkingDays: 14, holidayYear: 2028, now: '2027-12-22T10:00:00.000Z' };

  it('records the new deadline once the year is covered, and nothing when it would not change', () => {
    const state = registration('2027-12-20');
    const [event] = recomputeRegistrationDeadline(state, ctx);
    expect(event).toEqual({
      type: 'RegistrationDeadlineRecomputed',
      data: { registrationDeadline: '2028-01-11', provisional: false, previousDeadline: '2028-01-10', holidayYear: 2028, recomputedAt: ctx.now },
    });
    const after = foldProject([...[{ type: 'ProjectRegistered', data: state.registration } as ConstructionProjectEvent], event]);
    expect(after.registration).toMatchObject({ registrationDeadline: '2028-01-11', registrationDeadlineProvisional: false });
    expect(recomputeRegistrationDeadline(after, ctx)).toEqual([]);
  });

  it('leaves cancelled and completed projects as they were', () => {
    const cancelled = { ...registration('2027-12-20'), status: 'CANCELLED' as const };
    const completed = { ...registration('2027-12-20'), status: 'COMPLETED' as const };
    expect(recomputeRegistrationDeadline(cancelled, ctx)).toEqual([]);
    expect(recomputeRegistrationDeadline(completed, ctx)).toEqual([]);
  });
});
