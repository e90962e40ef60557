import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { acknowledgedEventsCheck } from './checks/acknowledged-events.check';
import { activeProjectsCheck } from './checks/active-projects.check';
import { hashChainsCheck } from './checks/hash-chains.check';
import { ladderLevelsCheck } from './checks/ladder-levels.check';
import { notificationsCheck } from './checks/notifications.check';
import { personalDataCheck } from './checks/personal-data.check';
import { projectionsCheck } from './checks/projections.check';
import type { InvariantCheck, InvariantCheckResult, InvariantContext, InvariantReport } from './invariant';
import type { JobStore } from './job-payloads';

export type { InvariantCheckResult, InvariantReport } from './invariant';

/** Every invariant, in the order they are checked and reported. */
export const INVARIANTS: readonly InvariantCheck[] = [
  acknowledgedEventsCheck,
  activeProjectsCheck,
  ladderLevelsCheck,
  notificationsCheck,
  projectionsCheck,
  hashChainsCheck,
  personalDataCheck,
];

export const INVARIANT_NAMES: readonly string[] = INVARIANTS.map((i) => i.name);

export interface InvariantOptions {
  /** Check only these (names from INVARIANT_NAMES); all by default. */
  only?: readonly string[];
  /** Examples listed per check at most. @defaultValue 5 */
  examples?: number;
  /** How long past its due time a ladder level may still be waiting (timers in flight). @defaultValue 120000 */
  dueGraceMs?: number;
  /** The time the ladder check measures "due" against. @defaultValue now */
  now?: Date;
  /** Fail the hash-chain check when no checkpoint has been signed yet. @defaultValue false */
  requireCheckpoint?: boolean;
  /** A single Redis and QUEUE_PREFIX: the personal-data check searches the BullMQ job payloads there too. */
  jobs?: JobStore;
}

/**
 * Checks the system's invariants against its database (docs/operations.md, Invariants) and reports each with its
 * number of violations and a few example ids. Reads only, except the projection check's shadow tables, which it
 * drops again: run it as the database owner (as `cli projections:check`). A check that cannot run is reported as
 * not ok with the reason in `detail`. Given a TypeORM DataSource, its pg pool is used.
 */
export async function checkInvariants(dataSource: DataSource | Pool, options: InvariantOptions = {}): Promise<InvariantReport> {
  const unknown = (options.only ?? []).filter((n) => !INVARIANT_NAMES.includes(n));
  if (unknown.length) throw new RangeError(`unknown invariant(s) ${unknown.join(', ')}; known: ${INVARIANT_NAMES.join(', ')}`);
  const context: InvariantContext = {
    pool: poolOf(dataSource),
    examples: options.examples ?? 5,
    now: options.now ?? new Date(),
    dueGraceMs: options.dueGraceMs ?? 120_000,
    requireCheckpoint: options.requireCheckpoint ?? false,
    jobs: options.jobs,
  };
  const checks: InvariantCheckResult[] = [];
  for (const invariant of INVARIANTS) {
    if (options.only && !options.only.includes(invariant.name)) continue;
    try {
      checks.push({ name: invariant.name, ...(await invariant.run(context)) });
    } catch (error) {
      checks.push({ name: invariant.name, ok: false, violations: 0, examples: [], detail: `could not be checked: ${(error as Error).message}` });
    }
  }
  return { ok: checks.every((c) => c.ok), checks };
}

function poolOf(source: DataSource | Pool): Pool {
  if ('driver' in source) {
    const master = (source.driver as unknown as { master?: Pool }).master;
    if (!master) throw new Error('the DataSource is not initialized (or is not PostgreSQL)');
    return master;
  }
  return source;
}

/** The report as the CLI prints it: one line per invariant, its examples beneath, and a verdict. */
export function formatInvariantReport(report: InvariantReport): string[] {
  const lines: string[] = [];
  for (const c of report.checks) {
    lines.push(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.violations} violation(s)${c.detail ? ` — ${c.detail}` : ''}`);
    for (const e of c.examples) lines.push(`       e.g. ${e}`);
  }
  const failed = report.checks.filter((c) => !c.ok);
  lines.push(
    report.ok
      ? `VERDICT: OK — ${report.checks.length} invariant(s) hold`
      : `VERDICT: FAILED — ${failed.length} of ${report.checks.length} invariant(s) violated: ${failed.map((c) => c.name).join(', ')}`,
  );
  return lines;
}
