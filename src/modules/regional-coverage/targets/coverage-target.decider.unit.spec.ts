import { DomainError } from '@sinergi/common';
import { decideCoverageTarget, foldCoverageTarget, parseTargetBody, type SetCoverageTarget } from './coverage-target.decider';
import type { CoverageTargetSet } from './coverage-target.events';

const TODAY = '2026-11-24';
const set = (over: Partial<SetCoverageTarget> = {}): SetCoverageTarget => ({
  type: 'SetCoverageTarget',
  regionCode: '73.07',
  metric: 'projects',
  targetPercent: 60,
  deadline: '2027-12-31',
  setBy: 'admin-sinjai',
  now: '2026-11-24T02:00:00.000Z',
  today: TODAY,
  ...over,
});

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a refusal');
}

describe('coverage target decider', () => {
  it('records a first target', () => {
    expect(decideCoverageTarget(set(), null)).toEqual([
      {
        type: 'CoverageTargetSet',
        data: { regionCode: '73.07', metric: 'projects', targetPercent: 60, deadline: '2027-12-31', setBy: 'admin-sinjai', setAt: '2026-11-24T02:00:00.000Z' },
      },
    ]);
  });

  it('records a change, and nothing for the same target set again', () => {
    const first = decideCoverageTarget(set(), null);
    const state = foldCoverageTarget(first);
    expect(decideCoverageTarget(set({ setBy: 'someone-else', now: '2026-11-25T00:00:00Z' }), state)).toEqual([]);
    const changed = decideCoverageTarget(set({ targetPercent: 65 }), state);
    expect(changed).toHaveLength(1);
    expect(foldCoverageTarget([...first, ...changed] as CoverageTargetSet[])).toMatchObject({ targetPercent: 65, deadline: '2027-12-31' });
  });

  it('refuses a deadline before today', () => {
    const error = refusal(() => decideCoverageTarget(set({ deadline: '2026-11-23' }), null));
    expect(error.errors).toEqual([expect.objectContaining({ path: 'deadline', code: 'deadline_passed' })]);
    expect(decideCoverageTarget(set({ deadline: TODAY }), null)).toHaveLength(1);
  });
});

describe('parseTargetBody', () => {
  it('reads a valid body', () => {
    expect(parseTargetBody({ metric: 'workers', targetPercent: 72.5, deadline: '2027-06-30' }, '73.07', TODAY)).toEqual({
      metric: 'workers',
      targetPercent: 72.5,
      deadline: '2027-06-30',
    });
    expect(parseTargetBody({ metric: 'value', targetPercent: 100, deadline: TODAY, regionCode: '73.07' }, '73.07', TODAY)).toMatchObject({ targetPercent: 100 });
  });

  it('names every field at fault', () => {
    const error = refusal(() => parseTargetBody({ metric: 'money', targetPercent: 0, deadline: '2027-02-30', colour: 'red' }, '73.07', TODAY));
    expect(error.code).toBe('invalid_target');
    expect(error.errors.map((e) => [e.path, e.code])).toEqual([
      ['colour', 'unknown_field'],
      ['metric', 'not_allowed'],
      ['targetPercent', 'out_of_range'],
      ['deadline', 'invalid_date'],
    ]);
  });

  it('bounds targetPercent to (0, 100] with at most two decimals', () => {
    const path = (body: Record<string, unknown>) =>
      refusal(() => parseTargetBody({ metric: 'projects', deadline: '2027-01-01', ...body }, '73.07', TODAY)).errors.map((e) => `${e.path}:${e.code}`);
    expect(path({ targetPercent: 100.01 })).toEqual(['targetPercent:out_of_range']);
    expect(path({ targetPercent: -5 })).toEqual(['targetPercent:out_of_range']);
    expect(path({ targetPercent: '60' })).toEqual(['targetPercent:out_of_range']);
    expect(path({ targetPercent: 60.125 })).toEqual(['targetPercent:too_precise']);
    expect(parseTargetBody({ metric: 'projects', deadline: '2027-01-01', targetPercent: 0.01 }, '73.07', TODAY).targetPercent).toBe(0.01);
  });

  it('refuses a past deadline, a body that is not an object and a mismatched regionCode', () => {
    expect(refusal(() => parseTargetBody({ metric: 'projects', targetPercent: 60, deadline: '2026-11-23' }, '73.07', TODAY)).errors[0]).toMatchObject({
      path: 'deadline',
      code: 'deadline_passed',
    });
    expect(refusal(() => parseTargetBody([], '73.07', TODAY)).errors[0].code).toBe('not_an_object');
    expect(refusal(() => parseTargetBody({ metric: 'projects', targetPercent: 60, deadline: '2027-01-01', regionCode: '73.08' }, '73.07', TODAY)).errors[0]).toMatchObject({
      path: 'regionCode',
      code: 'region_mismatch',
    });
  });
});
