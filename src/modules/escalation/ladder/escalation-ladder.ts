import type { FieldError } from '@sinergi/common';
import { NATIONAL_REGION_CODE, parseRegionCode } from '@sinergi/domain';
import { isPosition, type Position } from '@sinergi/auth/principal';
import { checkIsoDuration, formatIsoDuration } from './iso-duration';

/** One rung: who is told when the case reaches it, and how long it waits before climbing to the next. */
export interface EscalationLevel {
  /** 0 for the first level, then 1, 2, … in order. */
  level: number;
  recipients: Position[];
  /** ISO-8601 duration (days, weeks or time; never years or months); null on the last level. */
  waitBeforeNext: string | null;
}

/** A region's ladder (docs/api.md, docs/domain.md): configuration, not statute. A case keeps the version it started with. */
export interface EscalationLadder {
  regionCode: string;
  /** Raised by one on every change of the region's ladder. */
  version: number;
  levels: EscalationLevel[];
}

export type LadderValidation = { ok: true; ladder: EscalationLadder } | { ok: false; errors: FieldError[] };

export const SINJAI_REGION_CODE = '73.07';

/** The default seeded for Kabupaten Sinjai (issue 4): contractor and PPK first, the regent last. */
export const DEFAULT_SINJAI_LADDER: EscalationLadder = deepFreeze({
  regionCode: SINJAI_REGION_CODE,
  version: 1,
  levels: [
    { level: 0, recipients: ['CONTRACTOR', 'PPK'], waitBeforeNext: 'P3D' },
    { level: 1, recipients: ['KEPALA_DINAS', 'BPJS_BRANCH'], waitBeforeNext: 'P7D' },
    { level: 2, recipients: ['INSPEKTORAT', 'SEKDA'], waitBeforeNext: 'P14D' },
    { level: 3, recipients: ['BUPATI', 'WAKIL_BUPATI'], waitBeforeNext: null },
  ],
});

/**
 * The national default (region 'ID'), seeded by migration 1764000000022: every region without a ladder of its own or an
 * ancestor's climbs this one. The same rungs as Sinjai's; admins with the whole country in scope change it with
 * `PUT /v1/admin/ladders/ID` (a new version, as for any region).
 */
export const NATIONAL_DEFAULT_LADDER: EscalationLadder = deepFreeze({ ...DEFAULT_SINJAI_LADDER, regionCode: NATIONAL_REGION_CODE });

/** A region a ladder can belong to: a Kemendagri region code, or 'ID' for the national default. */
export const isLadderRegion = (code: string): boolean => code === NATIONAL_REGION_CODE || parseRegionCode(code) !== null;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks a ladder as an admin sends it (or as it comes back from storage) and returns a clean copy holding only the
 * known fields. Every problem is reported at once, each with the path of the offending field.
 */
export function validateLadder(input: unknown): LadderValidation {
  const errors: FieldError[] = [];
  const fail = (path: string, code: string, message: string) => errors.push({ path, code, message });
  if (!isRecord(input)) {
    fail('', 'not_an_object', 'a ladder must be an object with regionCode, version and levels');
    return { ok: false, errors };
  }

  const { regionCode, version, levels } = input;
  if (typeof regionCode !== 'string' || !isLadderRegion(regionCode)) {
    fail('regionCode', 'invalid_region_code', 'regionCode must be a region code such as 73.07, or ID for the national default');
  }
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    fail('version', 'invalid_version', 'version must be a whole number from 1');
  }
  if (!Array.isArray(levels) || levels.length === 0) {
    fail('levels', 'levels_required', 'a ladder needs at least one level');
    return { ok: false, errors };
  }

  const clean: EscalationLevel[] = [];
  levels.forEach((raw: unknown, index) => {
    const path = `levels[${index}]`;
    const last = index === levels.length - 1;
    if (!isRecord(raw)) {
      fail(path, 'not_an_object', 'a level must be an object with level, recipients and waitBeforeNext');
      return;
    }
    if (raw.level !== index) {
      fail(`${path}.level`, 'level_out_of_order', `levels are numbered 0, 1, 2, … in order: this one must be ${index}`);
    }
    const recipients = checkRecipients(raw.recipients, `${path}.recipients`, fail);
    const wait = raw.waitBeforeNext;
    if (last) {
      if (wait !== null) fail(`${path}.waitBeforeNext`, 'wait_on_last_level', 'the last level has nowhere to climb: waitBeforeNext must be null');
    } else if (wait === null || wait === undefined) {
      fail(`${path}.waitBeforeNext`, 'wait_required', 'every level but the last needs waitBeforeNext (e.g. P3D)');
    } else {
      const check = checkIsoDuration(wait);
      if (!check.ok) fail(`${path}.waitBeforeNext`, check.code, check.message);
      else if (check.ms === 0) fail(`${path}.waitBeforeNext`, 'wait_not_positive', 'waitBeforeNext must be longer than zero');
    }
    clean.push({ level: index, recipients, waitBeforeNext: last ? null : (wait as string) });
  });

  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, ladder: { regionCode: regionCode as string, version: version as number, levels: clean } };
}

function checkRecipients(value: unknown, path: string, fail: (path: string, code: string, message: string) => void): Position[] {
  if (!Array.isArray(value) || value.length === 0) {
    fail(path, 'recipients_required', 'each level needs at least one recipient position');
    return [];
  }
  const seen = new Set<Position>();
  value.forEach((position: unknown, i) => {
    if (!isPosition(position)) {
      fail(`${path}[${i}]`, 'unknown_position', `${JSON.stringify(position)} is not a position (CONTRACTOR, PPK, KEPALA_DINAS, …)`);
    } else if (seen.has(position)) {
      fail(`${path}[${i}]`, 'duplicate_position', `${position} is listed twice on this level`);
    } else {
      seen.add(position);
    }
  });
  return [...seen];
}

/**
 * The same ladder with every wait replaced by `waitMs` milliseconds, for `--fast-ladder` demos and tests: a case
 * climbs in seconds instead of weeks. Levels, recipients, region and version stay as they are.
 */
export function shortenLadder(ladder: EscalationLadder, waitMs: number): EscalationLadder {
  if (!Number.isSafeInteger(waitMs) || waitMs <= 0) {
    throw new RangeError(`a shortened wait must be a whole, positive number of milliseconds, not ${waitMs}`);
  }
  const wait = formatIsoDuration(waitMs);
  return {
    regionCode: ladder.regionCode,
    version: ladder.version,
    levels: ladder.levels.map((l) => ({ level: l.level, recipients: [...l.recipients], waitBeforeNext: l.waitBeforeNext === null ? null : wait })),
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
