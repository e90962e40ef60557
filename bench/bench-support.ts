import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { ensurePostgres, ensureRedis, type RunningService } from '@sinergi/local-services';

/**
 * A fresh database for one benchmark run on the machine's PostgreSQL (or an embedded one), dropped at the end.
 * With `keepAs`, the database of that name is created if missing (or reused as it is) and kept at the end.
 */
export async function benchDatabase(label: string, options: { keepAs?: string } = {}): Promise<{ url: string; services: RunningService[]; drop(): Promise<void> }> {
  const server = await ensurePostgres({
    url: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    dataDir: '/tmp/sinergi-bench-pg',
    database: 'postgres',
    log: (l) => console.error(`# ${l}`),
  });
  const redis = await ensureRedis({ url: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379', log: (l) => console.error(`# ${l}`) });
  const name = options.keepAs ?? `sinergi_bench_${label}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: server.url });
  await admin.connect();
  const exists = options.keepAs ? (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount : 0;
  if (!exists) await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    services: [server, redis],
    drop: async () => {
      if (options.keepAs) console.error(`# kept database ${name}`);
      else {
        const c = new Client({ connectionString: server.url });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      }
      for (const s of [redis, server]) await s.stop();
    },
  };
}

/** Latency percentiles (ms) from a list of samples. */
export function percentiles(samples: number[]): { p50: number; p95: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: round(at(0.5)), p95: round(at(0.95)), p99: round(at(0.99)) };
}

/** A small seeded generator (mulberry32), so a benchmark's data is the same on every run. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)] };
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Tracks a child process's peak resident memory (VmHWM) from /proc. */
export function peakRssMiB(child: ChildProcess): number {
  try {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return round(kb / 1024);
  } catch {
    return 0;
  }
}

/** CPU seconds (user + system) a child process has used so far, from /proc (0 where /proc is missing). */
export function cpuSeconds(child: ChildProcess): number {
  try {
    const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of stat(5), counted from after the command name; ticks of 1/100 s.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds (user + system) of a process by pid, from /proc; null once it is gone. */
export function cpuSecondsOfPid(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/**
 * The CPU that PostgreSQL spends on one database: its backends (pg_stat_activity.datname), sampled every
 * `everyMs` from /proc while a phase runs. A backend seen at `start()` counts from its CPU then, one that
 * appears later from zero; a backend that exits loses at most its last interval. Shared work (WAL writer,
 * checkpointer, autovacuum) is not counted. Only where PostgreSQL runs on this host (0 otherwise).
 */
export class DatabaseCpu {
  private readonly baseline = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly pool: { query(sql: string, params: unknown[]): Promise<{ rows: { pid: number }[] }> },
    private readonly database: string,
    private readonly everyMs = 250,
  ) {}

  async start(): Promise<void> {
    this.baseline.clear();
    this.last.clear();
    for (const pid of await this.pids()) this.baseline.set(pid, cpuSecondsOfPid(pid) ?? 0);
    const tick = async () => {
      for (const pid of await this.pids().catch(() => [])) {
        const cpu = cpuSecondsOfPid(pid);
        if (cpu !== null) this.last.set(pid, cpu);
      }
      if (this.timer) this.timer = setTimeout(tick, this.everyMs);
    };
    this.timer = setTimeout(tick, this.everyMs);
  }

  /** Stops sampling; the CPU seconds the database's backends used since `start()`. */
  async stop(): Promise<number> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const pid of await this.pids().catch(() => [])) {
      const cpu = cpuSecondsOfPid(pid);
      if (cpu !== null) this.last.set(pid, cpu);
    }
    let total = 0;
    for (const [pid, cpu] of this.last) total += cpu - (this.baseline.get(pid) ?? 0);
    return total;
  }

  private async pids(): Promise<number[]> {
    const { rows } = await this.pool.query('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [this.database]);
    return rows.map((r) => r.pid);
  }
}

/** The pid of the Redis server at `url` (INFO server), when it runs on this host and says so; null otherwise. */
export async function redisServerPid(url: string): Promise<number | null> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const pid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]);
    return Number.isInteger(pid) && pid > 0 && cpuSecondsOfPid(pid) !== null ? pid : null;
  } catch {
    return null;
  } finally {
    redis.disconnect();
  }
}

/** How long a process may take to answer its ready URL; a busy machine boots Nest slowly. */
const READY_MS = Number(process.env.BENCH_READY_SECONDS ?? 90) * 1000;

/** Starts a compiled entry point with the given environment and waits until `readyUrl` answers 200. */
export async function startProcess(entry: string, env: Record<string, string>, readyUrl: string, execArgv: string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...execArgv, entry], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  for (const deadline = Date.now() + READY_MS; Date.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, 100));
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}`);
    const ok = await fetch(readyUrl).then((r) => r.ok).catch(() => false);
    if (ok) return child;
  }
  child.kill('SIGKILL');
  throw new Error(`${entry} did not become ready within ${READY_MS / 1000} s (BENCH_READY_SECONDS)`);
}

/** Deletes every Redis key under a BullMQ prefix (`<prefix>:*`) with SCAN + UNLINK; returns how many went. */
export async function dropRedisPrefix(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true });
  await redis.connect();
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
  return deleted;
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/** The raw BullMQ ceiling: `jobs` no-op jobs through a queue at `concurrency`, on the given Redis; jobs/s. */
export async function rawBullmqCeiling(redisUrl: string, jobs: number, concurrency: number): Promise<number> {
  const u = new URL(redisUrl);
  const connection = { host: u.hostname, port: Number(u.port || 6379), maxRetriesPerRequest: null };
  const prefix = `bench-raw-${process.pid}`;
  const queue = new Queue('raw', { connection, prefix });
  let done = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const worker = new Worker('raw', async () => undefined, { connection, prefix, concurrency, autorun: false });
  worker.on('completed', () => ++done === jobs && finish());
  for (let i = 0; i < jobs; i += 1000) {
    await queue.addBulk(Array.from({ length: Math.min(1000, jobs - i) }, (_, k) => ({ name: 'noop', data: { i: i + k }, opts: { removeOnComplete: true } })));
  }
  const started = performance.now();
  void worker.run();
  await finished;
  const rate = jobs / ((performance.now() - started) / 1000);
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return round(rate, 0);
}
