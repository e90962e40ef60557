import { projectRegistered, waitFor } from '@sinergi/testing';
import { LadderRepository } from '../../src/modules/escalation/directory/ladder.repository';
import { DEFAULT_SINJAI_LADDER, SINJAI_REGION_CODE } from '../../src/modules/escalation/ladder/escalation-ladder';
import { type ApiProcess, type FaultSystem, startFaultSystem } from './support/fault-system';
import { expectInvariants } from './support/invariants';
import { describeLong } from './support/scenario';
import { LIBFAKETIME, type SteppedClock, steppedClock } from './support/stepped-clock';

/**
 * The clock jumping forward a day: the wall clock of the api and worker processes is stepped 24 h ahead while they
 * run, as an NTP step on their host does; PostgreSQL, Redis and this process stay on the real clock (other hosts in
 * production). A case's level due in the skipped day fires once, at once; the waits after the step are measured on
 * the new time; nothing crashes; the invariants hold by the processes' clock.
 *
 * How the clock moves: libfaketime (LD_PRELOAD, support/stepped-clock.ts), not a test-mode offset of the app's CLOCK
 * provider: Date.now() is what BullMQ, pg, ioredis and every library read too, so the whole process moves as on a
 * stepped host; the monotonic clock stays real (Node's timers keep their pace, as across a real step). Without
 * libfaketime (`apt-get install -y faketime`; .ci/run installs it) the scenario is skipped, saying so.
 *
 * The ladder: Sinjai's rungs stored for 73.07 with a first wait of 6 h (due inside the skipped day; never in real time
 * during the test) and 3 s after (they fall due after the step, on the new time). ESCALATION_FAST_LADDER_MS gives
 * every rung the same wait, so it cannot put one due time inside the day and the next ones within the test. A wait
 * starts when its level is reached (escalation-timers), so one level per case falls due in the skipped day.
 */
const DAY_MS = 86_400_000;
const FIRST_WAIT_MS = 6 * 3_600_000;
const WAIT_MS = 3_000;
const LEVELS = DEFAULT_SINJAI_LADDER.levels.map((l, i, all) => ({
  level: l.level,
  recipients: [...l.recipients],
  waitBeforeNext: i === all.length - 1 ? null : i === 0 ? 'PT6H' : 'PT3S',
}));

interface Reached {
  level: number;
  reachedAt: number;
  nextAt: number | null;
}

