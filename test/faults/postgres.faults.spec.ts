import { projectRegistered, waitFor } from '@sinergi/testing';
import { Client } from 'pg';
import { type ApiProcess, type FaultSystem, startFaultSystem } from './support/fault-system';
import { expectInvariants } from './support/invariants';
import { describeLong, waitForVerdicts } from './support/scenario';

/** A sender that posts again what got no answer, or a 5xx, as docs/api.md asks of procurement systems. */
async function postUntilAnswered(system: FaultSystem, api: ApiProcess, event: unknown, seen: number[]) {
  for (;;) {
    const answer = await system.post(api, '/v1/procurement/events', event).catch(() => null);
    seen.push(answer?.status ?? 0);
    if (answer && answer.status < 500) return answer;
    if (answer?.status === 503) expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** PostgreSQL is the system of record: restarted, or out of connections, nothing acknowledged is lost or doubled. */
describeLong('PostgreSQL restarted, and out of connections', () => {
  let system: FaultSystem;
  let api: ApiProcess;

  beforeAll(async () => {
    system = await startFaultSystem('postgres', { postgres: 'private', env: { DATABASE_POOL_SIZE: '4' } });
    [api] = await Promise.all([system.api(), system.worker()]);
  });
  afterAll(() => system?.stop());

  it('restarted mid-traffic: every event posted is recorded once and verified once; the outage answers 503, never a 500', async () => {
    const refs = Array.from({ length: 30 }, (_, i) => `9700${String(i).padStart(3, '0')}`);
    system.enrol(refs);
    const seen: number[] = [];
    const traffic = (async () => {
      const answers = [];
      for (const ref of refs) answers.push(await postUntilAnswered(system, api, projectRegistered(ref), seen));
      return answers;
    })();
    await waitFor(async () => seen.length, (n) => n >= 5);
    await system.pg!.stop();
    await waitFor(async () => seen.filter((s) => s >= 500 || s === 0).length, (n) => n >= 2, 30_000);
    await system.pg!.start();
    const answers = await traffic;
    expect(answers.every((a) => a.status === 202 || a.status === 200)).toBe(true);
    expect(seen.filter((s) => s === 500)).toEqual([]);
    const ids = [...new Set(answers.map((a) => a.body.projectId as string))];
    expect(ids).toHaveLength(refs.length);
    const verdicts = await waitForVerdicts(system.db.pool, ids, 120_000).catch(async (error: Error) => {
      const state = await system.db.pool.query(`SELECT (SELECT count(*) FROM verification_requests) AS requests, (SELECT count(*) FROM verification_requests WHERE completed_at IS NOT NULL) AS completed, (SELECT json_agg(c) FROM consumer_checkpoints c) AS checkpoints, (SELECT max(global_position) FROM events) AS head`);
      throw new Error(`${error.message}\n${JSON.stringify(state.rows[0])}\n${system.processes.map((p) => `--- ${p.name}\n${p.output().slice(-4000)}`).join('\n')}`);
    });
    expect([...verdicts.values()].every((n) => n === 1)).toBe(true);
    await expectInvariants(system);
  });

  it('no connection left on the server: the api answers 503 with Retry-After, and records once there is room', async () => {
    // Take every connection the server has left, so the api's pool can open none (its idle ones are closed first).
    await system.db.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename LIKE '%_app' AND pid <> pg_backend_pid()`);
    const hogs: Client[] = [];
    for (;;) {
      const hog = new Client({ connectionString: system.db.url });
      hog.on('error', () => undefined);
      try {
        await hog.connect();
        hogs.push(hog);
      } catch {
        break;
      }
    }
    const seen: number[] = [];
    try {
      const answer = await system.post(api, '/v1/procurement/events', projectRegistered('9701000'));
      seen.push(answer.status);
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(answer.contentType).toContain('application/problem+json');
    } finally {
      await Promise.all(hogs.map((h) => h.end().catch(() => undefined)));
    }
    const recorded = await postUntilAnswered(system, api, projectRegistered('9701000'), seen);
    expect(recorded.status).toBe(202);
    await waitForVerdicts(system.db.pool, [recorded.body.projectId]);
    await expectInvariants(system);
  });

  it('a pool of 4 connections under 150 concurrent posts: every one answered 202, recorded once', async () => {
    const refs = Array.from({ length: 150 }, (_, i) => `9702${String(i).padStart(3, '0')}`);
    const answers = await Promise.all(refs.map((ref) => system.post(api, '/v1/procurement/events', projectRegistered(ref))));
    expect(answers.map((a) => a.status).filter((s) => s !== 202)).toEqual([]);
    await waitForVerdicts(system.db.pool, answers.map((a) => a.body.projectId as string), 120_000);
    await expectInvariants(system);
  });
});
