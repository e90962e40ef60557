import { daysInMonth } from './calendar-date';

export type NikCheck = { ok: true } | { ok: false; code: 'nik_format' | 'nik_birth_date' | 'nik_sequence' };
export type NpwpCheck =
  | { ok: true; value: string }
  | { ok: false; code: 'npwp_format' | 'npwp_check_digit' | 'npwp_nik' };
export type RegionLevel = 'province' | 'regency' | 'district' | 'village';
export interface RegionCode {
  readonly level: RegionLevel;
  /** Each part is that level's own segment: '73', '07', '05', '2001' for 73.07.05.2001. */
  readonly province: string;
  readonly regency?: string;
  readonly district?: string;
  readonly village?: string;
}

/** Coarsest first, so a level's index says how deep a code goes. */
export const REGION_LEVELS: readonly RegionLevel[] = ['province', 'regency', 'district', 'village'];

const digits = (length: number) => new RegExp(`^\\d{${length}}$`);
const NIK = digits(16);

/**
 * NIK `PPKKCC DDMMYY NNNN` has no check digit, so this is as far as it can be checked offline: digits, a region
 * that does not start with 00, a real birth date (women's day + 40; 29 Feb when YY % 4 === 0) and a sequence ≠ 0000.
 */
export function validateNik(nik: string): NikCheck {
  if (!NIK.test(nik) || nik.startsWith('00')) return { ok: false, code: 'nik_format' };
  const rawDay = Number(nik.slice(6, 8));
  const day = rawDay > 40 ? rawDay - 40 : rawDay;
  const month = Number(nik.slice(8, 10));
  const yy = Number(nik.slice(10, 12));
  const lastDay = month === 2 ? (yy % 4 === 0 ? 29 : 28) : daysInMonth(2001, month);
  if (month < 1 || month > 12 || day < 1 || day > lastDay) return { ok: false, code: 'nik_birth_date' };
  if (nik.endsWith('0000')) return { ok: false, code: 'nik_sequence' };
  return { ok: true };
}

/**
 * Accepts every NPWP form in use and returns the 16-digit one stored since 2024: the old 15 digits (Luhn check on
 * the 9th digit) become '0' + 15; '0' + 15 is a company; any other 16 digits is a resident's NIK.
 */
export function normaliseNpwp(input: string): NpwpCheck {
  const value = input.replace(/[.\- ]/g, '');
  if (!/^\d+$/.test(value) || (value.length !== 15 && value.length !== 16)) return { ok: false, code: 'npwp_format' };
  if (value.length === 16 && !value.startsWith('0')) {
    return validateNik(value).ok ? { ok: true, value } : { ok: false, code: 'npwp_nik' };
  }
  const oldForm = value.length === 15 ? value : value.slice(1);
  if (luhnCheckDigit(oldForm.slice(0, 8)) !== Number(oldForm[8])) return { ok: false, code: 'npwp_check_digit' };
  return { ok: true, value: `0${oldForm}` };
}

/** The digit that makes `payload` + digit pass the Luhn (mod 10) check. */
function luhnCheckDigit(payload: string): number {
  let sum = 0;
  for (let fromRight = 0; fromRight < payload.length; fromRight++) {
    const digit = Number(payload[payload.length - 1 - fromRight]);
    const weighted = fromRight % 2 === 0 ? digit * 2 : digit;
    sum += weighted > 9 ? weighted - 9 : weighted;
  }
  return (10 - (sum % 10)) % 10;
}

const isDigits = (length: number) => {
  const pattern = digits(length);
  return (value: string): boolean => pattern.test(value);
};

/** NIB (business licence number from OSS), 13 digits. */
export const isValidNib = isDigits(13);
/** Project number on the BPJS participation certificate, 13 digits. */
export const isValidBpjsProjectNumber = isDigits(13);
/** NPP, the company's BPJS registration number, 8 digits. */
export const isValidNpp = isDigits(8);
/** Payment code on the BPJS premium assessment, 12 digits. */
export const isValidBpjsPaymentCode = isDigits(12);
/** Number of the BPJS payment receipt, 15 digits. */
export const isValidBpjsReceiptNumber = isDigits(15);

/**
 * Indonesia as a whole, above the provinces: not a Kemendagri code (parseRegionCode refuses it), but a scope (a
 * ministry user's token lists it), a coverage figure (`GET /v1/coverage/regions/ID`, the provinces as children) and
 * the owner of the national default escalation ladder that every region without one of its own inherits.
 */
