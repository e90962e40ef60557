/**
 * Regenerates libs/domain/src/regions/data/district-boundaries-<regency>.json, the district (kecamatan) outlines
 * the coverage page draws as a map, from one SQL file of the MIT-licensed repository cahyadsn/wilayah_boundaries
 * (see BOUNDARIES.md there). Only reads that file; the app never needs the repository at run time.
 * Usage (from the repository root, with the repository checked out at the commit BOUNDARIES.md names):
 *   npx tsc -p tsconfig.build.json && node dist/scripts/vendor-district-boundaries.js --from <checkout>/db/kec/wilayah_boundaries_kec_73.sql
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseRegionCode } from '@sinergi/domain';

const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    out: { type: 'string', default: 'libs/domain/src/regions/data' },
    regency: { type: 'string', default: '73.07' },
    /** Decimal places kept (5 ≈ 1 m, far finer than the source's own simplification). */
    digits: { type: 'string', default: '5' },
  },
});
if (!values.from) throw new Error('--from <checkout>/db/kec/wilayah_boundaries_kec_<province>.sql is required');
const digits = Number(values.digits);

type Ring = [lng: number, lat: number][];

/** The source writes `[lat, lng]` pairs, as a polygon (rings) or a multipolygon (polygons of rings). */
function polygonsOf(path: string, code: string): Ring[][] {
  const parsed: unknown = JSON.parse(path);
  const depth = (v: unknown): number => (Array.isArray(v) ? 1 + depth(v[0]) : 0);
  const d = depth(parsed);
  if (d !== 3 && d !== 4) throw new Error(`${code}: a path of depth ${d} is neither a polygon nor a multipolygon`);
  const polygons = (d === 3 ? [parsed] : parsed) as [number, number][][][];
  const round = (n: number) => Number(n.toFixed(digits));
  return polygons.map((rings) =>
    rings.map((ring) => {
      const out = ring.map(([lat, lng]) => {
        if (!(Math.abs(lat) <= 90 && Math.abs(lng) <= 180)) throw new Error(`${code}: ${lat},${lng} is not a coordinate`);
        return [round(lng), round(lat)] as [number, number];
      });
      // Consecutive points that rounding made equal are dropped; a ring stays closed.
      return out.filter((p, i) => i === 0 || p[0] !== out[i - 1][0] || p[1] !== out[i - 1][1]);
    }),
  );
}

const sql = readFileSync(values.from, 'utf8');
const rows: { code: string; name: string; polygons: Ring[][] }[] = [];
for (const m of sql.matchAll(/\('(\d{2}\.\d{2}\.\d{2})','([^']*)',(-?[\d.]+),(-?[\d.]+),'([^']*)'\)/g)) {
  const [, code, name, , , path] = m;
  if (!code.startsWith(`${values.regency}.`)) continue;
  if (parseRegionCode(code)?.level !== 'district') throw new Error(`${code} is not a district code`);
  rows.push({ code, name: name.replace(/\s+/g, ' ').trim(), polygons: polygonsOf(path, code) });
}
if (rows.length === 0) throw new Error(`no district of ${values.regency} in ${values.from}`);
rows.sort((a, b) => (a.code < b.code ? -1 : 1));
const file = `district-boundaries-${values.regency}.json`;
// One district per line: a change to one outline is a one-line diff.
writeFileSync(join(values.out!, file), `[\n${rows.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`);
console.log(`${file}: ${rows.length} districts, ${rows.reduce((n, r) => n + r.polygons.flat().reduce((k, ring) => k + ring.length, 0), 0)} points`);
