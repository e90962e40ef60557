import { Logger } from '@nestjs/common';
import { Pool } from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';

/** Idle connections are closed after this long. */
const IDLE_TIMEOUT_MS = 30_000;

/** TypeORM, for migrations only: the running processes query through `openPool`'s pg pool. */
export function dataSourceOptions(url: string, poolSize = 20, applicationName = 'sinergi'): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'each',
    entities: [],
    applicationName,
    extra: { max: poolSize, idleTimeoutMillis: IDLE_TIMEOUT_MS },
  };
}

/** Applies pending migrations; returns the names applied. */
export async function runMigrations(url: string): Promise<string[]> {
  const ds = new DataSource(dataSourceOptions(url, 2, 'sinergi-migrate'));
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}

/** Boot waits this long for PostgreSQL (10 tries, 3 s apart) before it gives up. */
const CONNECT_ATTEMPTS = 10;
const CONNECT_RETRY_MS = 3000;

/**
 * The process's one pg pool, shared by the event store and every repository: opened once PostgreSQL answers (boot
 * retries while it does not yet), with error listeners so that a dropped connection, idle or checked out, is logged
 * rather than taking the process down.
 */
export async function openPool(url: string, poolSize = 20, applicationName = 'sinergi'): Promise<Pool> {
  const logger = new Logger('Database');
  const pool = new Pool({ connectionString: url, max: poolSize, idleTimeoutMillis: IDLE_TIMEOUT_MS, application_name: applicationName });
  pool.on('error', (error) => logger.warn(`PostgreSQL pool raised an error: ${error.message}`));
  // A connection PostgreSQL drops while it is checked out but between queries (a restart, a failover) emits 'error' on
  // its client, where the pool listens only while it is idle: without a listener of its own that takes the process
  // down. The query in flight, if any, still fails with the error; the next one on that client fails too.
  pool.on('connect', (client) => client.on('error', (error) => logger.warn(`PostgreSQL connection lost: ${error.message}`)));
  for (let attempt = 1; ; attempt += 1) {
    try {
      (await pool.connect()).release();
      return pool;
    } catch (error) {
      if (attempt >= CONNECT_ATTEMPTS) {
        await pool.end().catch(() => undefined);
        throw error;
      }
      logger.error(`Unable to connect to PostgreSQL (${(error as Error).message}); retrying (${attempt})...`);
      await new Promise((resolve) => setTimeout(resolve, CONNECT_RETRY_MS));
    }
  }
}
