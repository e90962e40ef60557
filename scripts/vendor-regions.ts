/**
 * Regenerates the vendored region rows in libs/domain/src/regions/data/ from the CSV files of the npm
 * package idn-area-data (see SOURCE.md there). Only reads the package's unpacked `data/` folder; the app
 * never needs the package at run time.
 * Usage (from the repository root):
 *   npm pack idn-area-data@4.0.1 --pack-destination /tmp/idn && tar xzf /tmp/idn/idn-area-data-4.0.1.tgz -C /tmp/idn
 *   npm run build && node dist/scripts/vendor-regions.js --from /tmp/idn/package/data
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseRegionCode, type RegionLevel } from '@sinergi/domain';

const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    out: { type: 'string', default: 'libs/domain/src/regions/data' },
    /** Districts are vendored for this province only, villages for this regency only. */
    province: { type: 'string', default: '73' },
    regency: { type: 'string', default: '73.07' },
  },
});
if (!values.from) throw new Error('--from <unpacked idn-area-data>/data is required');

/** RFC 4180 rows (quoted fields, "" escapes, commas inside quotes), header row first. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') field += text[++i];
      else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') endField();
    else if (c === '\n') endRow();
    else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length > 0) endRow();
  return rows.filter((r) => r.length > 1 || r[0] !== '');
}

type Row = [code: string, name: string];

/** Reads one level's CSV, checks every code against the Kemendagri format and its parent column. */
function read(file: string, level: RegionLevel, parentColumn: string | null, keep: (code: string) => boolean): Row[] {
  const [header, ...rows] = parseCsv(readFileSync(join(values.from!, file), 'utf8'));
  const codeAt = header.indexOf('code');
  const nameAt = header.indexOf('name');
  const parentAt = parentColumn === null ? -1 : header.indexOf(parentColumn);
  if (codeAt < 0 || nameAt < 0 || (parentColumn !== null && parentAt < 0)) throw new Error(`${file}: unexpected header ${header.join(',')}`);
  const out: Row[] = [];
  for (const r of rows) {
    const code = r[codeAt].trim();
    const name = r[nameAt].replace(/\s+/g, ' ').trim();
    if (parseRegionCode(code)?.level !== level) throw new Error(`${file}: ${code} is not a ${level} code`);
    if (parentAt >= 0 && r[parentAt].trim() !== code.slice(0, code.lastIndexOf('.'))) throw new Error(`${file}: ${code} has parent ${r[parentAt]}`);
    if (name === '') throw new Error(`${file}: ${code} has no name`);
    if (keep(code)) out.push([code, name]);
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** One row per line: compact, yet a change to one region is a one-line diff. */
function write(file: string, rows: Row[]): void {
  writeFileSync(join(values.out!, file), `[\n${rows.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`);
  console.log(`${file}: ${rows.length} rows`);
}

const within = (prefix: string) => (code: string) => code.startsWith(`${prefix}.`);
write('provinces.json', read('provinces.csv', 'province', null, () => true));
write('regencies.json', read('regencies.csv', 'regency', 'province_code', () => true));
write(`districts-${values.province}.json`, read('districts.csv', 'district', 'regency_code', within(values.province!)));
write(`villages-${values.regency}.json`, read('villages.csv', 'village', 'district_code', within(values.regency!)));