export const NATIONAL_REGION_CODE = 'ID';
export const NATIONAL_REGION_NAME = 'Indonesia';

const REGION_CODE = /^(\d{2})(?:\.(\d{2})(?:\.(\d{2})(?:\.([123]\d{3}))?)?)?$/;

/**
 * Reads a Kemendagri region code (`PP`, `PP.KK`, `PP.KK.CC`, `PP.KK.CC.XXXX`); `null` when it is not one.
 * Village codes start with 1 (kelurahan), 2 (desa) or 3 (desa adat); no segment above the village may be 00.
 */
export function parseRegionCode(code: string): RegionCode | null {
  const match = REGION_CODE.exec(code);
  if (!match) return null;
  const [, province, regency, district, village] = match;
  if ([province, regency, district].includes('00')) return null;
  if (village !== undefined) return { level: 'village', province, regency, district, village };
  if (district !== undefined) return { level: 'district', province, regency, district };
  if (regency !== undefined) return { level: 'regency', province, regency };
  return { level: 'province', province };
}

/** How deep a code goes (province … village); `null` when it is not a region code. */
export function regionLevel(code: string): RegionLevel | null {
  return parseRegionCode(code)?.level ?? null;
}

/** The code one level up ('73.07.05' → '73.07'); `null` for a province or an invalid code. */
export function parentRegionCode(code: string): string | null {
  const parsed = parseRegionCode(code);
  if (parsed === null || parsed.level === 'province') return null;
  return code.slice(0, code.lastIndexOf('.'));
}

/** Whether `code` is `region` or lies inside it, by whole segments (`73.07` holds `73.07.05`, not `73.070`); unchecked. */
export function isInRegion(code: string, region: string): boolean {
  return code === region || code.startsWith(`${region}.`);
}

/**
 * Whether a region falls inside a user's scope. Matching is by whole segments: '73.07' covers '73.07' and
 * '73.07.05' but not '73.070' or '73.7'; '73' covers the province.
 */
export function isWithinScope(code: string, scopePrefixes: readonly string[]): boolean {
  if (parseRegionCode(code) === null) return false;
  return scopePrefixes.some((prefix) => parseRegionCode(prefix) !== null && isInRegion(code, prefix));
}

/** A region and every region above it, coarsest first: `73.07.05.2001` → `73`, `73.07`, `73.07.05`, `73.07.05.2001`; `[]` for an invalid code. */
export function regionAncestry(code: string): string[] {
  if (parseRegionCode(code) === null) return [];
  const chain: string[] = [];
  for (let c: string | null = code; c !== null; c = parentRegionCode(c)) chain.unshift(c);
  return chain;
}

/**
 * The child of `parent` that `code` rolls up through (`73.07.05.2001` under `73.07` → `73.07.05`); `null` when
 * `code` is `parent` itself (a project registered at the regency level belongs to no district) or outside it.
 */
export function childRegionOf(code: string, parent: string): string | null {
  if (code === parent || !isInRegion(code, parent)) return null;
  const chain = regionAncestry(code);
  const at = chain.indexOf(parent);
  return at >= 0 && at + 1 < chain.length ? chain[at + 1] : null;
}

/** How long a code of each level is: `73`, `73.07`, `73.07.05`, `73.07.05.2001`. */
export const REGION_CODE_LENGTH: Readonly<Record<RegionLevel, number>> = { province: 2, regency: 5, district: 8, village: 13 };

/** How long the codes of a level's children are (a regency's districts: 8); `null` for a village, which has none. */
export function childCodeLength(level: RegionLevel): number | null {
  const below = REGION_LEVELS[REGION_LEVELS.indexOf(level) + 1];
  return below === undefined ? null : REGION_CODE_LENGTH[below];
}

const REGENCY_CODE_LENGTH = REGION_CODE_LENGTH.regency;

/** The regency (or city) a code lies in, `73.07.05.2001` → `73.07`; a regency or a province is its own. */
export const regencyOf = (code: string): string => (code.length > REGENCY_CODE_LENGTH ? code.slice(0, REGENCY_CODE_LENGTH) : code);

/** `regencyOf` in SQL, for a column of region codes. */
export const regencyOfSql = (column: string) =>
  `CASE WHEN length(${column}) > ${REGENCY_CODE_LENGTH} THEN left(${column}, ${REGENCY_CODE_LENGTH}) ELSE ${column} END`;

