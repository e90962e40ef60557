import { FixedClock } from '@sinergi/common';
import { EventStore, NO_STREAM } from '@sinergi/event-store';
import { createMigratedDatabase, type MigratedTestDatabase, testConfig } from '@sinergi/testing';
import { SinergiMetrics } from '../../../platform/metrics';
import { caseTimerJobId, decideCase, initialCaseState } from '../case-decider/escalation-case.decider';
import { caseStreamId } from '../case-decider/escalation-case.events';
import { caseIdFor } from '../escalation.queues';
import { DEFAULT_SINJAI_LADDER } from '../ladder/escalation-ladder';
import { EscalationTimerHandler, EscalationTimerSweeper } from './escalation-timers';

const OPENED_AT = '2025-06-02T01:00:00.000Z';
const meta = { actor: { kind: 'system' as const, id: 'test' }, correlationId: 'c-1' };

describe('EscalationTimerHandler (real PostgreSQL)', () => {
  let db: MigratedTestDatabase;
  let store: EventStore;
  let handler: EscalationTimerHandler;
  const cases = ['0b1c2d3e-0000-4000-8000-000000000001', '0b1c2d3e-0000-4000-8000-000000000002'].map((p) => caseIdFor(p, 1));

  beforeAll(async () => {
    db = await createMigratedDatabase('escalation_timer');
    store = new EventStore(db.pool);
    handler = new EscalationTimerHandler(db.pool, store, new FixedClock(new Date('2025-06-05T01:00:00.000Z')));
    for (const caseId of cases) {
      const events = decideCase(
        { type: 'OpenCase', caseId, projectId: caseId, regionCode: '73.07.01', agencyCode: 'PUPR', reasons: ['ENROLMENT_MISSING'], ladder: DEFAULT_SINJAI_LADDER, now: OPENED_AT },
        initialCaseState(),
      );
      await store.appendToStream(caseStreamId(caseId), NO_STREAM, events.map((e) => ({ type: e.type, data: e.data, metadata: meta })));
      await db.pool.query(`INSERT INTO escalation_timers (job_id, case_id, level, due_at) VALUES ($1, $2, 0, '2025-06-05T01:00:00Z')`, [caseTimerJobId(caseId, 0), caseId]);
    }
  });

  afterAll(() => db?.drop());

  const levels = async (caseId: string) =>
    (await db.pool.query(`SELECT data->>'level' AS level FROM events WHERE stream_id = $1 AND type = 'EscalationLevelReached' ORDER BY stream_version`, [caseStreamId(caseId)])).rows.map(
      (r) => Number(r.level),
    );

  it('fires a batch of timers in one go: each case reaches its next level once, a duplicate in the batch decides nothing', async () => {
    const outcomes = await handler.fireMany([
      { caseId: cases[0], level: 0 },
      { caseId: cases[1], level: 0 },
      { caseId: cases[0], level: 0 },
    ]);
    expect(outcomes).toEqual(['escalated', 'escalated', 'stale']);
    expect(await levels(cases[0])).toEqual([0, 1]);
    expect(await levels(cases[1])).toEqual([0, 1]);
    const { rows } = await db.pool.query(`SELECT job_id FROM escalation_timers WHERE fired_at IS NULL`);
    expect(rows).toEqual([]);
  });

  it('treats a redelivered timer as stale, alone or in a batch', async () => {
    expect(await handler.fire({ caseId: cases[0], level: 0 })).toBe('stale');
    expect(await handler.fireMany([{ caseId: cases[0], level: 0 }, { caseId: cases[1], level: 0 }])).toEqual(['stale', 'stale']);
    expect(await levels(cases[0])).toEqual([0, 1]);
  });

  it('reaches the next level of each case on the next timers, with the stream chained', async () => {
    expect(await handler.fireMany(cases.map((caseId) => ({ caseId, level: 1 })))).toEqual(['escalated', 'escalated']);
    for (const caseId of cases) {
      expect(await levels(caseId)).toEqual([0, 1, 2]);
      expect((await store.verifyStream(caseStreamId(caseId))).ok).toBe(true);
    }
  });
});

