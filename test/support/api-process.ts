import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '@sinergi/local-services';
import { waitFor } from '@sinergi/testing';

/** The API of dist/ as a real process on a free loopback port, everything it writes (stdout and stderr) captured. */
export interface ApiProcess {
  readonly baseUrl: string;
  /** Its output so far, chunk by chunk. */
  readonly output: string[];
  /** SIGTERM, and resolves once it has exited. */
  stop(): Promise<void>;
}

/** Starts dist/src/main.js with `env` (PORT and HOST are set here) and resolves once /health/live answers 200. */
export async function startApiProcess(env: NodeJS.ProcessEnv): Promise<ApiProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, '..', '..', 'dist', 'src', 'main.js')], {
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  try {
    await waitFor(
      () => fetch(`${baseUrl}/health/live`).then((r) => r.status, () => 0),
      (status) => status === 200,
      30_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, output, stop };
}
