import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Events that arrive before their project's registration (pull connectors and queues deliver out of order) are
 * held here — normalised, personal data already replaced by references — and applied in source order in the
 * registration's own transaction. One row per (client, source event id): the idempotency key holds across the
 * hold. A hold that sees no registration in time becomes a dead letter of kind HELD_EVENT_EXPIRED; dead letters
 * gain a kind and, for those whose project was never registered, the region of the client that sent them.
 */
export class HeldEvents1764000000015 implements MigrationInterface {
  name = 'HeldEvents1764000000015';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE held_events (
        client_id       text NOT NULL,
        event_id        text NOT NULL,
        project_id      uuid NOT NULL,
        project_ref     text NOT NULL,
        request_hash    text NOT NULL,
        event_type      text NOT NULL,
        occurred_at     timestamptz NOT NULL,
        occurred_at_text text NOT NULL,
        arrival         bigint GENERATED ALWAYS AS IDENTITY,
        fact            jsonb NOT NULL,
        client_scopes   text[] NOT NULL,
        correlation_id  text NOT NULL,
        held_at         timestamptz NOT NULL,
        CONSTRAINT held_events_pkey PRIMARY KEY (client_id, event_id)
      )`);
    await q.query('CREATE INDEX held_events_project_idx ON held_events (project_id, occurred_at, arrival)');
    await q.query('CREATE INDEX held_events_held_at_idx ON held_events (held_at)');
    await q.query(`ALTER TABLE dead_letters ADD COLUMN kind text NOT NULL DEFAULT 'VERIFICATION_FAILED',
                                            ADD COLUMN region_code text COLLATE "C"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE dead_letters DROP COLUMN kind, DROP COLUMN region_code');
    await q.query('DROP TABLE held_events');
  }
}
