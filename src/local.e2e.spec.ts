import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { exampleSimulatedProject } from '@sinergi/bpjs-simulator';
import { createTestDatabase, deleteKeysWithPrefix, testPostgresUrl, testRedisUrl, type TestDatabase, uniqueQueuePrefix } from '@sinergi/testing';

/** The build `npm run start:local` runs (`npm run build` first); SINERGI_TEST_DIST may name another build of it. */
const DIST = process.env.SINERGI_TEST_DIST ?? join(__dirname, '..', 'dist');
const LOCAL = join(DIST, 'src', 'local.js');
const CLI = join(DIST, 'src', 'cli.js');
const BANNER = 'Sinergi is running (local mode).';

interface Started {
  child: ChildProcess;
  output: () => string;
  /** Everything printed before the banner. */
  before: string;
  banner: string;
  base: string;
  simulator: string;
}

(existsSync(LOCAL) ? describe : describe.skip)('start:local (the built process)', () => {
  let dir: string;
  let db: TestDatabase;
  let prefix: string;
  let running: Started | null = null;

  const env = (extra: Record<string, string> = {}) => ({
    PATH: process.env.PATH ?? '',
    SINERGI_LOCAL_DIR: join(dir, '.local'),
    DATABASE_URL: db.url,
    REDIS_URL: testRedisUrl(),
    QUEUE_PREFIX: prefix,
    PORT: '0',
    BPJS_SIMULATOR_PORT: '0',
    METRICS_PORT: '0',
    WORKER_METRICS_PORT: '0',
    ...extra,
  });

  /** Starts `node dist/src/local.js ARGS` and resolves once its banner is out (and a moment more, to see it stays last). */
  const start = (args: string[] = []): Promise<Started> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [LOCAL, ...args], { cwd: dir, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout!.on('data', (d) => (out += d));
      child.stderr!.on('data', (d) => (err += d));
      const timer = setTimeout(() => reject(new Error(`no banner within 90 s:\n${out}\n${err}`)), 90_000);
      child.on('exit', (code) => reject(new Error(`start:local exited with ${code}:\n${out}\n${err}`)));
      const poll = setInterval(() => {
        if (!out.includes('Ctrl+C stops everything.')) return;
        clearInterval(poll);
        clearTimeout(timer);
        const at = out.indexOf(BANNER);
        const banner = out.slice(at);
        resolve({
          child,
          output: () => out,
          before: out.slice(0, at),
          banner,
          base: /^ {2}API {10}(\S+)$/m.exec(banner)![1],
          simulator: /^ {2}BPJS \(sim\.\) {2}(\S+)/m.exec(banner)![1],
        });
      }, 50);
    });
  const stop = async (started: Started | null) => {
    if (!started || started.child.exitCode !== null) return;
    started.child.removeAllListeners('exit');
    const exited = new Promise((resolve) => started.child.once('exit', resolve));
    started.child.kill('SIGINT');
    await exited;
  };
  const owner = async <T>(run: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      return await run(client);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sinergi-local-'));
    db = await createTestDatabase('local_mode');
    prefix = uniqueQueuePrefix('local_mode');
  });
  afterEach(async () => {
    await stop(running);
    running = null;
  });
  afterAll(async () => {
    await db?.drop();
    // start:local made the API's login for this database (`<database>_api`): roles outlive databases.
    const server = new Client({ connectionString: testPostgresUrl() });
    await server.connect();
    await server.query(`DROP ROLE IF EXISTS ${server.escapeIdentifier(`${db.name}_api`)}`).finally(() => server.end());
    await deleteKeysWithPrefix(testRedisUrl(), prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints short human-readable logs, then the banner last, whose token and curl lines run as they are', async () => {
    running = await start();

    // No JSON lines, none of Nest's per-route lines, and the worker's start-up before the banner.
    expect(running.before).not.toMatch(/^\{"level"/m);
    expect(running.before).not.toContain('Mapped {');
    expect(running.before).toMatch(/^\[\d{2}:\d{2}:\d{2}\] INFO: worker started$/m);
    expect(running.before.split('\n').length).toBeLessThan(40);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(running.output().slice(running.output().indexOf(BANNER))).toBe(running.banner);

    const tokenLine = /^ {2}TOKEN=\$\(npm run -s cli -- (token .+)\)$/m.exec(running.banner);
    expect(tokenLine).not.toBeNull();
    // What `npm run -s cli -- token …` runs, beside this start:local: the token alone on stdout.
    const token = spawnSync(process.execPath, [CLI, ...tokenLine![1].split(' ')], { cwd: dir, env: { PATH: process.env.PATH ?? '', SINERGI_LOCAL_DIR: join(dir, '.local') }, encoding: 'utf8' });
    expect(token.status).toBe(0);
    expect(token.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    for (const [, path] of running.banner.matchAll(/^ {2}curl -H "authorization: Bearer \$TOKEN" \S+?(\/v1\/\S+)$/gm)) {
      const answer = await fetch(`${running.base}${path}`, { headers: { authorization: `Bearer ${token.stdout.trim()}` } });
      expect({ path, status: answer.status }).toEqual({ path, status: 200 });
    }
  });

  it('says plainly that one is already running on the same .local/, and exits non-zero without touching it', async () => {
    running = await start();
    const lock = readFileSync(join(dir, '.local', 'start-local.pid'), 'utf8');

    const second = spawnSync(process.execPath, [LOCAL], { cwd: dir, env: env(), encoding: 'utf8', timeout: 30_000 });

    expect(second.status).toBe(1);
    expect(second.stderr).toContain(`[start:local] start:local is already running on ${join(dir, '.local')} (process ${running.child.pid}`);
    expect(second.stderr).not.toMatch(/^\s+at /m);
    expect(second.stdout).not.toContain('migrations');
    expect(readFileSync(join(dir, '.local', 'start-local.pid'), 'utf8')).toBe(lock);
    expect((await fetch(`${running.base}/health/live`)).status).toBe(200);
  });

  it("keeps the BPJS simulator's enrolments in .local/ across a restart", async () => {
    running = await start();
    const project = exampleSimulatedProject({ npwp: '0123456789012345', contractNumber: 'SPK/LOCAL/2025', projectNumber: '7307250000001' });
    expect((await fetch(`${running.simulator}/__sim/projects`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ projects: [project] }) })).status).toBe(200);
    await stop(running);
    expect(existsSync(join(dir, '.local', 'start-local.pid'))).toBe(false);

    running = await start();

    expect(running.banner).toContain('(1 enrolled project(s), kept in .local/bpjs-simulator.json across restarts)');
    const found = await fetch(`${running.simulator}/jakon/v1/projects?${new URLSearchParams({ npwp: project.npwp, contractNumber: project.contractNumber })}`);
    expect(found.status).toBe(200);
    expect(await found.json()).toMatchObject({ projectNumber: '7307250000001', status: 'ACTIVE' });
  });

  it('--fast-ladder moves the pending timers of cases opened before it, and the banner says what it did', async () => {
    // A case opened under the configured ladder: its level-0 wait runs for days.
    const caseId = randomUUID();
    const jobId = `escalation-${caseId}-level-0`;
    await owner((c) =>
      c.query(`INSERT INTO escalation_timers (job_id, case_id, level, due_at, created_at) VALUES ($1, $2, 0, now() + interval '7 days', now() - interval '1 day')`, [jobId, caseId]),
    );
    const before = Date.now();

    running = await start(['--fast-ladder=20']);

    expect(running.banner).toMatch(/^ {2}Ladder {7}every escalation wait is 20 s: new cases climb a level every 20 s; the 1 timer\(s\) already pending were moved to fire at \d{2}:\d{2}:\d{2}, and their cases climb every 20 s after it/m);
    expect(running.before).toMatch(/--fast-ladder: 1 pending timer\(s\) of 0 open case\(s\) moved to fire at \d{2}:\d{2}:\d{2}; every wait is 20 s from now on/);
    const due = await owner(async (c) => new Date((await c.query(`SELECT due_at FROM escalation_timers WHERE job_id = $1`, [jobId])).rows[0].due_at).getTime());
    expect(due).toBeGreaterThanOrEqual(before);
    expect(due).toBeLessThanOrEqual(Date.now() + 20_000);
  });

  it('prints its usage for --help and refuses an unknown option, starting nothing', () => {
    const help = spawnSync(process.execPath, [LOCAL, '--help'], { cwd: dir, env: env(), encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: npm run start:local -- [options]');
    expect(help.stdout).toContain('--fast-ladder [seconds]');
    expect(help.stdout).not.toContain('[start:local]');

    const bad = spawnSync(process.execPath, [LOCAL, '--fast-ladder=0'], { cwd: dir, env: env(), encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('It takes a number of seconds from 1 to 3600.');
    expect(bad.stdout).toBe('');
  });
});
