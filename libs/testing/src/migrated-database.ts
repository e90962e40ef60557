import { runMigrations } from '@sinergi/database';
import { Pool } from 'pg';
import { createTestDatabase } from './test-database';

export interface MigratedTestDatabase {
  url: string;
  name: string;
  pool: Pool;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** A fresh database of its own for one test file, with every migration applied. */
export async function createMigratedDatabase(prefix: string): Promise<MigratedTestDatabase> {
  const db = await createTestDatabase(prefix);
  await runMigrations(db.url);
  const pool = new Pool({ connectionString: db.url, max: 10 });
  // Idle clients whose backends the final DROP ... WITH (FORCE) terminates report it here, harmlessly.
  pool.on('error', () => undefined);
  return {
    url: db.url,
    name: db.name,
    pool,
    drop: async () => {
      await pool.end();
      await db.drop();
    },
  };
}
