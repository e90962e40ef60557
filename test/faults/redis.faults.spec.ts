import { projectRegistered, waitFor } from '@sinergi/testing';
import { type ApiProcess, type FaultSystem, startFaultSystem } from './support/fault-system';
import { expectInvariants } from './support/invariants';
import { describeLong, verdictsOf, waitForVerdicts } from './support/scenario';

const refs = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);

/** Redis is transport: what it loses is re-derived from PostgreSQL, and while it is full nothing is silently dropped. */
describe('Redis restarted with jobs pending', () => {
  let system: FaultSystem;
  let api: ApiProcess;

  beforeAll(async () => {
    system = await startFaultSystem('redis-restart', { redis: 'private' });
    [api] = await Promise.all([system.api(), system.worker()]);
  });
  afterAll(() => system?.stop());

  it('loses every job (no persistence) and still reaches one verdict per project, posts during the outage included', async () => {
    const before = refs('94000', 16);
    system.enrol(before);
    system.sim.setFaults({ latencyMs: 300 });
    const ids: string[] = [];
    for (const ref of before) ids.push((await system.post(api, '/v1/procurement/events', projectRegistered(ref))).body.projectId);
    await waitFor(() => verdictsOf(system.db.pool, ids), (v) => v.size >= 1, 30_000);

    await system.redis!.stop('SIGKILL');
    // PostgreSQL records what arrives meanwhile; the answer is 202, or 503 with Retry-After, never a 500.
    const during = await Promise.all(refs('94100', 4).map((ref) => system.post(api, '/v1/procurement/events', projectRegistered(ref))));
    for (const answer of during) {
      if (answer.status === 503) expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
      else expect(answer.status).toBe(202);
    }
    await system.redis!.start();
    system.sim.setFaults({ latencyMs: 0 });
    const recorded = during.filter((a) => a.status === 202).map((a) => a.body.projectId as string);
    const verdicts = await waitForVerdicts(system.db.pool, [...ids, ...recorded], 90_000);
    expect([...verdicts.values()].every((n) => n === 1)).toBe(true);
    await expectInvariants(system);
  });
});

describeLong('Redis full (maxmemory, noeviction)', () => {
  let system: FaultSystem;
  let api: ApiProcess;

  beforeAll(async () => {
    system = await startFaultSystem('redis-full', { redis: 'private', redisArgs: ['--maxmemory', '8mb', '--maxmemory-policy', 'noeviction'] });
    [api] = await Promise.all([system.api(), system.worker()]);
  });
  afterAll(() => system?.stop());

  it('the api answers 202 (recorded) or 503 with Retry-After, never a 500; once there is room every project is verified once', async () => {
    // Fill Redis until it refuses writes.
    await system.redis!.command(async (r) => {
      const chunk = 'x'.repeat(256 * 1024);
      for (let i = 0; ; i++) {
        try {
          await r.set(`filler:${i}`, chunk);
        } catch (error) {
          expect(String(error)).toContain('OOM');
          return;
        }
      }
    });
    const answers = await Promise.all(refs('94200', 10).map((ref) => system.post(api, '/v1/procurement/events', projectRegistered(ref))));
    for (const answer of answers) {
      if (answer.status === 503) {
        expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(answer.contentType).toContain('application/problem+json');
      } else expect(answer.status).toBe(202);
    }
    const recorded = answers.filter((a) => a.status === 202).map((a) => a.body.projectId as string);
    // Nothing reaches a verdict while the queue cannot take a job …
    const { rows } = await system.db.pool.query(`SELECT count(*)::int AS n FROM events WHERE type = 'ComplianceStatusChanged'`);
    expect(rows[0].n).toBe(0);
    // … and once there is room, every recorded project is verified, once.
    await system.redis!.command((r) => r.flushall());
    const verdicts = await waitForVerdicts(system.db.pool, recorded, 90_000);
    expect([...verdicts.values()].every((n) => n === 1)).toBe(true);
    await expectInvariants(system);
  });
});
