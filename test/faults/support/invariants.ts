import type { Pool } from 'pg';
import { checkInvariants } from '../../../src/modules/operations/invariants/invariants';

export interface InvariantViolation {
  name: string;
  examples: unknown[];
}

/**
 * What the fault scenarios check beyond the invariant checker (src/modules/operations/invariants), from PostgreSQL:
 * - every source event took effect in one transaction (held events applied later included);
 * - no verification job took effect twice (its compliance events in one transaction).
 */
export async function extraInvariantViolations(pool: Pool): Promise<InvariantViolation[]> {
  const checks: Record<string, string> = {
    'source events recorded once': `
      SELECT metadata->>'sourceEventId' AS source_event_id, count(DISTINCT transaction_id)::int AS transactions
        FROM events WHERE metadata ? 'sourceEventId'
       GROUP BY 1 HAVING count(DISTINCT transaction_id) > 1`,
    'one effect per verification job': `
      SELECT stream_id, metadata->>'correlationId' AS job, count(DISTINCT transaction_id)::int AS transactions
        FROM events WHERE stream_id LIKE 'compliance-%' AND metadata->'actor'->>'id' = 'verification'
       GROUP BY 1, 2 HAVING count(DISTINCT transaction_id) > 1`,
  };
  const violations: InvariantViolation[] = [];
  for (const [name, sql] of Object.entries(checks)) {
    const { rows } = await pool.query(sql);
    if (rows.length) violations.push({ name, examples: rows.slice(0, 5) });
  }
  return violations;
}

/**
 * Every scenario ends here: the invariant checker (every invariant, BullMQ's job payloads of the system's prefix
 * included) and the extra checks above. Fails naming every violation. `now`: the time the system's processes read
 * (what "due" means for the ladder check), when their clock is not this process's.
 */
export async function expectInvariants(system: { db: { pool: Pool }; redisUrl: string; prefix: string }, options: { now?: Date } = {}): Promise<void> {
  const report = await checkInvariants(system.db.pool, { jobs: { url: system.redisUrl, prefix: system.prefix }, now: options.now });
  const failed = [...report.checks.filter((c) => !c.ok), ...(await extraInvariantViolations(system.db.pool))];
  if (failed.length) throw new Error(`invariants violated:\n${JSON.stringify(failed, null, 2)}`);
}
