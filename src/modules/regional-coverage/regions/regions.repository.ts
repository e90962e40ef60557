import { Inject, Injectable } from '@nestjs/common';
import { PG_POOL } from '@sinergi/database';
import { parseRegionCode, type RegionLevel } from '@sinergi/domain';
import type { Pool } from 'pg';

/** A row of the Kemendagri region hierarchy (docs/domain.md; loaded by migrations 0002 and 0008). */
export interface Region {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
}

const COLUMNS = 'code, name, level, parent_code AS "parentCode"';

/**
 * Reads the `regions` table. A code that is not a well-formed Kemendagri code is simply unknown: no query is
 * made for it. Only what is vendored is known (libs/domain/src/regions/data/SOURCE.md): every province and regency/city, and
 * below that South Sulawesi's districts and Sinjai's villages.
 */
@Injectable()
export class RegionsRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async find(code: string): Promise<Region | null> {
    if (parseRegionCode(code) === null) return null;
    const { rows } = await this.pool.query<Region>(`SELECT ${COLUMNS} FROM regions WHERE code = $1`, [code]);
    return rows[0] ?? null;
  }

  async isKnown(code: string): Promise<boolean> {
    if (parseRegionCode(code) === null) return false;
    const { rowCount } = await this.pool.query('SELECT 1 FROM regions WHERE code = $1', [code]);
    return rowCount === 1;
  }

  /** The regions one level down, by code; empty for a village, or a region unknown or without vendored children. */
  async children(code: string): Promise<Region[]> {
    if (parseRegionCode(code) === null) return [];
    const { rows } = await this.pool.query<Region>(`SELECT ${COLUMNS} FROM regions WHERE parent_code = $1 ORDER BY code`, [code]);
    return rows;
  }

  /** The regions above `code`, province first ('73.07.05' → 73, 73.07); empty for a province or an unknown code. */
  async ancestors(code: string): Promise<Region[]> {
    if (parseRegionCode(code) === null) return [];
    const { rows } = await this.pool.query<Region>(
      `WITH RECURSIVE up AS (
         SELECT parent_code, 0 AS depth FROM regions WHERE code = $1
         UNION ALL
         SELECT r.parent_code, up.depth + 1 FROM regions r JOIN up ON r.code = up.parent_code
       )
       SELECT r.code, r.name, r.level, r.parent_code AS "parentCode" FROM up JOIN regions r ON r.code = up.parent_code
       ORDER BY up.depth DESC`,
      [code],
    );
    return rows;
  }
}
