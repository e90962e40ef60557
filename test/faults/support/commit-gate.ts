import { waitFor } from '@sinergi/testing';
import { Client, type Pool } from 'pg';

/**
 * A gate on the commit of compliance events, the test holds the key: a trigger on `events` makes every transaction that
 * appends to a `compliance-*` stream wait for a PostgreSQL advisory lock the gate holds while closed. A worker blocked
 * there has asked BPJS and written its events, and has not committed them.
 */
export interface CommitGate {
  close(): Promise<void>;
  open(): Promise<void>;
  /** Resolves once a transaction waits at the closed gate. */
  waitForBlocked(timeoutMs?: number): Promise<void>;
  remove(): Promise<void>;
}

export async function installCommitGate(ownerUrl: string, pool: Pool, key = 4_207_301): Promise<CommitGate> {
  await pool.query(`
    CREATE OR REPLACE FUNCTION faults_commit_gate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_advisory_xact_lock_shared(${key});
      RETURN NULL;
    END $$`);
  await pool.query(`CREATE TRIGGER faults_commit_gate AFTER INSERT ON events FOR EACH ROW WHEN (NEW.stream_id LIKE 'compliance-%') EXECUTE FUNCTION faults_commit_gate()`);
  const holder = new Client({ connectionString: ownerUrl });
  holder.on('error', () => undefined);
  await holder.connect();
  return {
    close: async () => void (await holder.query('SELECT pg_advisory_lock($1)', [key])),
    open: async () => void (await holder.query('SELECT pg_advisory_unlock($1)', [key])),
    waitForBlocked: async (timeoutMs = 30_000) => {
      await waitFor(
        async () => (await pool.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted`, [key])).rows[0].n,
        (n) => n > 0,
        timeoutMs,
        50,
      );
    },
    remove: async () => {
      await holder.end();
      await pool.query('DROP TRIGGER IF EXISTS faults_commit_gate ON events');
    },
  };
}
