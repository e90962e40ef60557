import {
  isIsoDate,
  normaliseNpwp,
  parseRegionCode,
  REGION_LEVELS,
  validateNik,
  vendoredRegions,
  type RegionLevel,
} from '@sinergi/domain';
import { buildMessage, ValidateBy, type ValidationOptions } from 'class-validator';

/** Constraint names: the stable keys clients find in a ValidationError's `constraints`. */
export const IDENTIFIER_CONSTRAINTS = {
  nik: 'isNik',
  npwp: 'isNpwp',
  regionCode: 'isRegionCode',
  rupiah: 'isRupiah',
  isoDate: 'isIsoDate',
  knownRegion: 'isKnownRegion',
} as const;

function rule(name: string, validate: (value: unknown) => boolean, message: string, options?: ValidationOptions) {
  return ValidateBy(
    {
      name,
      validator: {
        validate,
        defaultMessage: buildMessage((eachPrefix) => `${eachPrefix}$property ${message}`, options),
      },
    },
    options,
  );
}

/** A 16-digit NIK with a real birth date (docs/domain.md). */
export function IsNik(options?: ValidationOptions): PropertyDecorator {
  return rule(
    IDENTIFIER_CONSTRAINTS.nik,
    (value) => typeof value === 'string' && validateNik(value).ok,
    'must be 16 digits with a valid birth date (DDMMYY, women +40) and a sequence other than 0000',
    options,
  );
}

/** Any NPWP form in use: old 15 digits (punctuation allowed), '0' + 15 for companies, or a resident's NIK. */
export function IsNpwp(options?: ValidationOptions): PropertyDecorator {
  return rule(
    IDENTIFIER_CONSTRAINTS.npwp,
    (value) => typeof value === 'string' && normaliseNpwp(value).ok,
    "must be an NPWP: 15 digits (old form, 9th digit a Luhn check), or 16 digits ('0' + old form, or a valid NIK)",
    options,
  );
}

/**
 * A Kemendagri region code, at least as deep as `minLevel` (e.g. a project's location must be a district or village).
 * @defaultValue minLevel 'province'
 */
export function IsRegionCode(
  opts: { minLevel?: RegionLevel } = {},
  options?: ValidationOptions,
): PropertyDecorator {
  const minDepth = REGION_LEVELS.indexOf(opts.minLevel ?? 'province');
  const accepted = REGION_LEVELS.slice(minDepth).join(' or ');
  return rule(
    IDENTIFIER_CONSTRAINTS.regionCode,
    (value) => {
      const parsed = typeof value === 'string' ? parseRegionCode(value) : null;
      return parsed !== null && REGION_LEVELS.indexOf(parsed.level) >= minDepth;
    },
    `must be a Kemendagri region code (PP, PP.KK, PP.KK.CC or PP.KK.CC.XXXX) at ${accepted} level`,
    options,
  );
}

/**
 * A region code that exists in the vendored Kemendagri hierarchy (as far as it is vendored: below a regency whose
 * districts are not vendored, a district is taken if its regency exists). Apply after `IsRegionCode`.
 */
export function IsKnownRegion(options?: ValidationOptions): PropertyDecorator {
  return rule(
    IDENTIFIER_CONSTRAINTS.knownRegion,
    (value) => typeof value !== 'string' || parseRegionCode(value) === null || vendoredRegions().existence(value) !== 'unknown',
    'is not a region in the Kemendagri hierarchy Sinergi knows',
    options,
  );
}

/**
 * The largest contract value Sinergi takes: Rp 1.000 triliun (10^15), far above any regional contract and small
 * enough that sums over every project of a year stay exact in PostgreSQL `numeric` and in JavaScript `bigint`.
 */
export const MAX_CONTRACT_VALUE = 10n ** 15n;

/** Whole rupiah written canonically: digits with no leading zero (or a lone 0), or a safe integer other than -0. */
function canonicalRupiah(value: unknown): bigint | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 && !Object.is(value, -0) ? BigInt(value) : null;
  if (typeof value === 'string') return /^(0|[1-9]\d{0,19})$/.test(value) ? BigInt(value) : null;
  return null;
}

/**
 * Whole rupiah as a safe integer or a canonical digit string, so amounts survive JSON exactly; `"007"` and `-0`
 * are refused rather than read as 7 and 0.
 * @defaultValue min 0n, max MAX_CONTRACT_VALUE
 */
export function IsRupiah(bounds: { min?: bigint; max?: bigint } = {}, options?: ValidationOptions): PropertyDecorator {
  const min = bounds.min ?? 0n;
  const max = bounds.max ?? MAX_CONTRACT_VALUE;
  const what = min === 1n ? 'a positive whole number of rupiah' : min === 0n ? 'a non-negative whole number of rupiah' : `a whole number of rupiah from ${min}`;
  return rule(
    IDENTIFIER_CONSTRAINTS.rupiah,
    (value) => {
      const amount = canonicalRupiah(value);
      return amount !== null && amount >= min && amount <= max;
    },
    `must be ${what} up to ${max} (Rp 1.000 triliun), as a safe integer or a string of digits without leading zeros`,
    options,
  );
}

/** The dates Sinergi reasons about: the VAT table, fiscal years and holiday data all lie within these years. */
export const DATE_RANGE = { from: '1900-01-01', to: '2199-12-31' } as const;

/** A real calendar date written YYYY-MM-DD, with no time or zone. */
export function IsIsoDate(options?: ValidationOptions): PropertyDecorator {
  return rule(
    IDENTIFIER_CONSTRAINTS.isoDate,
    (value) => isIsoDate(value) && value >= DATE_RANGE.from && value <= DATE_RANGE.to,
    `must be a real calendar date written YYYY-MM-DD, from ${DATE_RANGE.from} to ${DATE_RANGE.to}`,
    options,
  );
}
