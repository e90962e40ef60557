import {
  isIsoDate,
  normaliseNpwp,
  parseRegionCode,
  parseRupiah,
  REGION_LEVELS,
  validateNik,
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

/** A 16-digit NIK with a real birth date (DOMAIN §4). */
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

/** Whole rupiah as a safe integer or a string of up to 20 digits, so amounts survive JSON exactly. */
export function IsRupiah(options?: ValidationOptions): PropertyDecorator {
  return rule(
    IDENTIFIER_CONSTRAINTS.rupiah,
    (value) => parseRupiah(value) !== null,
    'must be a non-negative whole number of rupiah: a safe integer or a string of up to 20 digits',
    options,
  );
}

/** A real calendar date written YYYY-MM-DD, with no time or zone. */
export function IsIsoDate(options?: ValidationOptions): PropertyDecorator {
  return rule(
    IDENTIFIER_CONSTRAINTS.isoDate,
    isIsoDate,
    'must be a real calendar date written YYYY-MM-DD',
    options,
  );
}