const title = 'the clock jumping forward a day';
if (LIBFAKETIME) {
  describeLong(title, () => {
    let system: FaultSystem;
    let clock: SteppedClock;
    let api: ApiProcess;

    beforeAll(async () => {
      clock = steppedClock(LIBFAKETIME!);
      system = await startFaultSystem('clock', { env: clock.env });
      await new LadderRepository(system.db.pool).saveNewVersion(SINJAI_REGION_CODE, LEVELS, null);
    });
    afterAll(async () => {
      await system?.stop();
      clock?.remove();
    });

    const caseOf = async (projectId: string) =>
      (await system.db.pool.query<{ case_id: string }>(`SELECT case_id FROM escalation_cases WHERE project_id = $1`, [projectId])).rows[0]?.case_id;
    const reached = async (projectId: string): Promise<Reached[]> =>
      (
        await system.db.pool.query<{ level: number; reached_at: string; next_at: string | null }>(
          `SELECT (e.data->>'level')::int AS level, e.data->>'reachedAt' AS reached_at, e.data->>'nextEscalationAt' AS next_at
             FROM events e JOIN escalation_cases c ON e.stream_id = 'case-' || c.case_id
            WHERE c.project_id = $1 AND e.type = 'EscalationLevelReached' ORDER BY e.global_position`,
          [projectId],
        )
      ).rows.map((r) => ({ level: r.level, reachedAt: Date.parse(r.reached_at), nextAt: r.next_at === null ? null : Date.parse(r.next_at) }));
    const timers = async (caseId: string) =>
      (
        await system.db.pool.query<{ level: number; due_at: Date; fired: boolean }>(
          `SELECT level, due_at, fired_at IS NOT NULL AS fired FROM escalation_timers WHERE case_id = $1 ORDER BY level`,
          [caseId],
        )
      ).rows.map((r) => ({ level: r.level, dueAt: r.due_at.getTime(), fired: r.fired }));
    // The client's clock agrees with the api's (one NTP for both): X-Timestamp from the processes' time.
    const register = (ref: string) => system.post(api, '/v1/procurement/events', projectRegistered(ref), { now: clock.now() });

    it('fires the level due in the skipped day once, runs the later waits on the new time, and nothing crashes', async () => {
      const [started, worker] = await Promise.all([system.api(), system.worker()]);
      api = started;
      // Not enrolled at BPJS: non-compliant, a case opens at level 0 and waits 6 h for level 1.
      const before = (await register('9810001')).body.projectId as string;
      const [level0] = await waitFor(() => reached(before), (r) => r.length > 0, 60_000);
      expect(level0.nextAt).toBe(level0.reachedAt + FIRST_WAIT_MS);
      const caseId = (await caseOf(before))!;
      expect(await timers(caseId)).toEqual([{ level: 0, dueAt: level0.nextAt, fired: false }]);

      const steppedAt = Date.now();
      clock.stepTo(DAY_MS);

      // Level 1 (due 18 h ago by the new time) fires at once, levels 2 and 3 3 s apart on the new time.
      const ladder = await waitFor(() => reached(before), (r) => r.some((l) => l.level === 3), 60_000);
      expect(ladder.map((l) => l.level)).toEqual([0, 1, 2, 3]);
      const [, level1, level2, level3] = ladder;
      expect(level1.reachedAt).toBeGreaterThanOrEqual(steppedAt + DAY_MS);
      expect(level1.nextAt).toBe(level1.reachedAt + WAIT_MS);
      expect(level2.reachedAt).toBeGreaterThanOrEqual(level1.nextAt!);
      expect(level2.nextAt).toBe(level2.reachedAt + WAIT_MS);
      expect(level3.reachedAt).toBeGreaterThanOrEqual(level2.nextAt!);
      expect(level3.nextAt).toBeNull();
      // The timer rows are marked fired just after the level's append (escalation-timers.ts).
      expect(await waitFor(() => timers(caseId), (t) => t.every((row) => row.fired), 30_000)).toEqual([
        { level: 0, dueAt: level0.nextAt, fired: true },
        { level: 1, dueAt: level1.nextAt, fired: true },
        { level: 2, dueAt: level2.nextAt, fired: true },
      ]);

      // A case opened after the step: its deadline is the new time's.
      const after = (await register('9810002')).body.projectId as string;
      const [opened] = await waitFor(() => reached(after), (r) => r.length > 0, 60_000);
      expect(opened.reachedAt).toBeGreaterThanOrEqual(steppedAt + DAY_MS);
      expect(opened.nextAt).toBe(opened.reachedAt + FIRST_WAIT_MS);
      expect(await timers((await caseOf(after))!)).toEqual([{ level: 0, dueAt: opened.nextAt, fired: false }]);

      // The daily re-check of the first project (registered a day ago by the processes' clock): once, in the new
      // day's period, completed; none for the project registered just now.
      const rechecks = (projectId: string) =>
        system.db.pool
          .query<{ done: boolean }>(`SELECT completed_at IS NOT NULL AS done FROM verification_requests WHERE project_id = $1 AND trigger_type = 'PeriodicRecheck'`, [projectId])
          .then((r) => r.rows.map((row) => row.done));
      expect(await waitFor(() => rechecks(before), (r) => r.length > 0 && r.every(Boolean), 60_000)).toEqual([true]);
      expect(await rechecks(after)).toEqual([]);

      // A client still on the old time is refused (its signature is a day stale), not failed with a 500.
      const stale = await system.post(api, '/v1/procurement/events', projectRegistered('9810003'));
      expect(stale.status).toBe(401);
      expect(stale.contentType).toContain('application/problem+json');

      // Every level of the first case told to someone, once per (level, recipient, channel).
      const { rows: notified } = await system.db.pool.query<{ level: number; copies: number }>(
        `SELECT level, count(*)::int AS copies FROM notifications WHERE case_id = $1 AND kind = 'CASE_ESCALATED'
          GROUP BY level, recipient_kind, recipient_id, channel ORDER BY level`,
        [caseId],
      );
      expect([...new Set(notified.map((n) => n.level))]).toEqual([0, 1, 2, 3]);
      expect(notified.filter((n) => n.copies > 1)).toEqual([]);

      expect([api, worker].map((p) => p.running())).toEqual([true, true]);
      // Nothing logged at error or fatal level (pino 50, 60) by either process.
      expect([api, worker].flatMap((p) => p.output().split('\n').filter((line) => /"level":(50|60)\b/.test(line)))).toEqual([]);
      expect((await fetch(`${api.url}/health/ready`)).status).toBe(200);
      await expectInvariants(system, { now: clock.now() });
    });
  });
} else {
  const why = 'needs libfaketime (/usr/lib/<arch>/faketime/libfaketime.so.1): apt-get install -y faketime (.ci/run installs it)';
  describe(title, () => {
    console.warn(`skipped "${title}": ${why}`);
    it.skip(why, () => undefined);
  });
}
