import { daysInMonth, type IsoDate, WITA_OFFSET_MS } from '@sinergi/domain';

/**
 * Reading one INAPROC row. The API still serves the ISB's legacy names (`kd_tender`, `kd_satker`, …) and v1 spells
 * some of them `kode_*`; codes come as strings or numbers; dates as `YYYY-MM-DD` or `YYYY-MM-DD HH:mm:ss`, in WITA
 * when they carry no offset. Every reader answers null for a field that is absent or empty.
 */
export type InaprocRow = Record<string, unknown>;

/** `kd_tender` is also read as `kode_tender`: every `kd_` name has its v1 twin. */
function spellings(name: string): string[] {
  return name.startsWith('kd_') ? [name, `kode_${name.slice(3)}`] : [name];
}

/** The first of `names` (in either spelling) that holds something. */
export function field(row: InaprocRow, ...names: string[]): { name: string; value: unknown } | null {
  for (const name of names) {
    for (const spelled of spellings(name)) {
      const value = row[spelled];
      if (value === undefined || value === null) continue;
      if (typeof value === 'string' && value.trim() === '') continue;
      return { name: spelled, value };
    }
  }
  return null;
}

/** A code or a number sent as one: `10080116000` and `"10080116000"` are the same code. */
export function code(row: InaprocRow, ...names: string[]): string | null {
  const found = field(row, ...names);
  if (!found) return null;
  if (typeof found.value === 'number') return Number.isSafeInteger(found.value) ? String(found.value) : null;
  if (typeof found.value === 'string') return found.value.trim();
  return null;
}

/** Free text, trimmed, inner whitespace collapsed; a number is taken as its digits. */
export function text(row: InaprocRow, ...names: string[]): string | null {
  const found = field(row, ...names);
  if (!found) return null;
  if (typeof found.value === 'number' && Number.isFinite(found.value)) return String(found.value);
  if (typeof found.value !== 'string') return null;
  return found.value.replace(/\s+/g, ' ').trim();
}

/** `true`, `1`, `"ya"`, `"true"`, `"y"`, `"t"` are yes; anything else present is no; absent is null. */
export function flag(row: InaprocRow, ...names: string[]): boolean | null {
  const found = field(row, ...names);
  if (!found) return null;
  const v = found.value;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  return typeof v === 'string' && ['true', 'ya', 'y', 't', '1', 'yes'].includes(v.trim().toLowerCase());
}

/** A whole number ≥ 0 (a count or version), from a number or a digit string; `undefined` when present but not one. */
export function wholeNumber(row: InaprocRow, ...names: string[]): number | null | undefined {
  const found = field(row, ...names);
  if (!found) return null;
  const v = found.value;
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  if (typeof v === 'string' && /^\s*\d{1,9}(?:\.0+)?\s*$/.test(v)) return Number.parseInt(v, 10);
  return undefined;
}

/**
 * Integer rupiah as a canonical digit string, from a number (`2500000000`, `2.5e9`) or a string (`"2500000000"`,
 * `"2500000000.00"`); `undefined` when present but not a whole positive amount (sen are not rounded away).
 */
export function rupiah(row: InaprocRow, ...names: string[]): string | null | undefined {
  const found = field(row, ...names);
  if (!found) return null;
  const v = found.value;
  let digits: string | null = null;
  if (typeof v === 'number') digits = Number.isSafeInteger(v) && v > 0 ? String(v) : null;
  else if (typeof v === 'string') {
    const m = /^\s*0*(\d{1,16})(?:\.0+)?\s*$/.exec(v);
    digits = m ? m[1] : null;
  }
  if (digits === null || /^0+$/.test(digits)) return undefined;
  return digits;
}

export interface InaprocDate {
  /** The calendar date in WITA. */
  date: IsoDate;
  /** The instant, written in WITA: `2025-04-21T08:00:00+08:00`; a bare date is the start of its day. */
  instant: string;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** A date or date-time as INAPROC writes it; null when it is not one (30 February included). */
export function parseInaprocDate(value: unknown): InaprocDate | null {
  if (typeof value !== 'string') return null;
  const m = DATE_TIME.exec(value.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return null;
  if (m[7] && m[4] === undefined) return null;
  const offsetMs = m[7] ? offsetOf(m[7]) : WITA_OFFSET_MS;
  if (offsetMs === null) return null;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMs;
  const wita = new Date(utc + WITA_OFFSET_MS).toISOString();
  return { date: wita.slice(0, 10), instant: `${wita.slice(0, 19)}+08:00` };
}

function offsetOf(text: string): number | null {
  if (text === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(text);
  if (!m) return null;
  const [hours, minutes] = [Number(m[2]), Number(m[3] ?? '0')];
  if (hours > 14 || minutes > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes) * 60_000;
}

/** A date field: `missing`, `invalid`, or the parsed date. */
export function dateField(row: InaprocRow, ...names: string[]): InaprocDate | 'missing' | 'invalid' {
  const found = field(row, ...names);
  if (!found) return 'missing';
  return parseInaprocDate(found.value) ?? 'invalid';
}

/** Every string inside a value (a location may come as text, a list, or objects of province / regency / detail). */
export function allText(value: unknown, depth = 0): string[] {
  if (typeof value === 'string') return [value];
  if (depth > 3 || value === null || typeof value !== 'object') return [];
  return (Array.isArray(value) ? value : Object.values(value)).flatMap((v) => allText(v, depth + 1));
}
