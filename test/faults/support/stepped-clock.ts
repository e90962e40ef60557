import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's libfaketime (`apt-get install faketime`; .ci/run installs it when missing), or null when it is not installed. */
export const LIBFAKETIME: string | null =
  ['/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1', '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1', '/usr/lib/faketime/libfaketime.so.1'].find((path) =>
    existsSync(path),
  ) ?? null;

/**
 * A wall clock that the test steps, as an NTP step does on a host: every process started with `env` reads its
 * time of day (Date.now(), new Date()) through libfaketime from a file the test rewrites, re-read on every call.
 * The monotonic clock stays real (FAKETIME_DONT_FAKE_MONOTONIC), as it does across a real step, so Node's timers
 * (libuv) keep their pace; PostgreSQL, Redis and this Jest process stay on the real clock.
 */
export interface SteppedClock {
  /** The environment that puts a process on this clock. */
  env: Record<string, string>;
  /** Steps the clock of those processes to real time + `offsetMs` (at once, for every one of them). */
  stepTo(offsetMs: number): void;
  /** The current offset from real time, in milliseconds. */
  offsetMs(): number;
  /** Real time + the current offset: the time the processes on this clock read now. */
  now(): Date;
  remove(): void;
}

export function steppedClock(library: string): SteppedClock {
  const dir = mkdtempSync(join(tmpdir(), 'sinergi-clock-'));
  const file = join(dir, 'faketime');
  let offset = 0;
  // libfaketime's relative form: "+<seconds>" from the real time.
  const write = () => writeFileSync(file, `${offset >= 0 ? '+' : '-'}${Math.abs(offset) / 1000}\n`);
  write();
  return {
    env: { LD_PRELOAD: library, FAKETIME_TIMESTAMP_FILE: file, FAKETIME_NO_CACHE: '1', FAKETIME_DONT_FAKE_MONOTONIC: '1' },
    stepTo: (offsetMs) => {
      offset = offsetMs;
      write();
    },
    offsetMs: () => offset,
    now: () => new Date(Date.now() + offset),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
