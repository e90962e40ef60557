import type { Pool } from 'pg';
import type { JobStore } from './job-payloads';

/** One invariant's outcome. `examples` name rows by ids only (stream, case, notification ids), never personal data. */
export interface InvariantCheckResult {
  name: string;
  ok: boolean;
  violations: number;
  examples: string[];
  detail?: string;
}

export interface InvariantReport {
  ok: boolean;
  checks: InvariantCheckResult[];
}

/** What every check is given. */
export interface InvariantContext {
  pool: Pool;
  /** Examples listed per check at most. */
  examples: number;
  now: Date;
  /** How long a ladder level may be past due before it counts as missed (the worker's lag). */
  dueGraceMs: number;
  /** A whole-log check with no signed checkpoint fails instead of checking the chains alone. */
  requireCheckpoint: boolean;
  /** BullMQ's Redis, whose job payloads the personal-data check searches too; absent: the database alone. */
  jobs?: JobStore;
}

export interface InvariantCheck {
  name: string;
  /** One sentence: what holds when the check passes (the CLI's --help and docs/operations.md list them). */
  description: string;
  run(context: InvariantContext): Promise<Omit<InvariantCheckResult, 'name'>>;
}

/** A result from the violations found, each already described by an example line. */
export function resultOf(violations: number, examples: string[], context: InvariantContext, detail?: string): Omit<InvariantCheckResult, 'name'> {
  return { ok: violations === 0, violations, examples: examples.slice(0, context.examples), ...(detail ? { detail } : {}) };
}

/** `(transaction_id, global_position)` of `alias` is at or below the consumer's checkpoint: that consumer has applied it. */
export const appliedBySql = (alias: string, consumer: string) =>
  `EXISTS (SELECT 1 FROM consumer_checkpoints cp__ WHERE cp__.consumer = '${consumer}'
             AND (${alias}.transaction_id, ${alias}.global_position) <= (cp__.transaction_id, cp__.global_position))`;
