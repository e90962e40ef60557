import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The application's role: every table's rows, but the event log and the audit access log only by INSERT (docs/api.md). */
export const APP_ROLE = 'sinergi_app';
/** A read-only role for auditors who query the database directly; it never sees `personal_data`. */
export const AUDITOR_READ_ONLY_ROLE = 'sinergi_auditor_ro';

/** Tables that are append-only for the application: no UPDATE, DELETE or TRUNCATE, by grant and by trigger. */
const APPEND_ONLY = ['events', 'audit_access_log'];

/**
 * The auditors' API (issue 6) beside the log:
 * - `events_region_commit_idx`: region-scoped reads in commit order (search pages, exports). Region codes compare in
 *   the "C" collation, so a region and everything below it is one index range: `[code, code || '/')`.
 * - `events_project_ref_idx`: finds a project's registration by the source's project reference (search filter).
 * - `events_recorded_at_idx`: time-bounded reads (`from`, `to`).
 * - `audit_access_log`: who looked — every audit read, export and personal-data reveal, append-only.
 * - Least privilege: the NOLOGIN roles `sinergi_app` (SELECT and INSERT on the event log, no UPDATE, DELETE or
 *   TRUNCATE) and `sinergi_auditor_ro` (SELECT on everything but personal data). Logins are granted membership by the
 *   operator (docs/operations.md). Roles belong to the cluster, so creating them tolerates another database having done it first;
 *   `down` revokes this database's grants and leaves the roles.
 */
export class Audit1764000000011 implements MigrationInterface {
  name = 'Audit1764000000011';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX events_region_commit_idx ON events (((metadata->>'regionCode') COLLATE "C"), transaction_id, global_position)`);
    await q.query(`CREATE INDEX events_project_ref_idx ON events ((data->>'projectRef')) WHERE type = 'ProjectRegistered'`);
    await q.query('CREATE INDEX events_recorded_at_idx ON events (recorded_at, global_position)');

    await q.query(`
      CREATE TABLE audit_access_log (
        id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        access_id      uuid NOT NULL,
        at             timestamptz NOT NULL,
        actor_sub      text NOT NULL,
        actor_name     text,
        roles          text[] NOT NULL,
        regions        text[] NOT NULL,
        permissions    text[] NOT NULL DEFAULT '{}',
        action         text NOT NULL CHECK (action IN ('history', 'search', 'export', 'verify', 'checkpoints', 'pii')),
        outcome        text NOT NULL CHECK (outcome IN ('ok', 'not_found', 'started', 'completed', 'aborted')),
        filters        jsonb NOT NULL DEFAULT '{}',
        result_count   bigint,
        digest         text,
        personal_refs  text[],
        correlation_id text
      )`);
    await q.query('CREATE INDEX audit_access_log_at_idx ON audit_access_log (at, id)');
    await q.query('CREATE INDEX audit_access_log_actor_idx ON audit_access_log (actor_sub, at)');
    await q.query('CREATE INDEX audit_access_log_refs_idx ON audit_access_log USING gin (personal_refs) WHERE personal_refs IS NOT NULL');
    await q.query(`
      CREATE FUNCTION audit_access_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit access log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER audit_access_log_append_only BEFORE UPDATE OR DELETE ON audit_access_log
                   FOR EACH ROW EXECUTE FUNCTION audit_access_log_refuse_change()`);
    await q.query(`CREATE TRIGGER audit_access_log_no_truncate BEFORE TRUNCATE ON audit_access_log
                   FOR EACH STATEMENT EXECUTE FUNCTION audit_access_log_refuse_change()`);

    for (const role of [APP_ROLE, AUDITOR_READ_ONLY_ROLE]) {
      // Two databases migrating at once may both find the role missing: the loser's duplicate is harmless.
      await q.query(`
        DO $$
        BEGIN
          IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${role}') THEN
            CREATE ROLE ${role} NOLOGIN;
          END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END $$`);
    }
    await q.query(`GRANT USAGE ON SCHEMA public TO ${APP_ROLE}, ${AUDITOR_READ_ONLY_ROLE}`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${APP_ROLE}`);
    await q.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${APP_ROLE}`);
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON ${APPEND_ONLY.join(', ')} FROM ${APP_ROLE}`);
    // The migrations table is the migrating owner's business, never the running application's.
    if (await this.tableExists(q, 'migrations')) await q.query(`REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON migrations FROM ${APP_ROLE}`);
    // Tables later migrations create (run by this same owner) come with the same rights; append-only ones revoke theirs.
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${APP_ROLE}`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${APP_ROLE}`);

    await q.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${AUDITOR_READ_ONLY_ROLE}`);
    await q.query(`REVOKE SELECT ON personal_data FROM ${AUDITOR_READ_ONLY_ROLE}`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO ${AUDITOR_READ_ONLY_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const role of [APP_ROLE, AUDITOR_READ_ONLY_ROLE]) {
      if (!(await this.roleExists(q, role))) continue;
      await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM ${role}`);
      await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM ${role}`);
      await q.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${role}`);
      await q.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${role}`);
      await q.query(`REVOKE USAGE ON SCHEMA public FROM ${role}`);
    }
    await q.query('DROP TABLE audit_access_log');
    await q.query('DROP FUNCTION audit_access_log_refuse_change()');
    await q.query('DROP INDEX events_recorded_at_idx, events_project_ref_idx, events_region_commit_idx');
  }

  private async tableExists(q: QueryRunner, table: string): Promise<boolean> {
    const rows: { found: boolean }[] = await q.query('SELECT to_regclass($1) IS NOT NULL AS found', [`public.${table}`]);
    return rows[0].found;
  }

  private async roleExists(q: QueryRunner, role: string): Promise<boolean> {
    const rows: unknown[] = await q.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    return rows.length > 0;
  }
}
