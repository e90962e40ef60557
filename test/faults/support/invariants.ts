import type { Pool } from 'pg';

export interface InvariantViolation {
  name: string;
  examples: unknown[];
}

/**
 * The facts every fault scenario ends on, read from PostgreSQL (the system of record):
 * - every accepted procurement event is in the log once (one transaction per source event id);
 * - every idempotency record points at an event of the log;
 * - every registered project has a verdict (or a recorded failure, or a skip) or a verification still pending;
 * - no verification job took effect twice (its compliance events in one transaction);
 * - no notification planned twice, no ladder level reached twice.
 */
export async function coreInvariantViolations(pool: Pool): Promise<InvariantViolation[]> {
  const checks: Record<string, string> = {
    'source events recorded once': `
      SELECT metadata->>'sourceEventId' AS source_event_id, count(DISTINCT transaction_id)::int AS transactions
        FROM events WHERE metadata ? 'sourceEventId'
       GROUP BY 1 HAVING count(DISTINCT transaction_id) > 1`,
    'idempotency records point into the log': `
      SELECT k.scope, k.key FROM idempotency_keys k LEFT JOIN events e ON e.event_id = k.event_id WHERE e.event_id IS NULL`,
    'every project has a verdict or a pending verification': `
      SELECT p.stream_id FROM events p
       WHERE p.type = 'ProjectRegistered'
         AND NOT EXISTS (SELECT 1 FROM events c WHERE c.stream_id = 'compliance-' || substr(p.stream_id, 9)
                          AND c.type IN ('ComplianceStatusChanged', 'VerificationFailed'))
         AND NOT EXISTS (SELECT 1 FROM verification_requests r WHERE r.project_id::text = substr(p.stream_id, 9)
                          AND (r.completed_at IS NULL OR r.outcome = 'skipped'))`,
    'one effect per verification job': `
      SELECT stream_id, metadata->>'correlationId' AS job, count(DISTINCT transaction_id)::int AS transactions
        FROM events WHERE stream_id LIKE 'compliance-%' AND metadata->'actor'->>'id' = 'verification'
       GROUP BY 1, 2 HAVING count(DISTINCT transaction_id) > 1`,
    'notifications planned once': `
      SELECT case_id, level, kind, channel, recipient_kind, recipient_id, count(*)::int AS n
        FROM notifications GROUP BY 1, 2, 3, 4, 5, 6, cause_event_id HAVING count(*) > 1`,
    'each ladder level reached once': `
      SELECT stream_id, data->>'level' AS level, count(*)::int AS n FROM events
       WHERE type = 'EscalationLevelReached' GROUP BY 1, 2 HAVING count(*) > 1`,
  };
  const violations: InvariantViolation[] = [];
  for (const [name, sql] of Object.entries(checks)) {
    const { rows } = await pool.query(sql);
    if (rows.length) violations.push({ name, examples: rows.slice(0, 5) });
  }
  return violations;
}

/** Fails with every violation named when one of the invariants does not hold. */
export async function expectInvariants(pool: Pool): Promise<void> {
  const violations = await coreInvariantViolations(pool);
  if (violations.length) throw new Error(`invariants violated:\n${JSON.stringify(violations, null, 2)}`);
}
