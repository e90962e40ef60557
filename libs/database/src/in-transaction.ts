import type { ClientBase, Pool, PoolClient } from 'pg';

/**
 * Runs `work` in a transaction: committed when it returns, rolled back when it throws. Given a pool, on one of its
 * clients (released afterwards); given a client (a dedicated connection, e.g. the offline verifier's), on that one.
 * `begin` names the isolation level when READ COMMITTED is not enough (e.g. `BEGIN ISOLATION LEVEL REPEATABLE READ`).
 */
export async function inTransaction<T>(pool: Pool, work: (tx: PoolClient) => Promise<T>, begin?: string): Promise<T>;
export async function inTransaction<T>(db: Pool | ClientBase, work: (tx: ClientBase) => Promise<T>, begin?: string): Promise<T>;
export async function inTransaction<T>(db: Pool | ClientBase, work: (tx: PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const pooled = isPool(db);
  const tx = (pooled ? await db.connect() : db) as PoolClient;
  try {
    await tx.query(begin);
    const result = await work(tx);
    await tx.query('COMMIT');
    return result;
  } catch (error) {
    await tx.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    if (pooled) tx.release();
  }
}

/** A pg Pool (which hands out clients) rather than one client. */
const isPool = (db: Pool | ClientBase): db is Pool => 'totalCount' in db;
