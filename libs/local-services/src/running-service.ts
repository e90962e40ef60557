import type { ChildProcess } from 'node:child_process';

/** A PostgreSQL or Redis the caller can use; `embedded` when this process started it. */
export interface RunningService {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** Sends SIGTERM, then SIGKILL when the child has not exited after `graceMs`. */
export async function terminate(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), graceMs);
  });
  const killed = await Promise.race([exited.then(() => false), timedOut]);
  clearTimeout(timer);
  if (killed) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** Hides the password of a connection URL so it can be logged. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.href;
  } catch {
    return url;
  }
}

/** Returns a sink that keeps the last `max` chunks of a process's output in `buffer`, for error messages. */
export function keepTail(buffer: string[], max = 50): (chunk: Buffer | string) => void {
  return (chunk) => {
    buffer.push(chunk.toString());
    if (buffer.length > max) buffer.shift();
  };
}
