import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Enrolment evidence a contractor handed in (docs/domain.md's three documents) and what an official made of it: the
 * read side of the evidence registry, kept in step with the compliance stream in the same transaction. Looked up,
 * like the other registries, by (NPWP, contract number).
 */
export class EnrolmentEvidence1764000000005 implements MigrationInterface {
  name = 'EnrolmentEvidence1764000000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE enrolment_evidence (
        evidence_id     uuid PRIMARY KEY,
        project_id      uuid NOT NULL,
        npwp            text NOT NULL,
        contract_number text NOT NULL,
        project_number  text NOT NULL,
        npp             text NOT NULL,
        status          text NOT NULL CHECK (status IN ('SUBMITTED', 'CONFIRMED', 'REJECTED')),
        covered_from    date NOT NULL,
        covered_to      date NOT NULL,
        premium_paid    bigint NOT NULL,
        confirmed_at    timestamptz
      )`);
    await q.query('CREATE INDEX enrolment_evidence_contract_idx ON enrolment_evidence (npwp, contract_number)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE enrolment_evidence');
  }
}
