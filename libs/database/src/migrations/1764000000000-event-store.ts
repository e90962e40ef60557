import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The system of record: an append-only, hash-chained event log (docs/architecture.md, §8). */
export class EventStore1764000000000 implements MigrationInterface {
  name = 'EventStore1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE events (
        global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
        stream_id       text NOT NULL,
        stream_version  integer NOT NULL CHECK (stream_version > 0),
        event_id        uuid NOT NULL,
        type            text NOT NULL,
        schema_version  integer NOT NULL DEFAULT 1,
        data            jsonb NOT NULL,
        metadata        jsonb NOT NULL,
        recorded_at     timestamptz NOT NULL,
        prev_hash       text NOT NULL,
        hash            text NOT NULL,
        CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version),
        CONSTRAINT events_event_id_key UNIQUE (event_id)
      )`);
    await q.query('CREATE INDEX events_commit_order_idx ON events (transaction_id, global_position)');
    await q.query('CREATE INDEX events_type_idx ON events (type, global_position)');
    await q.query(`
      CREATE FUNCTION events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the event log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
                   FOR EACH ROW EXECUTE FUNCTION events_refuse_change()`);
    await q.query(`CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
                   FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change()`);

    await q.query(`
      CREATE TABLE idempotency_keys (
        scope           text NOT NULL,
        key             text NOT NULL,
        request_hash    text NOT NULL,
        event_id        uuid NOT NULL,
        stream_id       text NOT NULL,
        stream_version  integer NOT NULL,
        global_position bigint NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT idempotency_keys_pkey PRIMARY KEY (scope, key)
      )`);

    await q.query(`
      CREATE TABLE personal_data (
        ref        text PRIMARY KEY,
        kind       text NOT NULL,
        data       jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        erased_at  timestamptz
      )`);

    await q.query(`
      CREATE TABLE consumer_checkpoints (
        consumer        text PRIMARY KEY,
        transaction_id  xid8 NOT NULL,
        global_position bigint NOT NULL,
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE consumer_checkpoints, personal_data, idempotency_keys');
    await q.query('DROP TABLE events');
    await q.query('DROP FUNCTION events_refuse_change()');
  }
}
