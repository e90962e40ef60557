import type { Pool } from 'pg';

/** A timer moved earlier: its row's new due time. */
export interface ShortenedTimer {
  jobId: string;
  caseId: string;
  level: number;
  dueAt: Date;
}

/**
 * `start:local --fast-ladder` for cases that were open before it: their ladder (pinned when each case opened) keeps
 * its long waits, so each pending timer is moved to fire `fastMs` after it was set, or after `since` (this start) if
 * it was set earlier. Run at start and then every few seconds, it shortens every wait those cases still climb; cases
 * opened under the fast ladder are already due within `fastMs` and are not touched. Timers fire from their rows
 * (escalation-timers.ts), so moving the row is all it takes; the case's events keep the times the ladder gave, which
 * the case page and its notices show.
 */
export async function shortenPendingTimers(pool: Pool, fastMs: number, since: Date): Promise<ShortenedTimer[]> {
  const { rows } = await pool.query<{ job_id: string; case_id: string; level: number; due_at: Date }>(
    `UPDATE escalation_timers
        SET due_at = GREATEST(created_at, $1::timestamptz) + make_interval(secs => $2::double precision / 1000)
      WHERE fired_at IS NULL AND cancelled_at IS NULL
        AND due_at > GREATEST(created_at, $1::timestamptz) + make_interval(secs => $2::double precision / 1000)
      RETURNING job_id, case_id, level, due_at`,
    [since, fastMs],
  );
  return rows.map((r) => ({ jobId: r.job_id, caseId: r.case_id, level: r.level, dueAt: new Date(r.due_at) }));
}

/** How many cases are open now: what the banner tells about `--fast-ladder`. */
export async function openCaseCount(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM escalation_cases WHERE status = 'OPEN'`);
  return Number(rows[0].n);
}
