import { targetPace } from './target-pace';
import { monthsUntil, todayWita } from '@sinergi/domain';

describe('targetPace', () => {
  it('spreads the gap over the months left: Sinjai at 40 % aiming at 60 % in 12 months', () => {
    expect(targetPace(40, 60, '2026-12-31', '2027-12-31')).toEqual({ status: 'OPEN', gapPoints: 20, monthsLeft: 12, pacePointsPerMonth: 1.67 });
    // One day earlier, the deadline is a part month further away.
    expect(targetPace(40, 60, '2026-12-30', '2027-12-31')).toMatchObject({ monthsLeft: 13, pacePointsPerMonth: 1.54 });
  });

  it('rounds the pace up to hundredths, so keeping it meets the target', () => {
    // 10 points over 3 months is 3.333…: 3.34 a month gets there, 3.33 would not.
    expect(targetPace(50, 60, '2026-01-15', '2026-04-15')).toMatchObject({ gapPoints: 10, monthsLeft: 3, pacePointsPerMonth: 3.34 });
    expect(targetPace(33.33, 60, '2026-01-15', '2026-03-15')).toMatchObject({ gapPoints: 26.67, monthsLeft: 2, pacePointsPerMonth: 13.34 });
  });

  it('is met (pace 0) when the current percent reaches the target, even after the deadline', () => {
    expect(targetPace(60, 60, '2026-11-24', '2027-06-30')).toEqual({ status: 'MET', gapPoints: 0, monthsLeft: 8, pacePointsPerMonth: 0 });
    expect(targetPace(75.5, 60, '2026-11-24', '2027-06-30')).toMatchObject({ status: 'MET', gapPoints: 0 });
    expect(targetPace(61, 60, '2028-01-01', '2027-06-30')).toEqual({ status: 'MET', gapPoints: 0, monthsLeft: 0, pacePointsPerMonth: 0 });
  });

  it('is missed when the deadline has passed short of the target: the gap stays, there is no pace', () => {
    expect(targetPace(45, 60, '2027-07-01', '2027-06-30')).toEqual({ status: 'MISSED', gapPoints: 15, monthsLeft: 0, pacePointsPerMonth: null });
  });

  it('asks for the whole gap on the deadline itself (zero months left)', () => {
    expect(targetPace(52.5, 60, '2027-06-30', '2027-06-30')).toEqual({ status: 'OPEN', gapPoints: 7.5, monthsLeft: 0, pacePointsPerMonth: 7.5 });
  });

  it('counts a part month as a whole one, so a deadline later this month is one month away', () => {
    expect(targetPace(40, 60, '2026-11-24', '2026-11-30')).toMatchObject({ monthsLeft: 1, pacePointsPerMonth: 20 });
  });

  it('has nothing to measure when there is no current percent', () => {
    expect(targetPace(null, 60, '2026-11-24', '2027-12-31')).toEqual({ status: 'NO_DATA', gapPoints: null, monthsLeft: 14, pacePointsPerMonth: null });
  });
});

describe('month arithmetic', () => {
  it('counts calendar months, a part month as one', () => {
    expect(monthsUntil('2026-11-24', '2026-11-24')).toBe(0);
    expect(monthsUntil('2026-11-24', '2026-11-25')).toBe(1);
    expect(monthsUntil('2026-11-24', '2026-12-10')).toBe(1);
    expect(monthsUntil('2026-11-24', '2026-12-24')).toBe(1);
    expect(monthsUntil('2026-11-24', '2026-12-25')).toBe(2);
    expect(monthsUntil('2026-11-24', '2027-12-31')).toBe(14);
    expect(monthsUntil('2026-12-31', '2027-01-01')).toBe(1);
  });

  it('clamps the day to the end of a shorter month', () => {
    expect(monthsUntil('2027-01-31', '2027-02-28')).toBe(1);
    expect(monthsUntil('2028-01-31', '2028-02-29')).toBe(1);
    expect(monthsUntil('2027-01-30', '2027-03-01')).toBe(2);
    expect(monthsUntil('2027-02-28', '2027-03-30')).toBe(2);
  });

  it('is 0 when the deadline has passed', () => {
    expect(monthsUntil('2027-07-01', '2027-06-30')).toBe(0);
  });

  it('takes today in WITA (UTC+8), so a month turns at 16:00 UTC', () => {
    expect(todayWita(new Date('2026-11-30T15:59:59Z'))).toBe('2026-11-30');
    expect(todayWita(new Date('2026-11-30T16:00:00Z'))).toBe('2026-12-01');
    // Late on 30 November UTC it is already December in Sinjai: a 31 December deadline is one month away, not two.
    const deadline = '2026-12-31';
    expect(targetPace(40, 60, todayWita(new Date('2026-11-30T15:00:00Z')), deadline).monthsLeft).toBe(2);
    expect(targetPace(40, 60, todayWita(new Date('2026-11-30T17:00:00Z')), deadline).monthsLeft).toBe(1);
  });
});
