import type { SimulatorFaults } from '@sinergi/bpjs-simulator';
import { projectRegistered, waitFor } from '@sinergi/testing';
import { type ApiProcess, contractNumberOf, type FaultSystem, startFaultSystem } from './support/fault-system';
import { expectInvariants } from './support/invariants';
import { describeLong, waitForVerdicts } from './support/scenario';

/**
 * BPJS misbehaving while verifications run: 500s, 429 with Retry-After, calls never answered, answers 30 s late, bodies
 * cut short. While it lasts nothing is recorded from a bad answer; once BPJS is well again every project gets one
 * verdict, and slowing down (429) burns no attempt.
 */
describeLong('BPJS answering badly', () => {
  let system: FaultSystem;
  let api: ApiProcess;

  beforeAll(async () => {
    // Attempts enough to outlast each fault window; a call waits 2 s at most.
    system = await startFaultSystem('bpjs', { env: { BPJS_TIMEOUT_MS: '2000', VERIFICATION_ATTEMPTS: '20', VERIFICATION_BACKOFF_MS: '100' } });
    [api] = await Promise.all([system.api(), system.worker()]);
  });
  afterAll(() => system?.stop());

  const cases: [string, Partial<SimulatorFaults>, number][] = [
    ['500 to every call', { errorRate: 1, errorStatus: 500 }, 500],
    ['429 with Retry-After', { rateLimitPerSecond: 1 }, 429],
    ['no answer at all (timeouts)', { timeoutRate: 1 }, 0],
    ['answers 30 s late', { latencyMs: 30_000 }, 0],
    ['200 with a malformed body', { malformedRate: 1 }, 200],
  ];

  it.each(cases)('%s: nothing recorded from it, one verdict per project once BPJS recovers', async (label, faults, status) => {
    const tag = String(cases.findIndex((c) => c[0] === label));
    const refs = Array.from({ length: 5 }, (_, i) => `96${tag}000${i}`);
    system.enrol(refs);
    system.sim.setFaults(faults);
    const contracts = new Set(refs.map(contractNumberOf));
    const calls = () => system.sim.calls().filter((c) => contracts.has(c.contractNumber ?? ''));
    try {
      const answers = await Promise.all(refs.map((ref) => system.post(api, '/v1/procurement/events', projectRegistered(ref))));
      const ids = answers.map((a) => a.body.projectId as string);
      // BPJS has been asked (and has answered with the fault, where it answers) more than once.
      await waitFor(async () => calls().filter((c) => (status === 0 ? c.status === null : c.status === status)).length, (n) => n >= 2, 30_000);
      const { rows } = await system.db.pool.query(`SELECT count(*)::int AS n FROM events WHERE stream_id = ANY($1::text[])`, [ids.map((id) => `compliance-${id}`)]);
      if (status !== 429) expect(rows[0].n).toBe(0);

      system.sim.setFaults({ errorRate: 0, rateLimitPerSecond: 0, timeoutRate: 0, latencyMs: 0, malformedRate: 0, errorStatus: 503 });
      const verdicts = await waitForVerdicts(system.db.pool, ids, 90_000);
      expect([...verdicts.values()]).toEqual(ids.map(() => 1));
      const failed = await system.db.pool.query(`SELECT count(*)::int AS n FROM events WHERE stream_id = ANY($1::text[]) AND type = 'VerificationFailed'`, [
        ids.map((id) => `compliance-${id}`),
      ]);
      expect(failed.rows[0].n).toBe(0);
      await expectInvariants(system);
    } finally {
      system.sim.setFaults({ errorRate: 0, rateLimitPerSecond: 0, timeoutRate: 0, latencyMs: 0, malformedRate: 0, errorStatus: 503 });
    }
  });
});
