import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the escalation workflow keeps beside the log (issue 4). Every table here is derived from events or is
 * transport bookkeeping that a reconciler can act on; the case streams stay the system of record.
 * - `escalation_projects`: the escalation relay's view of each project, in log order (region, agency, the client
 *   that posted it, the last verdict, the open case, a payment request waiting for its verdict).
 * - `escalation_cases`: the case read model for the officials' list (`GET /v1/cases`).
 * - `escalation_timers`: the due time of every ladder timer, so lost BullMQ delayed jobs can be re-created.
 * - `notifications`: one row per (level or hold, channel, recipient): at most one delivery each, ever.
 * - `inbox_items`: the in-app inbox.
 * - `officials.subject`: the JWT subject of the official's sign-in, tying a user to the directory entry.
 */
export class EscalationRuntime1764000000007 implements MigrationInterface {
  name = 'EscalationRuntime1764000000007';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE escalation_projects (
        project_id               uuid PRIMARY KEY,
        region_code              text NOT NULL,
        agency_code              text NOT NULL,
        source_client_id         text,
        compliance_status        text NOT NULL DEFAULT 'PENDING',
        reasons                  text[] NOT NULL DEFAULT '{}',
        open_case_id             uuid,
        cases_opened             integer NOT NULL DEFAULT 0,
        awaiting_verdict_termin  integer,
        cancelled                boolean NOT NULL DEFAULT false
      )`);
    await q.query(`
      CREATE TABLE escalation_cases (
        case_id             uuid PRIMARY KEY,
        project_id          uuid NOT NULL,
        region_code         text NOT NULL,
        agency_code         text NOT NULL,
        status              text NOT NULL CHECK (status IN ('OPEN', 'RESOLVED', 'CLOSED', 'WAIVED')),
        reasons             text[] NOT NULL,
        current_level       integer NOT NULL DEFAULT 0,
        next_escalation_at  timestamptz,
        ladder_region_code  text NOT NULL,
        ladder_version      integer NOT NULL,
        held_termins        integer[] NOT NULL DEFAULT '{}',
        acknowledged_level  integer,
        opened_at           timestamptz NOT NULL,
        ended_at            timestamptz,
        stream_version      integer NOT NULL,
        updated_at          timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX escalation_cases_region_idx ON escalation_cases (region_code text_pattern_ops, opened_at DESC, case_id)');
    await q.query('CREATE INDEX escalation_cases_status_idx ON escalation_cases (status, opened_at DESC, case_id)');
    await q.query('CREATE INDEX escalation_cases_project_idx ON escalation_cases (project_id)');
    await q.query(`
      CREATE TABLE escalation_timers (
        job_id        text PRIMARY KEY,
        case_id       uuid NOT NULL,
        level         integer NOT NULL CHECK (level >= 0),
        due_at        timestamptz NOT NULL,
        fired_at      timestamptz,
        cancelled_at  timestamptz,
        created_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX escalation_timers_pending_idx ON escalation_timers (due_at, job_id) WHERE fired_at IS NULL AND cancelled_at IS NULL');
    await q.query('CREATE INDEX escalation_timers_case_idx ON escalation_timers (case_id)');
    await q.query(`
      CREATE TABLE notifications (
        id               uuid PRIMARY KEY,
        kind             text NOT NULL CHECK (kind IN ('CASE_ESCALATED', 'PAYMENT_HOLD_RECOMMENDED', 'PAYMENT_HOLD_LIFTED')),
        channel          text NOT NULL CHECK (channel IN ('EMAIL', 'WEBHOOK', 'INBOX')),
        project_id       uuid NOT NULL,
        case_id          uuid NOT NULL,
        level            integer,
        region_code      text NOT NULL,
        agency_code      text NOT NULL,
        recipient_kind   text NOT NULL CHECK (recipient_kind IN ('OFFICIAL', 'CONTRACTOR', 'PPK', 'CLIENT')),
        recipient_id     text NOT NULL,
        position         text,
        cause_event_id   uuid NOT NULL,
        cause_position   bigint NOT NULL,
        status           text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
        attempts         integer NOT NULL DEFAULT 0,
        last_error_code  text,
        created_at       timestamptz NOT NULL DEFAULT now(),
        delivered_at     timestamptz,
        failed_at        timestamptz
      )`);
    await q.query(`CREATE INDEX notifications_pending_idx ON notifications (created_at, id) WHERE status = 'PENDING'`);
    await q.query('CREATE INDEX notifications_case_idx ON notifications (case_id, created_at)');
    await q.query(`
      CREATE TABLE inbox_items (
        id                     uuid PRIMARY KEY REFERENCES notifications (id),
        recipient_official_id  uuid,
        position               text NOT NULL,
        region_code            text NOT NULL,
        agency_code            text,
        case_id                uuid NOT NULL,
        project_id             uuid NOT NULL,
        subject                text NOT NULL,
        body                   text NOT NULL,
        created_at             timestamptz NOT NULL DEFAULT now(),
        read_at                timestamptz
      )`);
    await q.query('CREATE INDEX inbox_items_position_idx ON inbox_items (position, region_code text_pattern_ops, created_at DESC)');
    await q.query('CREATE INDEX inbox_items_official_idx ON inbox_items (recipient_official_id, created_at DESC)');
    await q.query('ALTER TABLE officials ADD COLUMN subject text UNIQUE');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE officials DROP COLUMN subject');
    await q.query('DROP TABLE inbox_items, notifications, escalation_timers, escalation_cases, escalation_projects');
  }
}
