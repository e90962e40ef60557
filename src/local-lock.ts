import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** The file a running `start:local` holds in its folder; scripts/start-local.mjs reads the same file before it builds. */
export const LOCK_FILE_NAME = 'start-local.pid';

/** What the lock file holds: who holds it, and since when. */
export interface LockHolder {
  pid: number;
  /** The process's start time as the kernel counts it (Linux), so a reused pid is not taken for the holder. */
  startTicks: string | null;
  startedAt: string;
}

export class AlreadyRunningError extends Error {
  constructor(
    readonly holder: LockHolder,
    readonly file: string,
  ) {
    super(`start:local is already running on ${file.replace(/\/[^/]+$/, '')} (process ${holder.pid}, since ${holder.startedAt})`);
    this.name = 'AlreadyRunningError';
  }
}

export interface LocalLock {
  file: string;
  /** Removes the file if this process still holds it; safe to call twice. */
  release(): void;
}

/** The start time of `pid` in clock ticks since boot (field 22 of /proc/PID/stat), or null where there is no /proc. */
export function processStartTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** Whether the process recorded in a lock file still runs (the same process, not a later one given its pid). */
export function isHolderAlive(holder: LockHolder): boolean {
  if (!Number.isSafeInteger(holder.pid) || holder.pid <= 0) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: it runs, as another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const ticks = processStartTicks(holder.pid);
  return holder.startTicks === null || ticks === null || ticks === holder.startTicks;
}

export function readLockHolder(file: string): LockHolder | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number') return null;
    return { pid: parsed.pid, startTicks: typeof parsed.startTicks === 'string' ? parsed.startTicks : null, startedAt: String(parsed.startedAt ?? '') };
  } catch {
    return null;
  }
}

/**
 * Takes `dir`'s lock for this process: the file is created exclusively, so of two starts at once only one wins. A
 * lock left by a process that no longer runs (killed, crashed, a reboot) is taken over. Throws
 * {@link AlreadyRunningError} when a live process holds it. The lock is released when this process exits.
 */
export function acquireLocalLock(dir: string, now = new Date()): LocalLock {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, LOCK_FILE_NAME);
  const me: LockHolder = { pid: process.pid, startTicks: processStartTicks(process.pid), startedAt: now.toISOString() };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readLockHolder(file);
      if (holder && holder.pid !== process.pid && isHolderAlive(holder)) throw new AlreadyRunningError(holder, file);
      // Left behind by a process that is gone (or half-written by one that died writing it): take it over.
      rmSync(file, { force: true });
      continue;
    }
    try {
      writeSync(fd, `${JSON.stringify(me)}\n`);
    } finally {
      closeSync(fd);
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      process.off('exit', release);
      if (readLockHolder(file)?.pid === process.pid) rmSync(file, { force: true });
    };
    process.on('exit', release);
    return { file, release };
  }
  throw new Error(`could not take the lock ${file}`);
}
