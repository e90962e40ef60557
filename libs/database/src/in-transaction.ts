import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` in a transaction on one client of `pool`: committed when it returns, rolled back when it throws.
 * `begin` names the isolation level when READ COMMITTED is not enough (e.g. `BEGIN ISOLATION LEVEL REPEATABLE READ`).
 */
export async function inTransaction<T>(pool: Pool, work: (tx: PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const tx = await pool.connect();
  try {
    await tx.query(begin);
    const result = await work(tx);
    await tx.query('COMMIT');
    return result;
  } catch (error) {
    await tx.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    tx.release();
  }
}
