import { projectRegistered, waitFor } from '@sinergi/testing';
import { type ApiProcess, contractNumberOf, type FaultSystem, startFaultSystem } from './support/fault-system';
import { type CommitGate, installCommitGate } from './support/commit-gate';
import { expectInvariants } from './support/invariants';
import { itLong, streamTypes, verdictsOf, waitForVerdicts, withVerificationQueue } from './support/scenario';

/**
 * A worker killed with SIGKILL at each step of a verification, and a worker whose event loop is blocked past the job's
 * lock: another worker finishes the job, and the project has one verdict, once. The steps are held deterministically:
 * before the BPJS call by a fault point (SINERGI_FAULT_POINTS); before the commit by a trigger that makes the
 * transaction wait for an advisory lock the test holds (support/commit-gate.ts); after the commit, before BullMQ hears of
 * it, by pausing the private Redis's writes (CLIENT PAUSE WRITE) while the gate is opened.
 */
describe('a worker killed or stalled mid-verification', () => {
  let system: FaultSystem;
  let api: ApiProcess;
  let gate: CommitGate;

  beforeAll(async () => {
    system = await startFaultSystem('worker-crash', { redis: 'private' });
    gate = await installCommitGate(system.db.url, system.db.pool);
    api = await system.api();
  });
  afterAll(async () => {
    await gate?.remove();
    await system?.stop();
  });
  afterEach(() => Promise.all(system.processes.filter((p) => p.name.startsWith('worker')).map((p) => p.stop('SIGKILL'))));

  const register = async (ref: string): Promise<string> => {
    system.enrol([ref]);
    const res = await system.post(api, '/v1/procurement/events', projectRegistered(ref));
    expect(res.status).toBe(202);
    return res.body.projectId as string;
  };
  const callsFor = (ref: string) => system.sim.calls().filter((c) => c.contractNumber === contractNumberOf(ref)).length;
  const verdictCount = async (projectId: string) => (await verdictsOf(system.db.pool, [projectId])).get(projectId) ?? 0;
  const jobOf = async (projectId: string) => {
    const { rows } = await system.db.pool.query<{ job_id: string }>(`SELECT job_id FROM verification_requests WHERE project_id = $1`, [projectId]);
    return rows[0].job_id;
  };

  /** Holds the first worker at `step`, kills it, then lets a fresh one finish; returns what the kill left behind. */
  const crashAt = async (step: 'before-registry-call' | 'before-commit' | 'before-ack', ref: string) => {
    const first = await system.worker(step === 'before-registry-call' ? { SINERGI_FAULT_POINTS: 'verification.before-registry-call' } : {});
    if (step !== 'before-registry-call') await gate.close();
    const projectId = await register(ref);
    if (step === 'before-registry-call') {
      await first.waitForOutput('SINERGI_FAULT_POINT verification.before-registry-call');
    } else {
      await gate.waitForBlocked();
      if (step === 'before-ack') {
        await system.redis!.command((r) => r.call('CLIENT', 'PAUSE', '60000', 'WRITE'));
        await gate.open();
        await waitFor(() => verdictCount(projectId), (n) => n > 0, 30_000);
      }
    }
    const exit = await first.stop('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    if (step === 'before-ack') await system.redis!.command((r) => r.call('CLIENT', 'UNPAUSE'));
    if (step === 'before-commit') {
      // The backend of the dead worker still waits at the gate; opened, it finds its client gone and rolls back.
      await gate.open();
      await waitFor(async () => (await system.db.pool.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`)).rows[0].n, (n) => n === 0);
    }
    const left = { calls: callsFor(ref), verdicts: await verdictCount(projectId) };

    const second = await system.worker();
    await waitForVerdicts(system.db.pool, [projectId]);
    const jobId = await jobOf(projectId);
    // The job is done in BullMQ too (a job killed after its commit is run again once its lock expires).
    await withVerificationQueue(system.redisUrl, system.prefix, (queue) =>
      waitFor(() => queue.getJobState(jobId), (state) => state === 'completed', 30_000, 100),
    );
    await second.stop('SIGTERM');
    expect(await streamTypes(system.db.pool, `compliance-${projectId}`)).toEqual(['EnrolmentConfirmed', 'ComplianceStatusChanged']);
    await expectInvariants(system);
    return { ...left, projectId };
  };

  it('before the BPJS call: BPJS was never asked, the next worker asks once and records one verdict', async () => {
    const left = await crashAt('before-registry-call', '9100001');
    expect(left).toMatchObject({ calls: 0, verdicts: 0 });
    expect(callsFor('9100001')).toBe(1);
  });

  itLong('after the BPJS call, before its events commit: nothing was recorded, the next worker asks again and records one verdict', async () => {
    const left = await crashAt('before-commit', '9100002');
    expect(left).toMatchObject({ calls: 1, verdicts: 0 });
    expect(callsFor('9100002')).toBe(2);
  });

  itLong('after the commit, before the job is acknowledged: the job runs again and records nothing more', async () => {
    const left = await crashAt('before-ack', '9100003');
    expect(left).toMatchObject({ calls: 1, verdicts: 1 });
    // The job was taken again (its lock expired with the dead worker), and the verdict stayed one.
    const job = await withVerificationQueue(system.redisUrl, system.prefix, async (queue) => queue.getJob(await jobOf(left.projectId)));
    expect(job!.attemptsStarted).toBeGreaterThanOrEqual(2);
  });

  itLong('an event loop blocked past the job lock: the stalled job runs on another worker too, and takes effect once', async () => {
    // The first worker's loop blocks right before it asks BPJS, and SIGSTOP keeps it blocked (nothing runs: no lock
    // renewal, no I/O) until the other worker has taken the stalled job over and recorded the verdict.
    const env = { VERIFICATION_LOCK_MS: '2000', VERIFICATION_CONCURRENCY: '1' };
    const stalled = await system.worker({ ...env, SINERGI_FAULT_POINTS: 'verification.before-registry-call=block:1000' });
    const projectId = await register('9100004');
    await stalled.waitForOutput('SINERGI_FAULT_POINT verification.before-registry-call');
    process.kill(stalled.pid, 'SIGSTOP');
    const other = await system.worker(env);
    await waitForVerdicts(system.db.pool, [projectId]);
    const jobId = await jobOf(projectId);
    await withVerificationQueue(system.redisUrl, system.prefix, (queue) =>
      waitFor(() => queue.getJobState(jobId), (state) => state === 'completed', 30_000, 100),
    );
    expect(callsFor('9100004')).toBe(1);
    // Woken, the stalled worker asks BPJS with the job it no longer holds, and finds the verdict recorded.
    process.kill(stalled.pid, 'SIGCONT');
    await waitFor(async () => callsFor('9100004'), (n) => n === 2, 30_000, 100);
    await Promise.all([stalled.stop('SIGTERM'), other.stop('SIGTERM')]);
    expect(await streamTypes(system.db.pool, `compliance-${projectId}`)).toEqual(['EnrolmentConfirmed', 'ComplianceStatusChanged']);
    await expectInvariants(system);
  });
});
