/**
 * CSV for people who open an answer in a spreadsheet (RFC 4180, CRLF line ends), safe against formula injection:
 * a text cell that a spreadsheet would read as a formula (it starts with = + - @, a tab or a carriage return) is
 * prefixed with a single quote, so `=HYPERLINK(...)` in a project name stays text. Numbers are written as numerals
 * and never prefixed (a number cannot be a formula); `null` and `undefined` are empty cells.
 */
export type CsvValue = string | number | bigint | boolean | null | undefined;

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: neutralised when it could start a formula, quoted when it holds a comma, quote or line break. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One line, with its CRLF. */
export const csvLine = (values: readonly CsvValue[]): string => `${values.map(csvCell).join(',')}\r\n`;

/** A whole document: the header row, then one line per row. */
export function toCsv(header: readonly string[], rows: Iterable<readonly CsvValue[]>): string {
  let out = csvLine(header);
  for (const row of rows) out += csvLine(row);
  return out;
}

/**
 * Whether the client asked for CSV: `?format=csv`, or an Accept header whose preferred type is `text/csv`
 * (by q-value; ties go to JSON, and an absent or wildcard Accept means JSON).
 */
export function wantsCsv(accept: string | string[] | undefined, format?: string): boolean {
  if (format !== undefined) return format === 'csv';
  const header = Array.isArray(accept) ? accept.join(',') : accept;
  if (!header) return false;
  let csv = 0;
  let json = 0;
  for (const part of header.split(',')) {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!Number.isFinite(q)) continue;
    const media = type.trim();
    if (media === 'text/csv') csv = Math.max(csv, q);
    else if (media === 'application/json' || media === 'application/*' || media === '*/*') json = Math.max(json, q);
  }
  return csv > 0 && csv > json;
}
