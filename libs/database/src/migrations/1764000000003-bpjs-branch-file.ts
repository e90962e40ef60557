import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Registered projects from the periodic file of the BPJS branch office (docs/domain.md), one row per
 * (NPWP, contract number); a re-import replaces the row and says which file it came from.
 */
export class BpjsBranchFile1764000000003 implements MigrationInterface {
  name = 'BpjsBranchFile1764000000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE bpjs_branch_projects (
        npwp               text,
        contract_number    text,
        project_number     text NOT NULL,
        npp                text NOT NULL,
        status             text NOT NULL CHECK (status IN ('ACTIVE', 'REGISTERED_UNPAID', 'ENDED')),
        covered_from       date,
        covered_to         date,
        premium_assessed   bigint,
        premium_paid       bigint NOT NULL,
        workers_registered int,
        imported_at        timestamptz NOT NULL DEFAULT now(),
        source_file        text NOT NULL,
        PRIMARY KEY (npwp, contract_number)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE bpjs_branch_projects');
  }
}
