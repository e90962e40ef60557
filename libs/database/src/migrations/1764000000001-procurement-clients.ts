import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Machine clients of the ingest API (docs/api.md) and the region hierarchy they are scoped to. */
export class ProcurementClients1764000000001 implements MigrationInterface {
  name = 'ProcurementClients1764000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE procurement_clients (
        id                     text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
        name                   text NOT NULL,
        source_system          text NOT NULL,
        region_scopes          text[] NOT NULL CHECK (cardinality(region_scopes) > 0),
        secrets                jsonb NOT NULL,
        webhook_url            text,
        rate_limit_per_minute  integer CHECK (rate_limit_per_minute > 0),
        created_at             timestamptz NOT NULL DEFAULT now(),
        updated_at             timestamptz NOT NULL DEFAULT now(),
        disabled_at            timestamptz
      )`);
    await q.query(`
      CREATE TABLE regions (
        code        text PRIMARY KEY,
        name        text NOT NULL,
        level       text NOT NULL CHECK (level IN ('province', 'regency', 'district', 'village')),
        parent_code text REFERENCES regions (code)
      )`);
    await q.query('CREATE INDEX regions_parent_idx ON regions (parent_code)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE regions, procurement_clients');
  }
}
