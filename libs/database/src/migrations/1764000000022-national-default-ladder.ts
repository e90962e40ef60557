import type { MigrationInterface, QueryRunner } from 'typeorm';
import { SEED_SINJAI_LADDER_LEVELS } from './1764000000006-escalation-directory';

/**
 * The national default escalation ladder: version 1 of region 'ID' (Indonesia as a whole, above every province). A
 * region without a ladder of its own or an ancestor's climbs this one (LadderRepository.effectiveLadder), so a case
 * anywhere in the country opens on a stored, versioned ladder. Same rungs as Sinjai's default (docs/operations.md,
 * "Escalation ladders"); admins change it with PUT /v1/admin/ladders/ID.
 */
export class NationalDefaultLadder1764000000022 implements MigrationInterface {
  name = 'NationalDefaultLadder1764000000022';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `INSERT INTO escalation_ladders (region_code, version, ladder, created_by) VALUES ('ID', 1, $1::jsonb, 'seed')
       ON CONFLICT (region_code, version) DO NOTHING`,
      [JSON.stringify({ levels: SEED_SINJAI_LADDER_LEVELS })],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM escalation_ladders WHERE region_code = 'ID' AND created_by = 'seed'`);
  }
}
