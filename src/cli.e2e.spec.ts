import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createMigratedDatabase, createTestDatabase, type MigratedTestDatabase, TEST_SECRETS_KEY, type TestDatabase, testRedisUrl, uniqueQueuePrefix } from '@sinergi/testing';

/**
 * The built CLI, run as a process the way `npm run cli --` runs it (`npm run build` first). SINERGI_TEST_DIST may name
 * another build (one that a concurrent `npm run build` does not delete under the test).
 */
const CLI = join(process.env.SINERGI_TEST_DIST ?? join(__dirname, '..', 'dist'), 'src', 'cli.js');
const built = existsSync(CLI);

const COMMANDS = [
  'migrate',
  'clients:create',
  'clients:rotate-secret',
  'clients:retire-old-secrets',
  'bpjs:import',
  'holidays:import',
  'segments:import',
  'token',
  'projections:rebuild',
  'projections:check',
  'invariants',
  'audit:verify',
  'audit:checkpoint',
  'inaproc:pull',
];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

(built ? describe : describe.skip)('cli (the built process)', () => {
  /** A folder with no .local/ in it, so no running start:local lends its configuration. */
  let cwd: string;
  let fresh: TestDatabase;
  let migrated: MigratedTestDatabase;

  const run = (args: string[], env: Record<string, string | undefined> = {}): Promise<Run> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        cwd,
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  const system = (databaseUrl: string) => ({ SINERGI_MODE: 'test', SECRETS_KEY: TEST_SECRETS_KEY, DATABASE_URL: databaseUrl });
  const tablesOf = async (url: string) => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<{ n: string }>(`SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'`)).rows[0].n;
    } finally {
      await client.end();
    }
  };
  const clientRows = async () => (await migrated.pool.query(`SELECT id, secrets, updated_at FROM procurement_clients ORDER BY id`)).rows;
  /** No stack trace: no "    at fn (file:line)" frames. */
  const noStack = (text: string) => expect(text).not.toMatch(/^\s+at .+[(:]\d+/m);

  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'sinergi-cli-'));
    [fresh, migrated] = await Promise.all([createTestDatabase('cli_fresh'), createMigratedDatabase('cli_migrated')]);
  });
  afterAll(async () => {
    await fresh?.drop();
    await migrated?.drop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('prints the usage of the tool and every command for --help and help, exit 0', async () => {
    for (const args of [['--help'], ['-h'], ['help']]) {
      const help = await run(args);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Usage: npm run cli -- [options] [command]');
      for (const command of COMMANDS) expect(help.stdout).toContain(`  ${command}`);
      expect(help.stdout).toContain('Exit codes: 0 done');
    }
  });

  it('prints each command\'s usage for its --help, and for help COMMAND, exit 0', async () => {
    const runs = await Promise.all(COMMANDS.map((command) => run([command, '--help'], system(fresh.url))));
    runs.forEach((help, i) => {
      expect({ command: COMMANDS[i], code: help.code, stderr: help.stderr }).toEqual({ command: COMMANDS[i], code: 0, stderr: '' });
      expect(help.stdout).toContain(`Usage: npm run cli -- ${COMMANDS[i]}`);
    });
    expect((await run(['help', 'clients:create'])).stdout).toContain('--regions <codes>');
  });

  it('acts on nothing for --help: migrate --help leaves a fresh database unmigrated, clients:* --help change no client', async () => {
    expect(await tablesOf(fresh.url)).toBe('0');
    const migrate = await run(['migrate', '--help'], system(fresh.url));
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toContain('apply pending database migrations');
    expect(await tablesOf(fresh.url)).toBe('0');

    const before = await clientRows();
    for (const args of [
      ['clients:create', '--id', 'help-only', '--name', 'Help', '--regions', '73.07', '--help'],
      ['clients:rotate-secret', 'help-only', '--help'],
      ['clients:retire-old-secrets', '--help', 'help-only'],
    ]) {
      const help = await run(args, system(migrated.url));
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Usage:');
    }
    expect(await clientRows()).toEqual(before);
  });

  it('refuses an unknown command with a non-zero exit, a clear message and a suggestion', async () => {
    const unknown = await run(['no-such-command'], system(fresh.url));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("error: unknown command 'no-such-command'");
    expect(unknown.stdout).toBe('');

    const typo = await run(['migrat'], system(fresh.url));
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('Did you mean migrate?');
    expect(await tablesOf(fresh.url)).toBe('0');

    const none = await run([]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('Usage: npm run cli --');
  });

  it('refuses unknown options, bad values and missing or extra arguments, doing nothing', async () => {
    const cases: [string[], string][] = [
      [['migrate', '--bad'], "error: unknown option '--bad'"],
      [['migrate', 'extra'], "error: too many arguments for 'migrate'"],
      [['clients:create', '--id', 'x1', '--name', 'X'], "error: required option '--regions <codes>' not specified"],
      [['clients:create', '--id', 'x1', '--name', 'X', '--regions', '73.07', '--rate-limit', 'many'], "option '--rate-limit <n>' argument 'many' is invalid"],
      [['clients:create', '--id', 'x1', '--name', 'X', '--regions', 'Sinjai'], 'Sinjai: not a Kemendagri region code'],
      [['clients:rotate-secret'], "error: missing required argument 'id'"],
      [['token', '--roles', 'boss', '--regions', '73.07'], 'boss: not a role'],
      [['token', '--roles', 'official', '--regions', '73.07', '--position', 'CAMAT'], "option '--position <position>' argument 'CAMAT' is invalid"],
      [['segments:import', 'f.csv', '--source', 'RUMOUR'], "option '--source <source>' argument 'RUMOUR' is invalid"],
      [['projections:check', 'no-such-projection'], "command-argument value 'no-such-projection' is invalid for argument 'name'"],
      [['inaproc:pull', '--year', '20x5'], 'inaproc:pull needs --year YYYY (2000 to 2100)'],
      [['audit:verify', '--offline', '--database', 'postgres://x@127.0.0.1/y'], 'give --database or --offline, not both'],
    ];
    const runs = await Promise.all(cases.map(([args]) => run(args, system(migrated.url))));
    runs.forEach((result, i) => {
      expect({ args: cases[i][0], code: result.code }).toEqual({ args: cases[i][0], code: 1 });
      expect(result.stderr).toContain(cases[i][1]);
      noStack(result.stderr);
    });
    expect(await clientRows()).toEqual([]);
    expect(await tablesOf(fresh.url)).toBe('0');
  });

  it('refuses an unknown client for every clients:* command that names one, and changes nothing', async () => {
    expect((await run(['clients:create', '--id', 'spse-7307', '--name', 'SPSE Sinjai', '--regions', '73.07'], system(migrated.url))).code).toBe(0);
    const before = await clientRows();

    for (const command of ['clients:rotate-secret', 'clients:retire-old-secrets']) {
      const unknown = await run([command, 'no-such-client'], system(migrated.url));
      expect({ command, code: unknown.code }).toEqual({ command, code: 1 });
      expect(unknown.stderr).toContain(`sinergi ${command}: no procurement client "no-such-client" exists`);
      expect(unknown.stdout).toBe('');
      noStack(unknown.stderr);
    }
    const again = await run(['clients:create', '--id', 'spse-7307', '--name', 'Again', '--regions', '73.07'], system(migrated.url));
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('client spse-7307 already exists');
    expect(await clientRows()).toEqual(before);

    // The known client still rotates and retires.
    expect((await run(['clients:rotate-secret', 'spse-7307'], system(migrated.url))).stdout).toContain('new secret for spse-7307');
    expect((await run(['clients:retire-old-secrets', 'spse-7307'], system(migrated.url))).stdout).toContain('only the newest secret of spse-7307 is active now');
  });

  it('says in plain words what is missing when there is no configuration and no running start:local', async () => {
    const missing = await run(['clients:retire-old-secrets', 'spse-7307']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("sinergi clients:retire-old-secrets: this command needs the system's configuration, and SECRETS_KEY is required");
    expect(missing.stderr).toContain('No `npm run start:local` is running in');
    noStack(missing.stderr);

    const token = await run(['token', '--roles', 'official', '--regions', '73.07'], { SECRETS_KEY: TEST_SECRETS_KEY, PUBLIC_BASE_URL: 'https://sinergi.example.go.id', DATABASE_URL: migrated.url, REDIS_URL: 'redis://127.0.0.1:6379', BPJS_API_URL: 'http://127.0.0.1:1', JWT_SECRET: 'x'.repeat(40) });
    expect(token.code).toBe(1);
    expect(token.stderr).toContain('token mints tokens for local and test systems only');
    expect(token.stdout).toBe('');

    const signing = await run(['audit:checkpoint'], system(migrated.url));
    expect(signing.code).toBe(1);
    expect(signing.stderr).toContain('AUDIT_SIGNING_KEY is not set: no checkpoint can be signed.');
    noStack(signing.stderr);
  });

  it('says plainly when the database does not answer, does not exist or is not migrated yet', async () => {
    const down = await run(['clients:rotate-secret', 'spse-7307'], system('postgres://sinergi:hunter2@127.0.0.1:1/sinergi'));
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('cannot reach PostgreSQL at postgres://sinergi:***@127.0.0.1:1/sinergi (connection refused');
    expect(down.stderr).not.toContain('hunter2');
    noStack(down.stderr);

    const missing = new URL(fresh.url);
    missing.pathname = '/sinergi_no_such_database';
    const absent = await run(['migrate'], system(missing.href));
    expect(absent.code).toBe(1);
    expect(absent.stderr).toContain('database "sinergi_no_such_database" does not exist');
    noStack(absent.stderr);

    const unmigrated = await run(['clients:retire-old-secrets', 'spse-7307'], system(fresh.url));
    expect(unmigrated.code).toBe(1);
    expect(unmigrated.stderr).toContain('has no Sinergi schema yet');
    expect(unmigrated.stderr).toContain('Run `npm run cli -- migrate` first.');
    noStack(unmigrated.stderr);

    const nofile = await run(['bpjs:import', join(cwd, 'no-such.csv')], system(migrated.url));
    expect(nofile.code).toBe(1);
    expect(nofile.stderr).toContain(`sinergi bpjs:import: no such file: ${join(cwd, 'no-such.csv')}`);
  });

  it('still runs a command as before: migrate applies the migrations to the fresh database, then finds it up to date', async () => {
    const first = await run(['migrate'], system(fresh.url));
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^applied: EventStore\d+, /);
    expect(Number(await tablesOf(fresh.url))).toBeGreaterThan(10);
    expect((await run(['migrate'], system(fresh.url))).stdout).toBe('database is up to date\n');

    const csv = join(cwd, 'segments.csv');
    writeFileSync(csv, 'region_code,segment,period,enrolled,eligible\n');
    const empty = await run(['segments:import', csv, '--source', 'ADMIN'], system(fresh.url));
    expect(empty.stdout).toContain('recorded 0 report(s) from segments.csv');
  });

  /** Job payloads are searched in a Redis key space of this test's own (none: nothing there). */
  const invariantsEnv = () => ({ ...system(migrated.url), REDIS_URL: testRedisUrl(), QUEUE_PREFIX: uniqueQueuePrefix('cli-invariants') });

  it('invariants: exit 0 and one line per invariant when they hold; an unknown invariant is refused', async () => {
    const env = invariantsEnv();
    const clean = await run(['invariants'], env);
    expect({ code: clean.code, stderr: clean.stderr }).toEqual({ code: 0, stderr: '' });
    expect(clean.stdout).toMatch(/^ok {3}acknowledged-events-logged-once: 0 violation\(s\)/m);
    expect(clean.stdout).toMatch(/^ok {3}no-personal-data-outside-personal_data: 0 violation\(s\) — \d+ row\(s\) scanned .*; 0 job\(s\) scanned$/m);
    expect(clean.stdout).toContain('VERDICT: OK — 7 invariant(s) hold');

    const unknown = await run(['invariants', '--only', 'no-such-invariant'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown invariant(s) no-such-invariant; known: acknowledged-events-logged-once,');
  }, 120_000);

  it('invariants: exit 1 naming the violated one, its count and example ids; --json', async () => {
    const env = invariantsEnv();
    const projectId = '5f0c1a43-9d0e-4c55-8d6a-0c7a1e2b3c4d';
    await migrated.pool.query(`INSERT INTO coverage_projects (project_id, status, last_position) VALUES ($1, 'COMPLIANT', 1)`, [projectId]);
    try {
      const broken = await run(['invariants', '--no-jobs'], env);
      expect(broken.code).toBe(1);
      expect(broken.stdout).toMatch(/^FAIL projections-equal-rebuild: 1 violation\(s\) — coverage: 1 differing row/m);
      expect(broken.stdout).toContain(`e.g. coverage_projects live_only (project_id=${projectId})`);
      expect(broken.stdout).toContain('VERDICT: FAILED — 1 of 7 invariant(s) violated: projections-equal-rebuild');
      noStack(broken.stderr);

      const json = await run(['invariants', '--json', '--only', 'projections-equal-rebuild,hash-chains-verify'], env);
      expect(json.code).toBe(1);
      const report = JSON.parse(json.stdout);
      expect(report).toMatchObject({ ok: false, checks: [{ name: 'projections-equal-rebuild', ok: false, violations: 1 }, { name: 'hash-chains-verify', ok: true, violations: 0 }] });
    } finally {
      await migrated.pool.query(`DELETE FROM coverage_projects WHERE project_id = $1`, [projectId]);
    }
  }, 120_000);
});
