import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tamper evidence (docs/api.md): signed checkpoints of the log's head, append-only like the log itself, and the
 * verification runs too big for one request (a region or the whole log), which the worker carries out.
 */
export class AuditCheckpoints1764000000012 implements MigrationInterface {
  name = 'AuditCheckpoints1764000000012';

  async up(q: QueryRunner): Promise<void> {
    // `payload` is the exact RFC 8785 text that was signed; the other columns repeat it for queries.
    await q.query(`
      CREATE TABLE audit_checkpoints (
        id                       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        log_head_position        bigint NOT NULL,
        log_snapshot             text NOT NULL,
        stream_count             bigint NOT NULL,
        event_count              bigint NOT NULL,
        merkle_root              text NOT NULL,
        created_at               timestamptz NOT NULL,
        key_id                   text NOT NULL,
        public_key               text NOT NULL,
        payload                  text NOT NULL,
        signature                text NOT NULL
      )`);
    await q.query(`
      CREATE FUNCTION audit_checkpoints_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit checkpoints are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
                   FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_refuse_change()`);
    await q.query(`CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
                   FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoints_refuse_change()`);

    await q.query(`
      CREATE TABLE audit_verifications (
        id            uuid PRIMARY KEY,
        regions       text[] NOT NULL,
        requested_by  text NOT NULL,
        status        text NOT NULL DEFAULT 'QUEUED' CHECK (status IN ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED')),
        progress      jsonb NOT NULL DEFAULT '{}',
        result        jsonb,
        error         text,
        attempts      integer NOT NULL DEFAULT 0,
        created_at    timestamptz NOT NULL DEFAULT now(),
        started_at    timestamptz,
        finished_at   timestamptz,
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX audit_verifications_unfinished_idx ON audit_verifications (created_at) WHERE status IN ('QUEUED', 'RUNNING')`);
    // Migration 0011's default privileges gave the application role every right on new tables; checkpoints are append-only.
    await q.query(`
      DO $$
      BEGIN
        IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'sinergi_app') THEN
          REVOKE UPDATE, DELETE, TRUNCATE ON audit_checkpoints FROM sinergi_app;
        END IF;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_verifications');
    await q.query('DROP TABLE audit_checkpoints');
    await q.query('DROP FUNCTION audit_checkpoints_refuse_change()');
  }
}
