import type { MigrationInterface, QueryRunner } from 'typeorm';
import { VENDORED_REGIONS } from '@sinergi/domain';
import { SINJAI_REGIONS } from './1764000000002-seed-sinjai-regions';

/** The vendored region hierarchy (libs/domain/src/regions/data/SOURCE.md), loaded parents first. */
export { VENDORED_REGIONS };

const parentOf = (code: string): string | null => (code.includes('.') ? code.slice(0, code.lastIndexOf('.')) : null);

/**
 * Loads the vendored hierarchy into `regions`, one multi-row statement per level. Rows already there (0002's
 * Sinjai seed) are updated to the vendored name, level and parent, which are the same.
 */
export class RegionHierarchy1764000000008 implements MigrationInterface {
  name = 'RegionHierarchy1764000000008';

  async up(q: QueryRunner): Promise<void> {
    for (const { level, rows } of VENDORED_REGIONS) {
      await q.query(
        `INSERT INTO regions (code, name, level, parent_code)
         SELECT code, name, $4, parent_code FROM unnest($1::text[], $2::text[], $3::text[]) AS r (code, name, parent_code)
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, level = EXCLUDED.level, parent_code = EXCLUDED.parent_code`,
        [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => parentOf(r[0])), level],
      );
    }
  }

  /** Removes what this migration added (one statement: the foreign key is checked at its end); 0002's rows stay. */
  async down(q: QueryRunner): Promise<void> {
    const seeded = new Set(SINJAI_REGIONS.map((r) => r.code));
    const added = VENDORED_REGIONS.flatMap(({ rows }) => rows.map((r) => r[0])).filter((code) => !seeded.has(code));
    await q.query('DELETE FROM regions WHERE code = ANY($1::text[])', [added]);
  }
}
