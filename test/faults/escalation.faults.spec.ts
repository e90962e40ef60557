import { projectRegistered, waitFor } from '@sinergi/testing';
import { type ApiProcess, type FaultSystem, startFaultSystem } from './support/fault-system';
import { expectInvariants } from './support/invariants';
import { describeLong, elapse } from './support/scenario';

/**
 * Escalation timers through outages: the whole system down across a due time (the level fires once, on recovery, and
 * the ladder goes on), and Redis flushed with timers and verification jobs pending (re-derived from PostgreSQL).
 */
describeLong('escalation timers across outages', () => {
  let system: FaultSystem;
  let api: ApiProcess;

  beforeAll(async () => {
    // Every ladder wait is 3 s.
    system = await startFaultSystem('escalation', { redis: 'private', env: { ESCALATION_FAST_LADDER_MS: '3000' } });
  });
  afterAll(() => system?.stop());

  const levels = async (projectId: string) =>
    (
      await system.db.pool.query<{ level: number }>(
        `SELECT (e.data->>'level')::int AS level FROM events e JOIN escalation_cases c ON e.stream_id = 'case-' || c.case_id
          WHERE c.project_id = $1 AND e.type = 'EscalationLevelReached' ORDER BY e.global_position`,
        [projectId],
      )
    ).rows.map((r) => r.level);

  it('fires the level that fell due while everything was stopped once, after the restart, then the rest of the ladder', async () => {
    [api] = await Promise.all([system.api(), system.worker()]);
    // Not enrolled at BPJS: a case opens and its level 0 is reached at once.
    const answer = await system.post(api, '/v1/procurement/events', projectRegistered('9800001'));
    const projectId = answer.body.projectId as string;
    await waitFor(() => levels(projectId), (l) => l.includes(0), 60_000);
    await Promise.all(system.processes.map((p) => p.stop('SIGTERM')));
    const stoppedAt = Date.now();
    // Level 1 falls due 3 s after level 0, while nothing runs.
    await elapse(5_000);
    expect(await levels(projectId)).toEqual([0]);
    [api] = await Promise.all([system.api(), system.worker()]);
    const reached = await waitFor(() => levels(projectId), (l) => l.includes(2), 60_000);
    expect(reached.slice(0, 3)).toEqual([0, 1, 2]);
    const { rows } = await system.db.pool.query(
      `SELECT (e.data->>'reachedAt') AS at FROM events e JOIN escalation_cases c ON e.stream_id = 'case-' || c.case_id
        WHERE c.project_id = $1 AND e.type = 'EscalationLevelReached' AND e.data->>'level' = '1'`,
      [projectId],
    );
    expect(Date.parse(rows[0].at)).toBeGreaterThan(stoppedAt + 5_000);
    await waitFor(() => levels(projectId), (l) => l.includes(3), 60_000);
    await expectInvariants(system);
  });

  it('Redis flushed with timers and verification jobs pending: every level still fires once, every project gets its verdict', async () => {
    // One project whose case waits on its level-1 timer, and verifications held by a slow BPJS.
    const waiting = (await system.post(api, '/v1/procurement/events', projectRegistered('9800002'))).body.projectId as string;
    await waitFor(() => levels(waiting), (l) => l.includes(0), 60_000);
    system.sim.setFaults({ latencyMs: 2_000 });
    const slow = await Promise.all(['9800003', '9800004', '9800005'].map((ref) => system.post(api, '/v1/procurement/events', projectRegistered(ref))));
    await waitFor(async () => system.sim.calls().filter((c) => c.status === null).length, (n) => n > 0, 30_000);
    await system.redis!.command((r) => r.flushall());
    system.sim.setFaults({ latencyMs: 0 });
    // The reconcilers (every 15 s) queue again what PostgreSQL still has pending.
    await waitFor(() => levels(waiting), (l) => l.includes(3), 90_000);
    const ids = slow.map((a) => a.body.projectId as string);
    await waitFor(async () => Promise.all(ids.map(levels)), (all) => all.every((l) => l.includes(0)), 90_000);
    await expectInvariants(system);
  });
});
