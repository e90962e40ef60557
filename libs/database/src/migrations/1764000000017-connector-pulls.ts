import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pull connectors (INAPROC first): where each (endpoint, fiscal year) stopped, what each run did, and the rows that
 * could not become events. A reject row holds the source's identifiers and reason codes only, never a name, NIK,
 * NPWP or amount; it is region-scoped like dead letters, and resolved when the same row is later accepted.
 */
export class ConnectorPulls1764000000017 implements MigrationInterface {
  name = 'ConnectorPulls1764000000017';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE connector_cursors (
        connector        text NOT NULL,
        endpoint         text NOT NULL,
        fiscal_year      integer NOT NULL,
        cursor           text,
        last_success_at  timestamptz,
        updated_at       timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT connector_cursors_pkey PRIMARY KEY (connector, endpoint, fiscal_year)
      )`);
    await q.query(`
      CREATE TABLE connector_runs (
        id            uuid PRIMARY KEY,
        connector     text NOT NULL,
        trigger       text NOT NULL CHECK (trigger IN ('schedule', 'cli')),
        fiscal_years  integer[] NOT NULL,
        status        text NOT NULL CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED')),
        started_at    timestamptz NOT NULL,
        finished_at   timestamptz,
        report        jsonb
      )`);
    await q.query('CREATE INDEX connector_runs_started_idx ON connector_runs (connector, started_at DESC)');
    await q.query(`
      CREATE TABLE connector_rejects (
        id             uuid PRIMARY KEY,
        connector      text NOT NULL,
        endpoint       text NOT NULL,
        row_key        text NOT NULL,
        fiscal_year    integer NOT NULL,
        source_ref     text,
        event_id       text,
        kind           text NOT NULL CHECK (kind IN ('UNMAPPABLE', 'REFUSED')),
        reason         text NOT NULL,
        status         integer,
        errors         jsonb NOT NULL DEFAULT '[]',
        region_code    text COLLATE "C" NOT NULL,
        times_seen     integer NOT NULL DEFAULT 1,
        first_seen_at  timestamptz NOT NULL,
        last_seen_at   timestamptz NOT NULL,
        last_run_id    uuid NOT NULL,
        resolved_at    timestamptz,
        CONSTRAINT connector_rejects_row_key UNIQUE (connector, endpoint, row_key)
      )`);
    await q.query('CREATE INDEX connector_rejects_open_idx ON connector_rejects (last_seen_at DESC, id) WHERE resolved_at IS NULL');
    await q.query('CREATE INDEX connector_rejects_event_idx ON connector_rejects (connector, event_id) WHERE resolved_at IS NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE connector_rejects');
    await q.query('DROP TABLE connector_runs');
    await q.query('DROP TABLE connector_cursors');
  }
}
