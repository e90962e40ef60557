import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Money columns that hold sums (or amounts from outside) and so can pass bigint's 9.2 × 10^18. */
const MONEY_COLUMNS: Record<string, string[]> = {
  coverage_projects: ['contract_value', 'premium_due', 'premium_paid'],
  coverage_cells: ['contract_value_total', 'contract_value_covered', 'premium_due', 'premium_paid'],
  bpjs_branch_projects: ['premium_assessed', 'premium_paid'],
};

/**
 * - Money as `numeric`: a region's sums of contract values overflowed `bigint`, and the failing batch then blocked
 *   the coverage projection for every region. `numeric` holds any whole rupiah exactly (pg returns it as text).
 * - `parked_events`: an event a log consumer could not apply, even alone and after retries, is parked here with
 *   its error (codes and names only) so the consumer goes on; admins see them in `GET /v1/ops/parked-events`.
 */
export class NumericMoneyAndParkedEvents1764000000013 implements MigrationInterface {
  name = 'NumericMoneyAndParkedEvents1764000000013';

  async up(q: QueryRunner): Promise<void> {
    // Rebuild shadows are made from the live tables' shape when a rebuild starts; stale ones would keep bigint.
    await q.query('DROP TABLE IF EXISTS coverage_projects__rebuild, coverage_cells__rebuild, coverage_agencies__rebuild');
    for (const [table, columns] of Object.entries(MONEY_COLUMNS)) {
      const exists = await q.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [table]);
      if (!exists[0].present) continue;
      await q.query(`ALTER TABLE ${table} ${columns.map((c) => `ALTER COLUMN ${c} TYPE numeric`).join(', ')}`);
    }
    await q.query(`
      CREATE TABLE parked_events (
        consumer        text NOT NULL,
        global_position bigint NOT NULL,
        transaction_id  xid8 NOT NULL,
        event_id        uuid NOT NULL,
        stream_id       text NOT NULL,
        event_type      text NOT NULL,
        region_code     text COLLATE "C",
        attempts        integer NOT NULL,
        error_type      text NOT NULL,
        error_code      text,
        error_message   text NOT NULL,
        parked_at       timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT parked_events_pkey PRIMARY KEY (consumer, global_position)
      )`);
    await q.query('CREATE INDEX parked_events_at_idx ON parked_events (parked_at DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS parked_events');
    for (const [table, columns] of Object.entries(MONEY_COLUMNS)) {
      await q.query(`ALTER TABLE ${table} ${columns.map((c) => `ALTER COLUMN ${c} TYPE bigint`).join(', ')}`);
    }
  }
}
