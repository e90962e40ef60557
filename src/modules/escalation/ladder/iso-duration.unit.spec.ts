import { DomainError } from '@sinergi/common';
import { addDuration, checkIsoDuration, formatIsoDuration, isIsoDuration, parseInstant, parseIsoDuration } from './iso-duration';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('ISO-8601 durations for ladders', () => {
  describe('parseIsoDuration', () => {
    it.each([
      ['P3D', 259_200_000],
      ['P7D', 604_800_000],
      ['P14D', 1_209_600_000],
      ['PT2S', 2_000],
      ['PT1H30M', 5_400_000],
      ['P1DT12H', 129_600_000],
      ['P2W', 1_209_600_000],
      ['PT1M', 60_000],
      ['PT0.5S', 500],
      ['PT1,25S', 1_250],
      ['P1DT2H3M4S', DAY + 2 * HOUR + 3 * MINUTE + 4 * SECOND],
      ['P0D', 0],
    ])('reads %s as %i ms', (iso, ms) => {
      expect(parseIsoDuration(iso)).toBe(ms);
      expect(isIsoDuration(iso)).toBe(true);
    });

    it.each(['P1Y', 'P6M', 'P1Y2M3D', 'P1MT2H', 'P0.5Y'])('refuses %s: years and months have no fixed length', (iso) => {
      expect(checkIsoDuration(iso)).toEqual({ ok: false, code: 'ambiguous_length', message: expect.stringContaining('years or months') });
    });

    it.each(['', 'P', 'PT', 'P1DT', '3D', 'p3d', 'P3d', 'P-3D', '-P3D', 'P1.5D', 'PT1.5H', 'P1W2D', ' P3D', 'P3D ', 'PT0.0001S', 'P3DT', 'PT2S1M', '3 days'])(
      'refuses the malformed %j',
      (iso) => {
        expect(checkIsoDuration(iso)).toEqual({ ok: false, code: 'malformed', message: expect.stringContaining('not an ISO-8601 duration') });
        expect(isIsoDuration(iso)).toBe(false);
      },
    );

    it('refuses a duration no date can reach', () => {
      expect(checkIsoDuration('P99999999999999999999D')).toMatchObject({ ok: false, code: 'too_long' });
    });

    it('refuses a value that is not a string', () => {
      expect(checkIsoDuration(259_200_000)).toMatchObject({ ok: false, code: 'not_a_string' });
      expect(checkIsoDuration(null)).toMatchObject({ ok: false, code: 'not_a_string' });
    });

    it('throws a DomainError invalid_duration naming the value and what to write instead', () => {
      let thrown: unknown;
      try {
        parseIsoDuration('P1M');
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(DomainError);
      expect(thrown).toMatchObject({
        kind: 'invalid',
        code: 'invalid_duration',
        message: '"P1M" uses years or months, whose length varies; say it in weeks, days, hours, minutes or seconds (e.g. P30D)',
        errors: [{ path: 'duration', code: 'ambiguous_length' }],
      });
    });
  });

  describe('formatIsoDuration', () => {
    it.each([
      [2_000, 'PT2S'],
      [259_200_000, 'P3D'],
      [129_600_000, 'P1DT12H'],
      [5_400_000, 'PT1H30M'],
      [500, 'PT0.5S'],
      [1_250, 'PT1.25S'],
      [DAY + 2 * HOUR + 3 * MINUTE + 4 * SECOND + 5, 'P1DT2H3M4.005S'],
      [0, 'PT0S'],
    ])('writes %i ms as %s, which reads back the same', (ms, iso) => {
      expect(formatIsoDuration(ms)).toBe(iso);
      expect(parseIsoDuration(iso)).toBe(ms);
    });

    it('refuses negative and fractional milliseconds', () => {
      expect(() => formatIsoDuration(-1)).toThrow(RangeError);
      expect(() => formatIsoDuration(1.5)).toThrow(RangeError);
    });
  });

  describe('addDuration', () => {
    it('adds days to a WITA instant and answers in UTC', () => {
      expect(addDuration('2025-06-02T09:00:00+08:00', 'P3D')).toBe('2025-06-05T01:00:00.000Z');
    });

    it('adds hours and minutes', () => {
      expect(addDuration('2025-06-02T09:00:00+08:00', 'PT1H30M')).toBe('2025-06-02T02:30:00.000Z');
    });

    it('crosses the end of February in a common and a leap year', () => {
      expect(addDuration('2025-02-26T00:00:00Z', 'P3D')).toBe('2025-03-01T00:00:00.000Z');
      expect(addDuration('2024-02-27T00:00:00Z', 'P3D')).toBe('2024-03-01T00:00:00.000Z');
    });

    it('adds weeks', () => {
      expect(addDuration('2025-06-02T01:00:00.000Z', 'P2W')).toBe('2025-06-16T01:00:00.000Z');
    });

    it('adds a number of milliseconds', () => {
      expect(addDuration('2025-06-02T01:00:00.000Z', 2_000)).toBe('2025-06-02T01:00:02.000Z');
    });

    it('refuses an instant without an offset: the server zone must never decide', () => {
      expect(() => addDuration('2025-06-02T09:00:00', 'P3D')).toThrow(expect.objectContaining({ code: 'invalid_instant' }));
    });

    it.each(['2025-02-30T00:00:00Z', '2025-13-01T00:00:00Z', '2025-06-02T24:00:00Z', '2025-06-02', 'tomorrow'])(
      'refuses the impossible instant %s rather than rolling it over',
      (instant) => {
        expect(() => parseInstant(instant)).toThrow(expect.objectContaining({ kind: 'invalid', code: 'invalid_instant' }));
      },
    );

    it('refuses a malformed duration', () => {
      expect(() => addDuration('2025-06-02T01:00:00Z', 'P1M')).toThrow(expect.objectContaining({ code: 'invalid_duration' }));
    });
  });
});
