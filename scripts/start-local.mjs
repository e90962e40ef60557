// `npm run start:local`: rebuilds dist/ only when the sources changed since the last build, then runs
// dist/src/local.js in this same process (its arguments, signals and exit code are its own).
//
// "Changed" means: a file under src/, libs/ or scripts/ (tests aside), or tsconfig*.json or nest-cli.json, is newer
// than dist/src/local.js, or the list of those files differs from the one recorded at the last build here (a file
// deleted or renamed). Plain JavaScript, so it runs before anything is built.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
// `--no-build` runs dist/ as it is, however stale (the fault suite runs it beside people editing the sources); the
// rest of the arguments are dist/src/local.js's own.
const noBuild = process.argv.includes('--no-build');
if (noBuild) process.argv.splice(process.argv.indexOf('--no-build'), 1);
const args = process.argv.slice(2);
const say = (line) => process.stdout.write(`[start:local] ${line}\n`);
const entry = join(root, 'dist', 'src', 'local.js');
const stamp = join(root, 'dist', '.start-local-sources');

/** Sources whose change needs a rebuild: what tsconfig.build.json and nest-cli.json build. */
function sources() {
  const found = [];
  const walk = (dir) => {
    for (const item of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, item.name);
      if (item.isDirectory()) {
        if (item.name === 'node_modules' || path === join(root, 'libs', 'testing')) continue;
        walk(path);
      } else if (!/\.spec\.ts$/.test(item.name) && !item.name.endsWith('.mjs')) found.push(path);
    }
  };
  for (const dir of ['src', 'libs', 'scripts']) if (existsSync(join(root, dir))) walk(join(root, dir));
  for (const file of ['tsconfig.json', 'tsconfig.build.json', 'nest-cli.json']) if (existsSync(join(root, file))) found.push(join(root, file));
  return found.sort();
}

/** Why dist/ must be built again, or null when it is as new as every source. */
function staleness(files) {
  if (!existsSync(entry)) return 'dist/ has not been built yet';
  const builtAt = statSync(entry).mtimeMs;
  const newer = files.filter((f) => statSync(f).mtimeMs > builtAt);
  if (newer.length) return `${relative(root, newer[0])}${newer.length > 1 ? ` and ${newer.length - 1} other file(s)` : ''} changed since the last build`;
  if (existsSync(stamp)) {
    const before = readFileSync(stamp, 'utf8');
    if (before !== list(files)) return 'source files were added, removed or renamed since the last build';
  }
  return null;
}

const list = (files) => `${files.map((f) => relative(root, f)).join('\n')}\n`;

/** The lock a running start:local holds (src/local-lock.ts writes it): checked here too, before any build. */
function runningHolder() {
  const stateDir = resolve(process.env.SINERGI_LOCAL_DIR ?? '.local');
  const file = join(stateDir, 'start-local.pid');
  let holder;
  try {
    holder = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
  if (!Number.isSafeInteger(holder.pid) || holder.pid <= 0 || holder.pid === process.pid) return null;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if (error.code !== 'EPERM') return null;
  }
  if (holder.startTicks) {
    try {
      const stat = readFileSync(`/proc/${holder.pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] !== holder.startTicks) return null;
    } catch {
      /* no /proc: trust the pid */
    }
  }
  return { ...holder, stateDir };
}

const asksForHelp = args.includes('--help') || args.includes('-h');
const holder = asksForHelp ? null : runningHolder();
if (holder) {
  process.stderr.write(
    `[start:local] start:local is already running on ${holder.stateDir} (process ${holder.pid}, since ${holder.startedAt}). ` +
      `Use that one (its banner has the URLs; stop it with Ctrl+C in its terminal, or kill ${holder.pid}), ` +
      'or give this one a folder and ports of its own: SINERGI_LOCAL_DIR=.local-2 PORT=3001 BPJS_SIMULATOR_PORT=4000 npm run start:local\n',
  );
  process.exit(1);
}

const files = sources();
const why = noBuild ? null : staleness(files);
if (noBuild && !existsSync(entry)) {
  process.stderr.write('[start:local] --no-build, and dist/ has not been built yet: run npm run build\n');
  process.exit(1);
}
if (why) {
  say(`building: ${why}`);
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    process.stderr.write('[start:local] the build failed (above); nothing was started\n');
    process.exit(build.status ?? 1);
  }
  writeFileSync(stamp, list(files));
} else if (noBuild) {
  say('--no-build: running dist/ as it is');
} else {
  say(`dist/ is up to date with src/, libs/ and scripts/ (built ${new Date(statSync(entry).mtimeMs).toLocaleString('en-GB')}); not rebuilding`);
  if (!existsSync(stamp)) writeFileSync(stamp, list(files));
}

createRequire(import.meta.url)(entry);
