import { randomBytes } from 'node:crypto';
import { ensureAppLogin, runMigrations } from '@sinergi/database';
import { Client, Pool } from 'pg';
import { createTestDatabase, testPostgresUrl } from './test-database';

export interface MigratedTestDatabase {
  /** The owner's URL: migrations, and tests that set up or tamper with rows. */
  url: string;
  name: string;
  /** A pool on `url`. */
  pool: Pool;
  /**
   * The URL of a login of this database's own that is a member of sinergi_app (created on the first call), as
   * the API and the worker run in production: it cannot rewrite the log.
   */
  appLogin(): Promise<string>;
  /** Closes the pool, drops the database and its login. */
  drop(): Promise<void>;
}

/** A fresh database of its own for one test file, with every migration applied. */
export async function createMigratedDatabase(prefix: string): Promise<MigratedTestDatabase> {
  const db = await createTestDatabase(prefix);
  await runMigrations(db.url);
  const pool = new Pool({ connectionString: db.url, max: 10 });
  // Idle clients whose backends the final DROP ... WITH (FORCE) terminates report it here, harmlessly.
  pool.on('error', () => undefined);
  // Roles belong to the cluster, which other test files share: one per database, dropped with it.
  const login = { user: `${db.name}_app`.slice(0, 63), password: randomBytes(12).toString('hex') };
  let appUrl: Promise<string> | null = null;
  return {
    url: db.url,
    name: db.name,
    pool,
    appLogin: () => (appUrl ??= ensureAppLogin(db.url, login)),
    drop: async () => {
      await pool.end();
      await db.drop();
      if (appUrl) await dropRole(login.user);
    },
  };
}

async function dropRole(role: string): Promise<void> {
  const client = new Client({ connectionString: testPostgresUrl() });
  await client.connect();
  try {
    await client.query(`DROP ROLE IF EXISTS ${client.escapeIdentifier(role)}`);
  } finally {
    await client.end();
  }
}
