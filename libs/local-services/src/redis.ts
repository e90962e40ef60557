import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { freePort, isRedisReachable } from './probes';
import { keepTail, redact, terminate, type RunningService } from './running-service';

const INSTALL_COMMAND = 'apt-get install -y --no-install-recommends redis-server';
const START_TIMEOUT_MS = 10_000;

export interface EnsureRedisOptions {
  /** Redis to use when it answers PING. */
  url?: string;
  log?: (line: string) => void;
}

/** Uses `url` when a Redis answers PING there; otherwise spawns `redis-server` on a free 127.0.0.1 port without persistence. */
export async function ensureRedis(opts: EnsureRedisOptions): Promise<RunningService> {
  const log = opts.log ?? (() => undefined);
  if (opts.url && (await isRedisReachable(opts.url))) {
    log(`Using Redis at ${redact(opts.url)}.`);
    return { url: opts.url, embedded: false, stop: async () => undefined };
  }
  const unreachable = opts.url ? `Redis not reachable at ${redact(opts.url)}` : 'No Redis URL given';
  const binary = findRedisServer();
  if (!binary) {
    throw new Error(
      `${unreachable}, and no redis-server is installed to start one. ` +
        `Install it with \`${INSTALL_COMMAND}\` (as root), or point the Redis URL at a running Redis.`,
    );
  }
  const service = await spawnRedis(binary);
  log(`${unreachable}; started ${binary} on ${new URL(service.url).host} (no persistence).`);
  return service;
}

async function spawnRedis(binary: string): Promise<RunningService> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: string[] = [];
  const keep = keepTail(output);
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let failure: string | undefined;
  child.once('error', (error) => (failure = error.message));
  child.once('exit', (code, signal) => (failure ??= `redis-server exited (${signal ?? `code ${code}`})`));
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!failure && !(await isRedisReachable(url, 500))) {
    if (Date.now() > deadline) failure = `redis-server did not answer PING within ${START_TIMEOUT_MS / 1000} s`;
    else await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (failure) {
    await terminate(child);
    throw new Error(`Could not start ${binary} on port ${port}: ${failure}\n${output.join('').trim()}`);
  }
  return { url, embedded: true, stop: () => terminate(child) };
}

/** `redis-server` from PATH, else Debian's /usr/bin/redis-server, else `undefined`. */
function findRedisServer(): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  return [...dirs.map((dir) => join(dir, 'redis-server')), '/usr/bin/redis-server'].find(isExecutable);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
