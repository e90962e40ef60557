import { normaliseNpwp } from '@sinergi/domain';
import type { Pool, QueryResultRow } from 'pg';
import { type EnrolmentQuery, RegistryUnavailableError } from './enrolment-registry.port';

/**
 * The row a table-backed registry holds for a contractor's contract: `sql` takes the normalised
 * NPWP as $1 and the contract number as $2. A database that cannot be read makes the registry
 * unavailable (the job retries), never "not registered".
 */
export async function lookupByContract<Row extends QueryResultRow>(pool: Pool, sql: string, query: EnrolmentQuery, what: string): Promise<Row | undefined> {
  const npwp = normaliseNpwp(query.npwp);
  try {
    const { rows } = await pool.query<Row>(sql, [npwp.ok ? npwp.value : query.npwp, query.contractNumber.trim()]);
    return rows[0];
  } catch (error) {
    throw new RegistryUnavailableError(`${what} could not be read`, error);
  }
}
