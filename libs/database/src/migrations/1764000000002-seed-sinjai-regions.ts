import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * South Sulawesi, Kabupaten Sinjai and its nine districts (kode wilayah Kemendagri,
 * Kepmendagri 300.2.2-2138/2025; docs/domain.md). The full hierarchy is loaded by a later migration.
 */
export const SINJAI_REGIONS: ReadonlyArray<{ code: string; name: string; level: string; parent: string | null }> = [
  { code: '73', name: 'Sulawesi Selatan', level: 'province', parent: null },
  { code: '73.07', name: 'Kabupaten Sinjai', level: 'regency', parent: '73' },
  { code: '73.07.01', name: 'Sinjai Barat', level: 'district', parent: '73.07' },
  { code: '73.07.02', name: 'Sinjai Selatan', level: 'district', parent: '73.07' },
  { code: '73.07.03', name: 'Sinjai Timur', level: 'district', parent: '73.07' },
  { code: '73.07.04', name: 'Sinjai Tengah', level: 'district', parent: '73.07' },
  { code: '73.07.05', name: 'Sinjai Utara', level: 'district', parent: '73.07' },
  { code: '73.07.06', name: 'Bulupoddo', level: 'district', parent: '73.07' },
  { code: '73.07.07', name: 'Sinjai Borong', level: 'district', parent: '73.07' },
  { code: '73.07.08', name: 'Tellu Limpoe', level: 'district', parent: '73.07' },
  { code: '73.07.09', name: 'Pulau Sembilan', level: 'district', parent: '73.07' },
];

export class SeedSinjaiRegions1764000000002 implements MigrationInterface {
  name = 'SeedSinjaiRegions1764000000002';

  async up(q: QueryRunner): Promise<void> {
    for (const r of SINJAI_REGIONS) {
      await q.query(
        `INSERT INTO regions (code, name, level, parent_code) VALUES ($1, $2, $3, $4)
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, level = EXCLUDED.level, parent_code = EXCLUDED.parent_code`,
        [r.code, r.name, r.level, r.parent],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM regions WHERE code = '73' OR code LIKE '73.07%'`);
  }
}
