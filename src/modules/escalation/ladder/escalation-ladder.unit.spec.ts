import { DEFAULT_SINJAI_LADDER, type EscalationLadder, NATIONAL_DEFAULT_LADDER, shortenLadder, validateLadder } from './escalation-ladder';

const ladder = (levels: unknown[], changes: Record<string, unknown> = {}) => ({ regionCode: '73.07', version: 2, levels, ...changes });

describe('escalation ladders', () => {
  describe('the default Sinjai ladder', () => {
    it('climbs from contractor and PPK to the regent in 3, 7 and 14 days', () => {
      expect(DEFAULT_SINJAI_LADDER).toEqual({
        regionCode: '73.07',
        version: 1,
        levels: [
          { level: 0, recipients: ['CONTRACTOR', 'PPK'], waitBeforeNext: 'P3D' },
          { level: 1, recipients: ['KEPALA_DINAS', 'BPJS_BRANCH'], waitBeforeNext: 'P7D' },
          { level: 2, recipients: ['INSPEKTORAT', 'SEKDA'], waitBeforeNext: 'P14D' },
          { level: 3, recipients: ['BUPATI', 'WAKIL_BUPATI'], waitBeforeNext: null },
        ],
      });
    });

    it('is valid', () => {
      expect(validateLadder(DEFAULT_SINJAI_LADDER)).toEqual({ ok: true, ladder: DEFAULT_SINJAI_LADDER });
    });

    it('cannot be changed by accident', () => {
      expect(Object.isFrozen(DEFAULT_SINJAI_LADDER.levels[0].recipients)).toBe(true);
      expect(() => {
        (DEFAULT_SINJAI_LADDER.levels[0] as { waitBeforeNext: string | null }).waitBeforeNext = 'PT1S';
      }).toThrow(TypeError);
    });
  });

  describe('validateLadder', () => {
    it('accepts a one-level ladder whose only level has no wait', () => {
      expect(validateLadder(ladder([{ level: 0, recipients: ['PPK'], waitBeforeNext: null }]))).toEqual({
        ok: true,
        ladder: { regionCode: '73.07', version: 2, levels: [{ level: 0, recipients: ['PPK'], waitBeforeNext: null }] },
      });
    });

    it('keeps only the known fields of a valid ladder', () => {
      const result = validateLadder({
        ...ladder([
          { level: 0, recipients: ['PPK'], waitBeforeNext: 'P2W', colour: 'red' },
          { level: 1, recipients: ['BUPATI'], waitBeforeNext: null },
        ]),
        updatedBy: 'admin-1',
      });
      expect(result).toEqual({
        ok: true,
        ladder: {
          regionCode: '73.07',
          version: 2,
          levels: [
            { level: 0, recipients: ['PPK'], waitBeforeNext: 'P2W' },
            { level: 1, recipients: ['BUPATI'], waitBeforeNext: null },
          ],
        },
      });
    });

    it('refuses levels that are not numbered 0, 1, 2 in order', () => {
      const result = validateLadder(
        ladder([
          { level: 0, recipients: ['PPK'], waitBeforeNext: 'P3D' },
          { level: 2, recipients: ['SEKDA'], waitBeforeNext: 'P3D' },
          { level: 1, recipients: ['BUPATI'], waitBeforeNext: null },
        ]),
      );
      expect(result).toEqual({
        ok: false,
        errors: [
          { path: 'levels[1].level', code: 'level_out_of_order', message: 'levels are numbered 0, 1, 2, … in order: this one must be 1' },
          { path: 'levels[2].level', code: 'level_out_of_order', message: 'levels are numbered 0, 1, 2, … in order: this one must be 2' },
        ],
      });
    });

    it('refuses a level without recipients, an unknown position and a position listed twice', () => {
      const result = validateLadder(
        ladder([
          { level: 0, recipients: [], waitBeforeNext: 'P3D' },
          { level: 1, recipients: ['CAMAT', 'SEKDA'], waitBeforeNext: 'P3D' },
          { level: 2, recipients: ['BUPATI', 'BUPATI'], waitBeforeNext: null },
        ]),
      );
      expect(result).toEqual({
        ok: false,
        errors: [
          { path: 'levels[0].recipients', code: 'recipients_required', message: 'each level needs at least one recipient position' },
          { path: 'levels[1].recipients[0]', code: 'unknown_position', message: '"CAMAT" is not a position (CONTRACTOR, PPK, KEPALA_DINAS, …)' },
          { path: 'levels[2].recipients[1]', code: 'duplicate_position', message: 'BUPATI is listed twice on this level' },
        ],
      });
    });

    it('refuses a level before the last without a wait, and a wait on the last level', () => {
      const result = validateLadder(
        ladder([
          { level: 0, recipients: ['PPK'], waitBeforeNext: null },
          { level: 1, recipients: ['BUPATI'], waitBeforeNext: 'P3D' },
        ]),
      );
      expect(result).toEqual({
        ok: false,
        errors: [
          { path: 'levels[0].waitBeforeNext', code: 'wait_required', message: 'every level but the last needs waitBeforeNext (e.g. P3D)' },
          {
            path: 'levels[1].waitBeforeNext',
            code: 'wait_on_last_level',
            message: 'the last level has nowhere to climb: waitBeforeNext must be null',
          },
        ],
      });
    });

    it('refuses waits in months, malformed waits and a zero wait', () => {
      const result = validateLadder(
        ladder([
          { level: 0, recipients: ['PPK'], waitBeforeNext: 'P1M' },
          { level: 1, recipients: ['KEPALA_DINAS'], waitBeforeNext: '3 days' },
          { level: 2, recipients: ['SEKDA'], waitBeforeNext: 'PT0S' },
          { level: 3, recipients: ['BUPATI'], waitBeforeNext: null },
        ]),
      );
      expect(result.ok).toBe(false);
      expect(!result.ok && result.errors.map((e) => [e.path, e.code])).toEqual([
        ['levels[0].waitBeforeNext', 'ambiguous_length'],
        ['levels[1].waitBeforeNext', 'malformed'],
        ['levels[2].waitBeforeNext', 'wait_not_positive'],
      ]);
    });

    it("accepts ID, the national default's region, and nothing else that is not a region code", () => {
      expect(validateLadder({ ...NATIONAL_DEFAULT_LADDER })).toMatchObject({ ok: true, ladder: { regionCode: 'ID' } });
      expect(validateLadder({ ...NATIONAL_DEFAULT_LADDER, regionCode: 'IDN' })).toMatchObject({ ok: false, errors: [{ path: 'regionCode' }] });
    });

    it('refuses a bad region code, a bad version and a ladder without levels, all at once', () => {
      expect(validateLadder({ regionCode: 'Sinjai', version: 0, levels: [] })).toEqual({
        ok: false,
        errors: [
          { path: 'regionCode', code: 'invalid_region_code', message: 'regionCode must be a region code such as 73.07, or ID for the national default' },
          { path: 'version', code: 'invalid_version', message: 'version must be a whole number from 1' },
          { path: 'levels', code: 'levels_required', message: 'a ladder needs at least one level' },
        ],
      });
    });

    it('refuses something that is not a ladder at all', () => {
      expect(validateLadder(null)).toMatchObject({ ok: false, errors: [{ path: '', code: 'not_an_object' }] });
      expect(validateLadder(ladder(['P3D']))).toMatchObject({ ok: false, errors: [{ path: 'levels[0]', code: 'not_an_object' }] });
    });
  });

  describe('shortenLadder', () => {
    it('replaces every wait by the short one and keeps levels, recipients, region and version', () => {
      expect(shortenLadder(DEFAULT_SINJAI_LADDER, 2_000)).toEqual({
        regionCode: '73.07',
        version: 1,
        levels: [
          { level: 0, recipients: ['CONTRACTOR', 'PPK'], waitBeforeNext: 'PT2S' },
          { level: 1, recipients: ['KEPALA_DINAS', 'BPJS_BRANCH'], waitBeforeNext: 'PT2S' },
          { level: 2, recipients: ['INSPEKTORAT', 'SEKDA'], waitBeforeNext: 'PT2S' },
          { level: 3, recipients: ['BUPATI', 'WAKIL_BUPATI'], waitBeforeNext: null },
        ],
      });
    });

    it('gives a valid ladder and leaves the original alone', () => {
      const original: EscalationLadder = structuredClone(DEFAULT_SINJAI_LADDER);
      const short = shortenLadder(original, 1_500);
      expect(validateLadder(short).ok).toBe(true);
      expect(short.levels[0].waitBeforeNext).toBe('PT1.5S');
      expect(original).toEqual(DEFAULT_SINJAI_LADDER);
    });

    it.each([0, -1, 1.5])('refuses a wait of %p ms', (ms) => {
      expect(() => shortenLadder(DEFAULT_SINJAI_LADDER, ms)).toThrow(RangeError);
    });
  });
});