describe('EscalationTimerSweeper (real PostgreSQL)', () => {
  const OPENED = '2025-06-02T01:00:00.000Z';
  const DUE = new Date('2025-06-05T01:00:00.000Z');
  let db: MigratedTestDatabase;
  let store: EventStore;
  let clock: FixedClock;

  beforeAll(async () => {
    db = await createMigratedDatabase('escalation_sweeper');
    store = new EventStore(db.pool);
    clock = new FixedClock(new Date(DUE.getTime() - 60_000));
  });
  afterAll(() => db?.drop());

  const sweeper = (concurrency: number, on: FixedClock = clock) =>
    new EscalationTimerSweeper(
      new EscalationTimerHandler(db.pool, store, on),
      db.pool,
      new SinergiMetrics('worker'),
      on,
      testConfig({ DATABASE_URL: db.url, ESCALATION_CONCURRENCY: String(concurrency), ESCALATION_TIMER_POLL_MS: '20' }),
    );

  /** `n` open cases on Sinjai's ladder, each with its level-0 timer row due at `due`. */
  const openCases = async (n: number, due: Date, tag: string): Promise<string[]> => {
    const ids = Array.from({ length: n }, (_, i) => caseIdFor(`0c0d0e0f-${tag.padStart(4, '0')}-4000-8000-${String(i).padStart(12, '0')}`, 1));
    await store.appendMany(
      ids.map((caseId) => ({
        streamId: caseStreamId(caseId),
        expected: NO_STREAM,
        events: decideCase(
          { type: 'OpenCase', caseId, projectId: caseId, regionCode: '73.07.01', agencyCode: 'PUPR', reasons: ['ENROLMENT_MISSING'], ladder: DEFAULT_SINJAI_LADDER, now: OPENED },
          initialCaseState(),
        ).map((e) => ({ type: e.type, data: e.data, metadata: meta })),
      })),
    );
    await db.pool.query(`INSERT INTO escalation_timers (job_id, case_id, level, due_at) SELECT 'escalation-' || c || '-level-0', c, 0, $2 FROM unnest($1::uuid[]) c`, [ids, due]);
    return ids;
  };
  const level1Count = async (ids: string[]) =>
    Number(
      (
        await db.pool.query(`SELECT count(*) AS n FROM events WHERE stream_id = ANY($1::text[]) AND type = 'EscalationLevelReached' AND (data->>'level')::int = 1`, [
          ids.map(caseStreamId),
        ])
      ).rows[0].n,
    );

  it('fires nothing before its due time by the worker clock, then every due timer once; cancelled ones never', async () => {
    const ids = await openCases(3, DUE, '1');
    await db.pool.query(`UPDATE escalation_timers SET cancelled_at = now() WHERE case_id = $1`, [ids[2]]);
    const s = sweeper(10);
    expect(await s.sweep()).toBe(0);
    clock.set(DUE);
    expect(await s.sweep()).toBe(2);
    expect(await s.sweep()).toBe(0);
    expect(await level1Count(ids)).toBe(2);
    const { rows } = await db.pool.query(`SELECT case_id, fired_at IS NOT NULL AS fired FROM escalation_timers WHERE case_id = ANY($1::uuid[]) ORDER BY case_id`, [ids]);
    expect(Object.fromEntries(rows.map((r) => [r.case_id, r.fired]))).toEqual({ [ids[0]]: true, [ids[1]]: true, [ids[2]]: false });
  });

  it('shares a wave between two workers running their loops at once: each case reaches its next level exactly once', async () => {
    const ids = await openCases(1200, DUE, '2');
    const [a, b] = [sweeper(300), sweeper(300)];
    a.onApplicationBootstrap();
    b.onApplicationBootstrap();
    try {
      for (let i = 0; i < 500 && (await level1Count(ids)) < ids.length; i += 1) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await Promise.all([a.beforeApplicationShutdown(), b.beforeApplicationShutdown()]);
    }
    expect(await level1Count(ids)).toBe(ids.length);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM (SELECT stream_id FROM events WHERE stream_id = ANY($1::text[]) AND type = 'EscalationLevelReached' GROUP BY stream_id HAVING count(*) <> 2) d`,
      [ids.map(caseStreamId)],
    );
    expect(rows[0].n).toBe(0);
    expect(Number((await db.pool.query(`SELECT count(*) AS n FROM escalation_timers WHERE case_id = ANY($1::uuid[]) AND fired_at IS NULL`, [ids])).rows[0].n)).toBe(0);
  });

  it('asks PostgreSQL once per poll while idle however many loops it runs, and wakes them all for a wave', async () => {
    let claims = 0;
    let inFlight = 0;
    let mostInFlight = 0;
    const counting = new Proxy(db.pool, {
      get: (pool, key) =>
        key === 'query'
          ? (sql: string, params?: unknown[]) => {
              if (sql.includes('UPDATE escalation_timers t')) claims += 1;
              return pool.query(sql, params);
            }
          : Reflect.get(pool, key, pool),
    });
    const handler = new EscalationTimerHandler(db.pool, store, clock);
    const fireMany = handler.fireMany.bind(handler);
    handler.fireMany = async (...args) => {
      mostInFlight = Math.max(mostInFlight, (inFlight += 1));
      try {
        return await fireMany(...args);
      } finally {
        inFlight -= 1;
      }
    };
    const s = new EscalationTimerSweeper(
      handler,
      counting,
      new SinergiMetrics('worker'),
      clock,
      testConfig({ DATABASE_URL: db.url, ESCALATION_CONCURRENCY: '2000', ESCALATION_TIMER_POLL_MS: '20' }),
    );
    s.onApplicationBootstrap();
    try {
      await new Promise((r) => setTimeout(r, 500));
      // Eight loops of 250; the lead alone polls (about 25 in 500 ms), where eight would ask about 200 times.
      expect(claims).toBeGreaterThan(3);
      expect(claims).toBeLessThan(60);

      const ids = await openCases(2000, DUE, '5');
      for (let i = 0; i < 400 && (await level1Count(ids)) < ids.length; i += 1) await new Promise((r) => setTimeout(r, 50));
      expect(await level1Count(ids)).toBe(ids.length);
      expect(mostInFlight).toBeGreaterThan(1);
    } finally {
      await s.beforeApplicationShutdown();
    }
  });

  it('leaves a timer claimed by a worker that died to another worker once the claim lapses, and it fires once', async () => {
    const [id] = await openCases(1, DUE, '3');
    // A worker claimed it and died before firing: the lease runs 30 s from its clock.
    await db.pool.query(`UPDATE escalation_timers SET claimed_until = $2, attempts = 1 WHERE case_id = $1`, [id, new Date(clock.now().getTime() + 30_000)]);
    expect(await sweeper(10).sweep()).toBe(0);
    const later = new FixedClock(new Date(clock.now().getTime() + 31_000));
    expect(await sweeper(10, later).sweep()).toBe(1);
    expect(await sweeper(10, later).sweep()).toBe(0);
    expect(await level1Count([id])).toBe(1);
    const { rows } = await db.pool.query(`SELECT attempts FROM escalation_timers WHERE case_id = $1`, [id]);
    expect(rows[0].attempts).toBe(2);
  });

  it('does not fire a timer twice when its first firing appended but the mark was lost', async () => {
    const [id] = await openCases(1, DUE, '4');
    expect(await sweeper(10).sweep()).toBe(1);
    await db.pool.query(`UPDATE escalation_timers SET fired_at = NULL, claimed_until = NULL WHERE case_id = $1`, [id]);
    expect(await sweeper(10).sweep()).toBe(1);
    expect(await level1Count([id])).toBe(1);
  });
});
