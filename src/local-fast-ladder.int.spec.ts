import { randomUUID } from 'node:crypto';
import { createMigratedDatabase, deleteKeysWithPrefix, type MigratedTestDatabase, testConfig, testRedisUrl, uniqueQueuePrefix } from '@sinergi/testing';
import { caseTimerJobId } from './modules/escalation/case-decider/escalation-case.decider';
import { EscalationQueues } from './modules/escalation/runtime/escalation-queues.provider';
import { shortenPendingTimers } from './local-fast-ladder';

const FAST_MS = 15_000;
const DAY = 24 * 3600_000;

describe('start:local --fast-ladder on cases already open', () => {
  let db: MigratedTestDatabase;
  let queues: EscalationQueues;
  let prefix: string;

  beforeAll(async () => {
    db = await createMigratedDatabase('fast_ladder');
    prefix = uniqueQueuePrefix('fast_ladder');
    queues = new EscalationQueues(testConfig({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix }));
  });
  beforeEach(async () => {
    await db.pool.query('DELETE FROM escalation_timers');
  });
  afterAll(async () => {
    await queues.onApplicationShutdown();
    await deleteKeysWithPrefix(testRedisUrl(), prefix);
    await db.drop();
  });

  /** A timer row as the relay writes it, optionally with its delayed job. */
  const timer = async (opts: { createdAt: Date; dueAt: Date; level?: number; queued?: boolean; fired?: boolean; cancelled?: boolean }) => {
    const caseId = randomUUID();
    const level = opts.level ?? 0;
    const jobId = caseTimerJobId(caseId, level);
    await db.pool.query(
      `INSERT INTO escalation_timers (job_id, case_id, level, due_at, created_at, fired_at, cancelled_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [jobId, caseId, level, opts.dueAt, opts.createdAt, opts.fired ? opts.createdAt : null, opts.cancelled ? opts.createdAt : null],
    );
    if (opts.queued) await queues.scheduleTimers([{ caseId, level, dueAt: opts.dueAt }], Date.now());
    return jobId;
  };
  const dueOf = async (jobId: string) => new Date((await db.pool.query(`SELECT due_at FROM escalation_timers WHERE job_id = $1`, [jobId])).rows[0].due_at).getTime();

  it('moves the pending timers of older cases to fire a fast wait after the start, their delayed jobs with them', async () => {
    const since = new Date();
    const yesterday = new Date(since.getTime() - DAY);
    const week = new Date(since.getTime() + 7 * DAY);
    const queued = await timer({ createdAt: yesterday, dueAt: week, queued: true });
    const lost = await timer({ createdAt: yesterday, dueAt: week, level: 1 });
    const fast = await timer({ createdAt: since, dueAt: new Date(since.getTime() + 10_000), queued: true });
    const fired = await timer({ createdAt: yesterday, dueAt: week, fired: true });
    const cancelled = await timer({ createdAt: yesterday, dueAt: week, cancelled: true });

    const shortened = await shortenPendingTimers(db.pool, queues, FAST_MS, since);

    expect(shortened.map((t) => [t.jobId, t.job]).sort()).toEqual([[lost, 'queued again'], [queued, 'delay changed']].sort());
    for (const jobId of [queued, lost]) {
      expect(await dueOf(jobId)).toBe(since.getTime() + FAST_MS);
      const job = (await queues.timers.getJob(jobId))!;
      expect(await job.getState()).toBe('delayed');
      expect(job.delay).toBeGreaterThan(FAST_MS - 5000);
      expect(job.delay).toBeLessThanOrEqual(FAST_MS);
    }
    expect(await dueOf(fast)).toBe(since.getTime() + 10_000);
    for (const jobId of [fired, cancelled]) expect(await dueOf(jobId)).toBe(week.getTime());

    expect(await shortenPendingTimers(db.pool, queues, FAST_MS, since)).toEqual([]);
  });

  it("shortens the next level's wait of such a case too, a fast wait after it was set", async () => {
    const since = new Date(Date.now() - 60_000);
    const setAt = new Date();
    // The level reached after a shortened timer fired: the pinned ladder gave it three days.
    const next = await timer({ createdAt: setAt, dueAt: new Date(setAt.getTime() + 3 * DAY), level: 2, queued: true });

    const shortened = await shortenPendingTimers(db.pool, queues, FAST_MS, since);

    expect(shortened).toEqual([expect.objectContaining({ jobId: next, job: 'delay changed' })]);
    expect(await dueOf(next)).toBe(setAt.getTime() + FAST_MS);
  });
});
