import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');
const DIST = join(ROOT, 'dist', 'src');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** When the process ended (Date.now()). */
  at: number;
}

/** A process of the fault suite: its whole output kept, its exit awaited. */
export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  output(): string;
  /** Resolves once the output contains `pattern` (fails when the process exits first, or after `timeoutMs`). */
  waitForOutput(pattern: string | RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<Exit>;
  running(): boolean;
  /** Sends `signal` and resolves with the exit (SIGKILL after `killAfterMs` if it is still running then). */
  stop(signal?: NodeJS.Signals, killAfterMs?: number): Promise<Exit>;
}

/** Starts `command` with `args`; `detached` makes it the leader of a process group of its own. */
export function startProcess(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, options: { detached?: boolean; cwd?: string } = {}): ManagedProcess {
  const child = spawn(command, args, { env, cwd: options.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: options.detached ?? false });
  const chunks: string[] = [];
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    chunks.push(chunk.toString('utf8'));
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let exit: Exit | null = null;
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal, at: Date.now() };
      for (const listener of listeners) listener();
      resolve(exit);
    });
  });
  const output = () => chunks.join('');
  const managed: ManagedProcess = {
    name,
    child,
    pid: child.pid!,
    output,
    exited,
    running: () => exit === null,
    waitForOutput: (pattern, timeoutMs = 30_000) =>
      new Promise<void>((resolve, reject) => {
        const matches = () => (typeof pattern === 'string' ? output().includes(pattern) : pattern.test(output()));
        const done = (error?: Error) => {
          listeners.delete(check);
          clearTimeout(timer);
          if (error) reject(error);
          else resolve();
        };
        const check = () => {
          if (matches()) done();
          else if (exit) done(new Error(`${name} exited (${exit.signal ?? exit.code}) before printing ${pattern}:\n${output().slice(-3000)}`));
        };
        const timer = setTimeout(() => done(new Error(`${name} did not print ${pattern} within ${timeoutMs} ms:\n${output().slice(-3000)}`)), timeoutMs);
        listeners.add(check);
        check();
      }),
    stop: async (signal = 'SIGTERM', killAfterMs = 15_000) => {
      if (exit) return exit;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
  return managed;
}

/** `node dist/src/<entry>.js` (main, worker, cli) with `env`. */
export function startSinergi(name: string, entry: 'main' | 'worker' | 'cli', env: NodeJS.ProcessEnv, args: string[] = []): ManagedProcess {
  const file = join(DIST, `${entry}.js`);
  if (!existsSync(file)) throw new Error(`${file} is missing: build first (npm run build, or npx tsc -p tsconfig.build.json)`);
  return startProcess(name, process.execPath, [file, ...args], env);
}

/** Runs the CLI to its end; resolves with its exit code and output. */
export async function runCli(env: NodeJS.ProcessEnv, args: string[]): Promise<{ code: number | null; output: string }> {
  const cli = startSinergi(`cli ${args[0]}`, 'cli', env, args);
  const exit = await cli.exited;
  return { code: exit.code, output: cli.output() };
}
