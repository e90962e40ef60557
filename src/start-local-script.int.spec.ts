import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processStartTicks } from './local-lock';

/**
 * scripts/start-local.mjs (what `npm run start:local` runs) in a checkout of its own: a few sources, and a build
 * that writes a stand-in dist/src/local.js and counts how often it ran.
 */
describe('npm run start:local: rebuild only when sources changed', () => {
  let root: string;
  const builds = () => (existsSync(join(root, 'builds')) ? readFileSync(join(root, 'builds'), 'utf8').length : 0);
  const run = (args: string[] = [], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [join(root, 'scripts', 'start-local.mjs'), ...args], { cwd: root, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });
  const setTime = (path: string, secondsAgo: number) => {
    const at = new Date(Date.now() - secondsAgo * 1000);
    utimesSync(path, at, at);
  };
  /** Runs start-local.mjs as a build long done: sources a minute old, dist/ half a minute old. */
  const runBuilt = (args: string[] = []) => {
    const result = run(args);
    for (const file of ['src/local.ts', 'src/local.unit.spec.ts', 'libs/common/src/index.ts', 'libs/testing/src/index.ts', 'tsconfig.json']) setTime(join(root, file), 60);
    if (existsSync(join(root, 'dist/src/local.js'))) setTime(join(root, 'dist/src/local.js'), 30);
    return result;
  };
  /** A file edited now. */
  const later = (path: string) => setTime(path, 0);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'start-local-script-'));
    for (const dir of ['scripts', 'src', 'libs/common/src', 'libs/testing/src']) mkdirSync(join(root, dir), { recursive: true });
    copyFileSync(join(__dirname, '..', 'scripts', 'start-local.mjs'), join(root, 'scripts', 'start-local.mjs'));
    writeFileSync(join(root, 'src', 'local.ts'), '// the entry\n');
    writeFileSync(join(root, 'src', 'local.unit.spec.ts'), '// a test\n');
    writeFileSync(join(root, 'libs', 'common', 'src', 'index.ts'), '// a library\n');
    writeFileSync(join(root, 'libs', 'testing', 'src', 'index.ts'), '// test helpers, not built\n');
    writeFileSync(join(root, 'tsconfig.json'), '{}\n');
    writeFileSync(
      join(root, 'build.js'),
      [
        "const fs = require('node:fs');",
        "if (fs.existsSync('fail-build')) { console.error('type errors'); process.exit(2); }",
        "fs.appendFileSync('builds', 'x');",
        "fs.mkdirSync('dist/src', { recursive: true });",
        "fs.writeFileSync('dist/src/local.js', \"process.stdout.write('LOCAL RAN ' + JSON.stringify(process.argv.slice(2)) + '\\\\n');\");",
      ].join('\n'),
    );
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'x', private: true, scripts: { build: 'node build.js' } }));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('builds when dist/ is missing, then runs local.js with the arguments given', () => {
    const first = run(['--fast-ladder']);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('[start:local] building: dist/ has not been built yet');
    expect(first.stdout).toContain('LOCAL RAN ["--fast-ladder"]');
    expect(builds()).toBe(1);
  });

  it('does not build again while nothing changed, nor for a changed test or test helper', () => {
    runBuilt();
    later(join(root, 'src', 'local.unit.spec.ts'));
    later(join(root, 'libs', 'testing', 'src', 'index.ts'));

    const again = run();

    expect(again.stdout).toContain('[start:local] dist/ is up to date with src/, libs/ and scripts/');
    expect(again.stdout).toContain('not rebuilding');
    expect(again.stdout).toContain('LOCAL RAN []');
    expect(builds()).toBe(1);
  });

  it('builds again when a source or the TypeScript configuration changed, naming it', () => {
    runBuilt();
    later(join(root, 'libs', 'common', 'src', 'index.ts'));
    const changed = runBuilt();
    expect(changed.stdout).toContain('[start:local] building: libs/common/src/index.ts changed since the last build');
    expect(builds()).toBe(2);

    later(join(root, 'tsconfig.json'));
    expect(runBuilt().stdout).toContain('building: tsconfig.json changed since the last build');
    expect(builds()).toBe(3);
  });

  it('builds again when a source file was deleted or added (the file list changed)', () => {
    writeFileSync(join(root, 'src', 'old.ts'), '// soon gone\n');
    run();
    rmSync(join(root, 'src', 'old.ts'));
    expect(run().stdout).toContain('building: source files were added, removed or renamed since the last build');
    expect(builds()).toBe(2);
  });

  it('starts nothing when the build fails', () => {
    writeFileSync(join(root, 'fail-build'), '');
    const failed = run();
    expect(failed.status).toBe(2);
    expect(failed.stderr).toContain('[start:local] the build failed (above); nothing was started');
    expect(failed.stdout).not.toContain('LOCAL RAN');
  });

  it('says plainly that one is already running on the folder, before building anything', () => {
    // The parent of this test process stands for the start:local that holds the lock.
    mkdirSync(join(root, '.local'));
    writeFileSync(join(root, '.local', 'start-local.pid'), JSON.stringify({ pid: process.ppid, startTicks: processStartTicks(process.ppid), startedAt: '2026-12-02T08:00:00.000Z' }));

    const second = run();

    expect(second.status).toBe(1);
    expect(second.stderr).toContain(`[start:local] start:local is already running on ${join(root, '.local')} (process ${process.ppid}, since 2026-12-02T08:00:00.000Z)`);
    expect(builds()).toBe(0);

    // A lock left by a process that is gone does not stop it.
    writeFileSync(join(root, '.local', 'start-local.pid'), JSON.stringify({ pid: spawnSync(process.execPath, ['-e', '']).pid, startTicks: null, startedAt: 'then' }));
    expect(run().stdout).toContain('LOCAL RAN []');
  });
});
