import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The stream heads each checkpoint signed (its Merkle leaves), kept beside it so a verification can name the
 * streams whose head no longer matches (a chain recomputed after an edit, a deleted last event) instead of only
 * reporting another root. Folded, a checkpoint's heads give its signed root, which proves them.
 *
 * Stored as deltas: a checkpoint stores the heads that differ from those of `heads_base_id` (the latest checkpoint
 * with heads before it), version 0 marking a stream that no longer has one; the first one stores them all. One
 * root, and no base shared by two checkpoints, keep them one chain in id order: a checkpoint's heads are the
 * newest row per stream at or below its id — one index range, however many checkpoints there are. Checkpoints
 * signed before this migration have no heads (`heads_stored` false). Append-only like the checkpoints.
 */
export class AuditCheckpointHeads1764000000014 implements MigrationInterface {
  name = 'AuditCheckpointHeads1764000000014';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_checkpoints
                     ADD COLUMN heads_stored boolean NOT NULL DEFAULT false,
                     ADD COLUMN heads_base_id bigint UNIQUE REFERENCES audit_checkpoints (id)`);
    await q.query('CREATE UNIQUE INDEX audit_checkpoints_heads_root_key ON audit_checkpoints (heads_stored) WHERE heads_stored AND heads_base_id IS NULL');
    await q.query(`
      CREATE TABLE audit_checkpoint_heads (
        checkpoint_id bigint NOT NULL REFERENCES audit_checkpoints (id),
        stream_id     text NOT NULL,
        version       integer NOT NULL CHECK (version >= 0),
        hash          text CHECK ((version = 0) = (hash IS NULL)),
        PRIMARY KEY (stream_id, checkpoint_id)
      )`);
    await q.query(`CREATE TRIGGER audit_checkpoint_heads_append_only BEFORE UPDATE OR DELETE ON audit_checkpoint_heads
                   FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_refuse_change()`);
    await q.query(`CREATE TRIGGER audit_checkpoint_heads_no_truncate BEFORE TRUNCATE ON audit_checkpoint_heads
                   FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoints_refuse_change()`);
    // Migration 0011's default privileges gave the application role every right on new tables; these are append-only.
    await q.query(`
      DO $$
      BEGIN
        IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'sinergi_app') THEN
          REVOKE UPDATE, DELETE, TRUNCATE ON audit_checkpoint_heads FROM sinergi_app;
        END IF;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_checkpoint_heads');
    await q.query('DROP INDEX audit_checkpoints_heads_root_key');
    await q.query('ALTER TABLE audit_checkpoints DROP COLUMN heads_base_id, DROP COLUMN heads_stored');
  }
}
