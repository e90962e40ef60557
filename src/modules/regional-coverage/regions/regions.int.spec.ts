import { SINJAI_REGIONS } from '@sinergi/database';
import { RegionHierarchy1764000000008, VENDORED_REGIONS } from '@sinergi/database/migrations/1764000000008-region-hierarchy';
import { parentRegionCode, parseRegionCode, REGION_LEVELS } from '@sinergi/domain';
import { createMigratedDatabase, type MigratedTestDatabase } from '@sinergi/testing';
import type { QueryRunner } from 'typeorm';
import { RegionsRepository } from './regions.repository';

const SINJAI_DISTRICTS = [
  ['73.07.01', 'Sinjai Barat'],
  ['73.07.02', 'Sinjai Selatan'],
  ['73.07.03', 'Sinjai Timur'],
  ['73.07.04', 'Sinjai Tengah'],
  ['73.07.05', 'Sinjai Utara'],
  ['73.07.06', 'Bulupoddo'],
  ['73.07.07', 'Sinjai Borong'],
  ['73.07.08', 'Tellu Limpoe'],
  ['73.07.09', 'Pulau Sembilan'],
];

interface Row {
  code: string;
  name: string;
  level: string;
  parent_code: string | null;
}

describe('region hierarchy (migration 0008) and RegionsRepository', () => {
  let db: MigratedTestDatabase;
  let regions: RegionsRepository;
  const count = async (where: string, params: unknown[] = []) =>
    Number((await db.pool.query(`SELECT count(*) AS n FROM regions WHERE ${where}`, params)).rows[0].n);

  beforeAll(async () => {
    db = await createMigratedDatabase('regions');
    regions = new RegionsRepository(db.pool);
  });

  afterAll(async () => {
    await db.drop();
  });

  it('holds all 38 provinces and 514 regencies/cities of Indonesia', async () => {
    expect(await count(`level = 'province'`)).toBe(38);
    expect(await count(`level = 'regency'`)).toBe(514);
  });

  it('gives South Sulawesi its 24 regencies and cities', async () => {
    const children = await regions.children('73');
    expect(children).toHaveLength(24);
    expect(children.every((r) => r.level === 'regency' && r.parentCode === '73')).toBe(true);
    expect(children.filter((r) => r.name.startsWith('Kota ')).map((r) => r.code)).toEqual(['73.71', '73.72', '73.73']);
    expect(children).toContainEqual({ code: '73.71', name: 'Kota Makassar', level: 'regency', parentCode: '73' });
  });

  it('gives Sinjai exactly its nine districts, with their docs/domain.md names, in code order', async () => {
    const children = await regions.children('73.07');
    expect(children.map((r) => [r.code, r.name])).toEqual(SINJAI_DISTRICTS);
    expect(children.every((r) => r.level === 'district')).toBe(true);
  });

  it('gives Sinjai 80 villages in all, each rolling up to its district', async () => {
    expect(await count(`level = 'village' AND code LIKE '73.07.%'`)).toBe(80);
    let total = 0;
    for (const [district] of SINJAI_DISTRICTS) {
      const villages = await regions.children(district);
      expect(villages.length).toBeGreaterThan(0);
      for (const v of villages) {
        expect(v).toMatchObject({ level: 'village', parentCode: district });
        expect(v.code.startsWith(`${district}.`)).toBe(true);
      }
      total += villages.length;
    }
    expect(total).toBe(80);
  });

  it('holds every South Sulawesi district of the source, at least one under each regency', async () => {
    const source = VENDORED_REGIONS.find((l) => l.level === 'district')!.rows;
    expect(await count(`level = 'district' AND code LIKE '73.%'`)).toBe(source.length);
    expect(source.length).toBe(313);
    const { rows } = await db.pool.query(
      `SELECT r.code FROM regions r WHERE r.parent_code = '73' AND NOT EXISTS (SELECT 1 FROM regions d WHERE d.parent_code = r.code)`,
    );
    expect(rows).toEqual([]);
  });

  it('keeps every code well-formed and at its level, under an existing parent one level up', async () => {
    const { rows } = await db.pool.query<Row & { parent_level: string | null }>(
      `SELECT r.code, r.name, r.level, r.parent_code, p.level AS parent_level FROM regions r LEFT JOIN regions p ON p.code = r.parent_code`,
    );
    expect(rows.length).toBe(38 + 514 + 313 + 80);
    const bad = rows.filter((r) => {
      const level = parseRegionCode(r.code)?.level;
      const parentLevel = level === 'province' ? null : REGION_LEVELS[REGION_LEVELS.indexOf(level!) - 1];
      return level !== r.level || r.parent_code !== parentRegionCode(r.code) || r.parent_level !== parentLevel || r.name.trim() !== r.name || r.name === '';
    });
    expect(bad).toEqual([]);
  });

  it("agrees with migration 0002's Sinjai rows", async () => {
    const { rows } = await db.pool.query<Row>('SELECT code, name, level, parent_code FROM regions WHERE code = ANY($1) ORDER BY code', [
      SINJAI_REGIONS.map((r) => r.code),
    ]);
    expect(rows).toEqual(SINJAI_REGIONS.map((r) => ({ code: r.code, name: r.name, level: r.level, parent_code: r.parent })));
  });

  it('finds a region, its ancestors province first, and whether a code is known', async () => {
    expect(await regions.find('73.07.05')).toEqual({ code: '73.07.05', name: 'Sinjai Utara', level: 'district', parentCode: '73.07' });
    expect(await regions.find('73.07.10')).toBeNull();
    expect(await regions.find('not-a-region')).toBeNull();
    const village = (await regions.children('73.07.05'))[0];
    expect((await regions.ancestors(village.code)).map((r) => [r.code, r.name])).toEqual([
      ['73', 'Sulawesi Selatan'],
      ['73.07', 'Kabupaten Sinjai'],
      ['73.07.05', 'Sinjai Utara'],
    ]);
    expect(await regions.ancestors('73')).toEqual([]);
    expect(await regions.ancestors('73.07.99')).toEqual([]);
    expect(await regions.children(village.code)).toEqual([]);
    expect(await regions.isKnown('31.71')).toBe(true);
    expect(await regions.isKnown('73.07.09')).toBe(true);
    expect(await regions.isKnown('73.07.10')).toBe(false);
    expect(await regions.isKnown('73.7')).toBe(false);
    // Districts are vendored for South Sulawesi only.
    expect(await regions.isKnown('31.71.01')).toBe(false);
  });

  it('rolls back to 0002 rows only, and loads again idempotently', async () => {
    const migration = new RegionHierarchy1764000000008();
    const runner = { query: (sql: string, params?: unknown[]) => db.pool.query(sql, params) } as unknown as QueryRunner;
    await migration.down(runner);
    expect(await count('TRUE')).toBe(SINJAI_REGIONS.length);
    await migration.up(runner);
    await migration.up(runner);
    expect(await count('TRUE')).toBe(38 + 514 + 313 + 80);
  });
});
