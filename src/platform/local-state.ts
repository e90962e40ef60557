import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where `start:local` keeps its generated keys and the addresses of what it started. */
export const LOCAL_STATE_DIR = resolve(process.env.SINERGI_LOCAL_DIR ?? '.local');

const runtimeFile = () => join(LOCAL_STATE_DIR, 'runtime.json');
const secretsFile = () => join(LOCAL_STATE_DIR, 'secrets.json');

/** Written by start:local once everything runs, removed when it stops. */
export function writeLocalRuntime(env: Record<string, string>): void {
  writeFileSync(runtimeFile(), JSON.stringify({ ...env, pid: String(process.pid) }, null, 2), { mode: 0o600 });
}

export function clearLocalRuntime(): void {
  try {
    writeFileSync(runtimeFile(), '{}');
  } catch {
    /* nothing to clear */
  }
}

/**
 * The environment of the running local system, for the CLI in the same checkout: used only when
 * SINERGI_MODE is not set and start:local is running here.
 */
export function localEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> | null {
  if (env.SINERGI_MODE || !existsSync(runtimeFile()) || !existsSync(secretsFile())) return null;
  const runtime = JSON.parse(readFileSync(runtimeFile(), 'utf8')) as Record<string, string>;
  if (!runtime.pid || !isAlive(Number(runtime.pid))) return null;
  const { pid: _pid, ...rest } = runtime;
  return { ...rest, ...(JSON.parse(readFileSync(secretsFile(), 'utf8')) as Record<string, string>), SINERGI_MODE: 'local' };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
