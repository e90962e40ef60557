import { randomUUID } from 'node:crypto';
import { createMigratedDatabase, type MigratedTestDatabase } from '@sinergi/testing';
import { caseTimerJobId } from './modules/escalation/case-decider/escalation-case.decider';
import { shortenPendingTimers } from './local-fast-ladder';

const FAST_MS = 15_000;
const DAY = 24 * 3600_000;

describe('start:local --fast-ladder on cases already open', () => {
  let db: MigratedTestDatabase;

  beforeAll(async () => {
    db = await createMigratedDatabase('fast_ladder');
  });
  beforeEach(async () => {
    await db.pool.query('DELETE FROM escalation_timers');
  });
  afterAll(() => db?.drop());

  /** A timer row as the relay writes it. */
  const timer = async (opts: { createdAt: Date; dueAt: Date; level?: number; fired?: boolean; cancelled?: boolean }) => {
    const caseId = randomUUID();
    const level = opts.level ?? 0;
    const jobId = caseTimerJobId(caseId, level);
    await db.pool.query(
      `INSERT INTO escalation_timers (job_id, case_id, level, due_at, created_at, fired_at, cancelled_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [jobId, caseId, level, opts.dueAt, opts.createdAt, opts.fired ? opts.createdAt : null, opts.cancelled ? opts.createdAt : null],
    );
    return jobId;
  };
  const dueOf = async (jobId: string) => new Date((await db.pool.query(`SELECT due_at FROM escalation_timers WHERE job_id = $1`, [jobId])).rows[0].due_at).getTime();

  it('moves the pending timers of older cases to fire a fast wait after the start; fired, cancelled and already fast ones stay', async () => {
    const since = new Date();
    const yesterday = new Date(since.getTime() - DAY);
    const week = new Date(since.getTime() + 7 * DAY);
    const first = await timer({ createdAt: yesterday, dueAt: week });
    const second = await timer({ createdAt: yesterday, dueAt: week, level: 1 });
    const fast = await timer({ createdAt: since, dueAt: new Date(since.getTime() + 10_000) });
    const fired = await timer({ createdAt: yesterday, dueAt: week, fired: true });
    const cancelled = await timer({ createdAt: yesterday, dueAt: week, cancelled: true });

    const shortened = await shortenPendingTimers(db.pool, FAST_MS, since);

    expect(shortened.map((t) => t.jobId).sort()).toEqual([first, second].sort());
    for (const jobId of [first, second]) expect(await dueOf(jobId)).toBe(since.getTime() + FAST_MS);
    expect(await dueOf(fast)).toBe(since.getTime() + 10_000);
    for (const jobId of [fired, cancelled]) expect(await dueOf(jobId)).toBe(week.getTime());

    expect(await shortenPendingTimers(db.pool, FAST_MS, since)).toEqual([]);
  });

  it("shortens the next level's wait of such a case too, a fast wait after it was set", async () => {
    const since = new Date(Date.now() - 60_000);
    const setAt = new Date();
    // The level reached after a shortened timer fired: the pinned ladder gave it three days.
    const next = await timer({ createdAt: setAt, dueAt: new Date(setAt.getTime() + 3 * DAY), level: 2 });

    const shortened = await shortenPendingTimers(db.pool, FAST_MS, since);

    expect(shortened).toEqual([expect.objectContaining({ jobId: next, dueAt: new Date(setAt.getTime() + FAST_MS) })]);
    expect(await dueOf(next)).toBe(setAt.getTime() + FAST_MS);
  });
});
