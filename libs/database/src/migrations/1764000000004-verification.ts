import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Verification bookkeeping in the system of record (docs/architecture.md, §5): every verification the relay
 * asked for, so the reconciler can re-queue what Redis lost, and the dead letters.
 */
export class Verification1764000000004 implements MigrationInterface {
  name = 'Verification1764000000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE verification_requests (
        job_id              text PRIMARY KEY,
        project_id          uuid NOT NULL,
        trigger_type        text NOT NULL,
        trigger_position    bigint,
        trigger_recorded_at timestamptz NOT NULL,
        created_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
        completed_at        timestamptz,
        outcome             text CHECK (outcome IN ('verdict', 'unchanged', 'failed', 'skipped'))
      )`);
    await q.query('CREATE INDEX verification_requests_pending_idx ON verification_requests (created_at) WHERE completed_at IS NULL');
    await q.query('CREATE INDEX verification_requests_project_idx ON verification_requests (project_id, created_at)');
    await q.query(`
      CREATE TABLE dead_letters (
        id          uuid PRIMARY KEY,
        queue       text NOT NULL,
        job_id      text NOT NULL,
        project_id  uuid NOT NULL,
        reason      text NOT NULL,
        attempts    integer NOT NULL,
        failed_at   timestamptz NOT NULL,
        retried_at  timestamptz,
        retry_job_id text
      )`);
    await q.query('CREATE INDEX dead_letters_open_idx ON dead_letters (failed_at) WHERE retried_at IS NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE dead_letters, verification_requests');
  }
}
