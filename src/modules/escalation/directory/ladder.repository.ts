import { Inject, Injectable } from '@nestjs/common';
import { invalid } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import { NATIONAL_REGION_CODE, regionAncestry } from '@sinergi/domain';
import type { Pool } from 'pg';
import { type EscalationLadder, type EscalationLevel, isLadderRegion, validateLadder } from '../ladder/escalation-ladder';

/** A stored version of a region's ladder. */
export interface StoredLadder extends EscalationLadder {
  createdAt: string;
  createdBy: string | null;
}

/** How many times a new version is retried when another writer took the same number at once. */
const VERSION_RACE_RETRIES = 5;

/**
 * Ladders per region (docs/api.md). Every change is a new version; old versions are kept so that a case keeps the
 * ladder it started with. A region without a ladder of its own uses its nearest ancestor's, and in the end the national
 * default (region 'ID').
 */
@Injectable()
export class LadderRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /**
   * Stores `levels` as the region's next version (latest + 1); never overwrites. Throws a 400 problem with the
   * field errors of `validateLadder` when the ladder is not valid.
   */
  async saveNewVersion(regionCode: string, levels: unknown, createdBy: string | null): Promise<StoredLadder> {
    for (let attempt = 0; ; attempt++) {
      const { rows } = await this.pool.query(`SELECT COALESCE(MAX(version), 0) + 1 AS next FROM escalation_ladders WHERE region_code = $1`, [regionCode]);
      const version = Number(rows[0].next);
      const check = validateLadder({ regionCode, version, levels });
      if (!check.ok) throw invalid('invalid_ladder', 'the ladder is not valid', check.errors);
      try {
        const inserted = await this.pool.query(
          `INSERT INTO escalation_ladders (region_code, version, ladder, created_by) VALUES ($1, $2, $3::jsonb, $4)
           RETURNING region_code, version, ladder, created_at, created_by`,
          [regionCode, version, JSON.stringify({ levels: check.ladder.levels }), createdBy],
        );
        return toStored(inserted.rows[0]);
      } catch (error) {
        if ((error as { code?: string }).code === '23505' && attempt < VERSION_RACE_RETRIES) continue;
        throw error;
      }
    }
  }

  /** The region's own latest version, or null when it has none (no inheritance). */
  async latest(regionCode: string): Promise<StoredLadder | null> {
    const { rows } = await this.pool.query(
      `SELECT region_code, version, ladder, created_at, created_by FROM escalation_ladders WHERE region_code = $1 ORDER BY version DESC LIMIT 1`,
      [regionCode],
    );
    return rows.length ? toStored(rows[0]) : null;
  }

  /** One version of a region's own ladder: what a case started with. */
  async version(regionCode: string, version: number): Promise<StoredLadder | null> {
    const { rows } = await this.pool.query(
      `SELECT region_code, version, ladder, created_at, created_by FROM escalation_ladders WHERE region_code = $1 AND version = $2`,
      [regionCode, version],
    );
    return rows.length ? toStored(rows[0]) : null;
  }

  /** Every version of the region's own ladder, oldest first. */
  async versions(regionCode: string): Promise<StoredLadder[]> {
    const { rows } = await this.pool.query(
      `SELECT region_code, version, ladder, created_at, created_by FROM escalation_ladders WHERE region_code = $1 ORDER BY version`,
      [regionCode],
    );
    return rows.map(toStored);
  }

  /**
   * The ladder that applies to `regionCode`: the latest version of the region's own ladder, else of its nearest
   * ancestor's (a district 73.07.05 uses 73.07's), else the national default's ('ID', above every province).
   * `regionCode` of the result is the region that owns it (pin a case to that region and version). Null when none of
   * them has one (the national row was removed), or the code is invalid.
   */
  async effectiveLadder(regionCode: string): Promise<StoredLadder | null> {
    if (!isLadderRegion(regionCode)) return null;
    const chain = regionCode === NATIONAL_REGION_CODE ? [NATIONAL_REGION_CODE] : [NATIONAL_REGION_CODE, ...regionAncestry(regionCode)];
    const { rows } = await this.pool.query(
      `SELECT region_code, version, ladder, created_at, created_by FROM escalation_ladders
        WHERE region_code = ANY($1::text[])
        ORDER BY array_position($1::text[], region_code) DESC, version DESC LIMIT 1`,
      [chain],
    );
    return rows.length ? toStored(rows[0]) : null;
  }
}

function toStored(row: { region_code: string; version: number; ladder: { levels: EscalationLevel[] }; created_at: Date; created_by: string | null }): StoredLadder {
  return {
    regionCode: row.region_code,
    version: row.version,
    levels: row.ladder.levels,
    createdAt: new Date(row.created_at).toISOString(),
    createdBy: row.created_by,
  };
}
