import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLocalLock, AlreadyRunningError, LOCK_FILE_NAME, processStartTicks } from './local-lock';

describe('the start:local lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'local-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const holdAs = (pid: number, startTicks: string | null) =>
    writeFileSync(join(dir, LOCK_FILE_NAME), JSON.stringify({ pid, startTicks, startedAt: '2026-12-02T08:00:00.000Z' }));

  it('is taken by a start, written with its pid, and released', () => {
    const lock = acquireLocalLock(dir);
    expect(JSON.parse(readFileSync(lock.file, 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
    lock.release();
    expect(existsSync(lock.file)).toBe(false);
  });

  it('refuses a second start while the process holding it lives, naming that process', () => {
    // The parent of this test process stands for the running start:local.
    holdAs(process.ppid, processStartTicks(process.ppid));
    expect(() => acquireLocalLock(dir)).toThrow(AlreadyRunningError);
    expect(() => acquireLocalLock(dir)).toThrow(`start:local is already running on ${dir} (process ${process.ppid}, since 2026-12-02T08:00:00.000Z)`);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE_NAME), 'utf8')).pid).toBe(process.ppid);
  });

  it('takes over a lock whose process is gone, or whose pid now belongs to another process', () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    holdAs(gone, null);
    acquireLocalLock(dir).release();

    if (processStartTicks(process.ppid) !== null) {
      holdAs(process.ppid, '1');
      acquireLocalLock(dir).release();
    }
    writeFileSync(join(dir, LOCK_FILE_NAME), '{"pid": 12');
    const lock = acquireLocalLock(dir);
    expect(JSON.parse(readFileSync(lock.file, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });
});
