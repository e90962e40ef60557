import { waitFor } from '@sinergi/testing';
import { Queue } from 'bullmq';
import type { Pool } from 'pg';
import { VERIFICATION_QUEUE } from '../../../src/modules/verification/verification.queue';

/** `FAULTS_SCOPE=short` (npm run test:faults:short, CI) runs the representative subset; the rest is marked long. */
export const SHORT = process.env.FAULTS_SCOPE === 'short';
export const describeLong = SHORT ? describe.skip : describe;
export const itLong = SHORT ? it.skip : it;

/** Verdicts (ComplianceStatusChanged) per project id, for the projects given. */
export async function verdictsOf(pool: Pool, projectIds: string[]): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ id: string; n: number }>(
    `SELECT substr(stream_id, 12) AS id, count(*)::int AS n FROM events WHERE stream_id = ANY($1::text[]) AND type = 'ComplianceStatusChanged' GROUP BY stream_id`,
    [projectIds.map((id) => `compliance-${id}`)],
  );
  return new Map(rows.map((r) => [r.id, r.n]));
}

/** Waits until every project has at least one verdict; returns the counts. */
export async function waitForVerdicts(pool: Pool, projectIds: string[], timeoutMs = 60_000): Promise<Map<string, number>> {
  return waitFor(() => verdictsOf(pool, projectIds), (v) => projectIds.every((id) => (v.get(id) ?? 0) > 0), timeoutMs, 100);
}

/** The event types of one stream, in order. */
export async function streamTypes(pool: Pool, streamId: string): Promise<string[]> {
  const { rows } = await pool.query<{ type: string }>(`SELECT type FROM events WHERE stream_id = $1 ORDER BY stream_version`, [streamId]);
  return rows.map((r) => r.type);
}

/** The verification queue of a system (its Redis and prefix), for reading job states. */
export async function withVerificationQueue<T>(redisUrl: string, prefix: string, run: (queue: Queue) => Promise<T>): Promise<T> {
  const url = new URL(redisUrl);
  const queue = new Queue(VERIFICATION_QUEUE, { connection: { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: 1 }, prefix });
  try {
    return await run(queue);
  } finally {
    await queue.close();
  }
}

/** Resolves once `n` milliseconds have passed (a wait for a lock or a timer of the system to expire, not a sync point). */
export const elapse = (n: number) => new Promise((resolve) => setTimeout(resolve, n));
