import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The least `audit_access_log` keeps, whatever the configuration says (docs/operations.md, Retention). */
export const AUDIT_ACCESS_LOG_MIN_DAYS = 365;

/**
 * Retention (docs/operations.md, Retention): the who-looked log stays append-only for the application, and rows past
 * their retention go only through `sinergi_purge_audit_access_log(before, max_rows)`, a function of the owner's that
 * the application may call: it deletes the oldest rows recorded before `before` (never within the last
 * AUDIT_ACCESS_LOG_MIN_DAYS days), with a transaction-local flag that the append-only trigger lets through for that
 * DELETE alone. UPDATE, TRUNCATE and any other DELETE are refused as before. The event log is never deleted.
 */
export class Retention1764000000021 implements MigrationInterface {
  name = 'Retention1764000000021';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_access_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND current_setting('sinergi.audit_access_log_purge', true) = 'on' THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION 'the audit access log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE FUNCTION sinergi_purge_audit_access_log(before timestamptz, max_rows integer) RETURNS bigint
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      DECLARE
        purged bigint;
      BEGIN
        IF before > now() - interval '${AUDIT_ACCESS_LOG_MIN_DAYS} days' THEN
          RAISE EXCEPTION 'audit_access_log keeps at least ${AUDIT_ACCESS_LOG_MIN_DAYS} days: % is too recent', before USING ERRCODE = 'invalid_parameter_value';
        END IF;
        PERFORM set_config('sinergi.audit_access_log_purge', 'on', true);
        DELETE FROM audit_access_log WHERE id IN (SELECT id FROM audit_access_log WHERE at < before ORDER BY at, id LIMIT max_rows);
        GET DIAGNOSTICS purged = ROW_COUNT;
        PERFORM set_config('sinergi.audit_access_log_purge', 'off', true);
        RETURN purged;
      END $$`);
    await q.query('REVOKE ALL ON FUNCTION sinergi_purge_audit_access_log(timestamptz, integer) FROM PUBLIC');
    await q.query(`
      DO $$
      BEGIN
        IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'sinergi_app') THEN
          GRANT EXECUTE ON FUNCTION sinergi_purge_audit_access_log(timestamptz, integer) TO sinergi_app;
        END IF;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION sinergi_purge_audit_access_log(timestamptz, integer)');
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_access_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit access log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
  }
}
