import type { Pool } from 'pg';
import type { EscalationQueues } from './modules/escalation/runtime/escalation-queues.provider';

/** A timer moved earlier: its row's new due time, and what happened to its delayed job. */
export interface ShortenedTimer {
  jobId: string;
  caseId: string;
  level: number;
  dueAt: Date;
  job: 'delay changed' | 'queued again' | 'left (already due or running)' | 'not changed (Redis refused)';
}

/**
 * `start:local --fast-ladder` for cases that were open before it: their ladder (pinned when each case opened) keeps
 * its long waits, so each pending timer is moved to fire `fastMs` after it was set, or after `since` (this start) if
 * it was set earlier. Run at start and then every few seconds, it shortens every wait those cases still climb; cases
 * opened under the fast ladder are already due within `fastMs` and are not touched. The timer's row (what the
 * reconciler re-queues from) and its delayed BullMQ job move together; the case's events keep the times the ladder
 * gave, which the case page and its notices show.
 */
export async function shortenPendingTimers(pool: Pool, queues: EscalationQueues, fastMs: number, since: Date, now: () => number = Date.now): Promise<ShortenedTimer[]> {
  const { rows } = await pool.query<{ job_id: string; case_id: string; level: number; due_at: Date }>(
    `UPDATE escalation_timers
        SET due_at = GREATEST(created_at, $1::timestamptz) + make_interval(secs => $2::double precision / 1000)
      WHERE fired_at IS NULL AND cancelled_at IS NULL
        AND due_at > GREATEST(created_at, $1::timestamptz) + make_interval(secs => $2::double precision / 1000)
      RETURNING job_id, case_id, level, due_at`,
    [since, fastMs],
  );
  const shortened: ShortenedTimer[] = [];
  for (const r of rows) {
    const timer = { jobId: r.job_id, caseId: r.case_id, level: r.level, dueAt: new Date(r.due_at) };
    const delay = Math.max(0, timer.dueAt.getTime() - now());
    try {
      const job = await queues.timers.getJob(timer.jobId);
      if (!job) {
        // Not queued (yet, or lost): queued now under its own id; the relay's own add, if it comes later, is then a no-op.
        await queues.scheduleTimers([timer], now());
        shortened.push({ ...timer, job: 'queued again' });
      } else if (await job.isDelayed()) {
        await job.changeDelay(delay);
        shortened.push({ ...timer, job: 'delay changed' });
      } else {
        shortened.push({ ...timer, job: 'left (already due or running)' });
      }
    } catch {
      // One job that moved on meanwhile (or Redis away) stops none of the others; its row says the new time all the same.
      shortened.push({ ...timer, job: 'not changed (Redis refused)' });
    }
  }
  return shortened;
}

/** How many cases are open now: what the banner tells about `--fast-ladder`. */
export async function openCaseCount(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM escalation_cases WHERE status = 'OPEN'`);
  return Number(rows[0].n);
}
