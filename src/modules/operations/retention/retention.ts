import type { SinergiConfig } from '@sinergi/common';
import { inTransaction } from '@sinergi/database/in-transaction';
import { projectIdOfStreamSql } from '../../project-intake/construction-project.events';
import type { Pool } from 'pg';

export type RetentionPolicy = SinergiConfig['retention'];

/** Rows deleted per table in one pass. */
export interface RetentionReport {
  verificationRequests: number;
  notifications: number;
  inboxItems: number;
  auditAccessLog: number;
  deadLetters: number;
}

const DAY_MS = 86_400_000;
/** Rows per statement: a first pass over years of rows goes in many short transactions, not one long one. */
const BATCH = 5000;

/** When each project was completed or cancelled (the first such event in its stream). */
const CLOSED_PROJECTS = `SELECT ${projectIdOfStreamSql('stream_id')} AS project_id, min(recorded_at) AS closed_at
                           FROM events WHERE type IN ('ProjectCompleted', 'ProjectCancelled') GROUP BY stream_id`;

/**
 * Deletes what an audit no longer needs (docs/operations.md, Retention), oldest first, in batches:
 * - finished verification requests of projects completed or cancelled more than `verificationRequestsDays` ago (a
 *   pending request, or any request of a project still open, stays);
 * - notifications no longer pending, with their inbox items, of cases that ended more than `notificationsDays` ago
 *   (and payment-request notices, which belong to no case, that old); a notice of an open case stays, and so does
 *   one a pending fallback still points at;
 * - `audit_access_log` rows older than `auditAccessLogDays`, through the owner's purge function (never the last 365
 *   days);
 * - dead letters resolved (retried, or their project closed) more than `deadLettersDays` ago; open ones stay.
 * What happened stays in the event log, which is never deleted: verification outcomes, case levels and every
 * delivery (`NotificationDelivered` …) are events. A period of 0 keeps those rows for ever.
 */
export async function applyRetention(pool: Pool, policy: RetentionPolicy, now: Date): Promise<RetentionReport> {
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const report: RetentionReport = { verificationRequests: 0, notifications: 0, inboxItems: 0, auditAccessLog: 0, deadLetters: 0 };

  if (policy.verificationRequestsDays > 0) {
    report.verificationRequests = await untilDone(async () => {
      const { rowCount } = await pool.query(
        `DELETE FROM verification_requests WHERE job_id IN (
           SELECT v.job_id FROM verification_requests v JOIN (${CLOSED_PROJECTS}) c ON c.project_id = v.project_id
            WHERE v.completed_at IS NOT NULL AND c.closed_at < $1 LIMIT $2)`,
        [before(policy.verificationRequestsDays), BATCH],
      );
      return rowCount ?? 0;
    });
  }

  if (policy.notificationsDays > 0) {
    const cutoff = before(policy.notificationsDays);
    report.notifications = await untilDone(() =>
      inTransaction(pool, async (tx) => {
        const { rows } = await tx.query<{ id: string }>(
          `SELECT n.id FROM notifications n LEFT JOIN escalation_cases c ON c.case_id = n.case_id
            WHERE n.status <> 'PENDING'
              AND (CASE WHEN n.case_id IS NULL THEN n.created_at < $1 ELSE c.status <> 'OPEN' AND c.ended_at < $1 END)
              AND NOT EXISTS (SELECT 1 FROM notifications f WHERE f.fallback_of = n.id AND f.status = 'PENDING')
            ORDER BY n.created_at LIMIT $2 FOR UPDATE OF n SKIP LOCKED`,
          [cutoff, BATCH],
        );
        if (rows.length === 0) return 0;
        const ids = rows.map((r) => r.id);
        const inbox = await tx.query(`DELETE FROM inbox_items WHERE id = ANY($1::uuid[])`, [ids]);
        report.inboxItems += inbox.rowCount ?? 0;
        // Fallbacks first (they point at the notice they stand in for), then the rest, in one statement each.
        const fallbacks = await tx.query(`DELETE FROM notifications WHERE id = ANY($1::uuid[]) AND fallback_of IS NOT NULL`, [ids]);
        // A notice whose finished fallback was not in this batch keeps it company until the next one.
        const rest = await tx.query(
          `DELETE FROM notifications n WHERE n.id = ANY($1::uuid[]) AND NOT EXISTS (SELECT 1 FROM notifications f WHERE f.fallback_of = n.id)`,
          [ids],
        );
        return (fallbacks.rowCount ?? 0) + (rest.rowCount ?? 0);
      }),
    );
  }

  if (policy.auditAccessLogDays > 0) {
    report.auditAccessLog = await untilDone(async () => {
      const { rows } = await pool.query<{ purged: string }>(`SELECT sinergi_purge_audit_access_log($1, $2) AS purged`, [before(policy.auditAccessLogDays), BATCH]);
      return Number(rows[0].purged);
    });
  }

  if (policy.deadLettersDays > 0) {
    const { rowCount } = await pool.query(
      `DELETE FROM dead_letters WHERE id IN (
         SELECT d.id FROM dead_letters d LEFT JOIN (${CLOSED_PROJECTS}) c ON c.project_id = d.project_id WHERE COALESCE(d.retried_at, c.closed_at) < $1)`,
      [before(policy.deadLettersDays)],
    );
    report.deadLetters = rowCount ?? 0;
  }
  return report;
}

/** Runs a batch until one deletes less than a batch; returns the total. */
async function untilDone(batch: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await batch();
    total += n;
    if (n < BATCH) return total;
  }
}
