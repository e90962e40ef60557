import { projectRegistered, signedPost, waitFor } from '@sinergi/testing';
import { readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@sinergi/local-services';
import { type ManagedProcess, startProcess } from './support/processes';
import { type FaultSystem, startFaultSystem } from './support/fault-system';
import { expectInvariants } from './support/invariants';
import { describeLong, itLong, waitForVerdicts } from './support/scenario';

/** What `docker compose down` allows before it kills: every process must be gone by then. */
const GRACE_MS = 10_000;

/** SIGTERM to every process at once; resolves with each one's exit and how long it took. */
async function terminateAll(processes: ManagedProcess[]) {
  const sent = Date.now();
  for (const p of processes) p.child.kill('SIGTERM');
  return Promise.all(
    processes.map(async (p) => {
      const exit = await Promise.race([p.exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), GRACE_MS + 5_000).unref())]);
      return { name: p.name, exit, ms: exit ? exit.at - sent : Infinity, output: p.output().slice(-1500) };
    }),
  );
}

function expectGracefulExits(exits: Awaited<ReturnType<typeof terminateAll>>) {
  for (const e of exits) {
    expect({ name: e.name, exitedWithinGrace: e.ms <= GRACE_MS, code: e.exit?.code, tail: e.ms <= GRACE_MS ? '' : e.output }).toEqual({
      name: e.name,
      exitedWithinGrace: true,
      code: e.exit?.code,
      tail: '',
    });
  }
}

describe('SIGTERM to every process at once', () => {
  let system: FaultSystem;

  beforeAll(async () => {
    system = await startFaultSystem('sigterm', { redis: 'private' });
  });
  afterAll(() => system?.stop());

  it('with verifications in flight: the api and two workers exit within the grace period, and nothing is lost', async () => {
    const api = await system.api();
    const workers = await Promise.all([system.worker(), system.worker()]);
    system.sim.setFaults({ latencyMs: 1500 });
    const ids: string[] = [];
    for (const i of [0, 1, 2, 3]) ids.push((await system.post(api, '/v1/procurement/events', projectRegistered(`950000${i}`))).body.projectId);
    // Wait until BPJS has been asked (jobs in hand), then signal everything.
    await waitFor(async () => system.sim.calls().length, (n) => n > 0);
    const exits = await terminateAll([api, ...workers]);
    system.sim.setFaults({ latencyMs: 0 });
    expectGracefulExits(exits);
    // Drained, then exited as signalled (Nest re-raises the signal once its shutdown hooks ran): not the deadline's code 1.
    for (const e of exits) expect(e.exit?.code === 0 || e.exit?.signal === 'SIGTERM').toBe(true);
    // Whatever was not finished is pending in PostgreSQL; a new worker finishes it.
    const again = await system.worker();
    await waitForVerdicts(system.db.pool, ids);
    await again.stop('SIGTERM');
    await expectInvariants(system);
  });

  it('with Redis already gone: the api and the worker still exit within the grace period', async () => {
    const api = await system.api();
    const worker = await system.worker();
    await system.redis!.stop('SIGKILL');
    try {
      expectGracefulExits(await terminateAll([api, worker]));
    } finally {
      await system.redis!.start();
    }
  });
});

describeLong('SIGTERM with PostgreSQL already gone', () => {
  let system: FaultSystem;

  beforeAll(async () => {
    system = await startFaultSystem('sigterm-pg', { postgres: 'private' });
  });
  afterAll(() => system?.stop());

  itLong('the api and the worker exit within the grace period', async () => {
    const api = await system.api();
    const worker = await system.worker();
    await system.pg!.stop();
    try {
      expectGracefulExits(await terminateAll([api, worker]));
    } finally {
      await system.pg!.start();
    }
  });
});

describeLong('npm run start:local signalled with its whole process group (Ctrl+C, docker compose down)', () => {
  let dir: string;
  afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

  itLong('every process of the group (npm, start:local, its redis-server and embedded PostgreSQL) is gone within the grace period', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sinergi-faults-local-'));
    await chmod(dir, 0o755);
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      SINERGI_LOCAL_DIR: join(dir, 'local'),
      PORT: String(await freePort()),
      BPJS_SIMULATOR_PORT: String(await freePort()),
      METRICS_PORT: '0',
      WORKER_METRICS_PORT: '0',
      QUEUE_PREFIX: `faults-local-${process.pid}`,
    };
    const local = startProcess('npm run start:local', 'npm', ['run', 'start:local', '--', '--no-build'], env, { detached: true });
    try {
      await local.waitForOutput('Sinergi is running (local mode).', 120_000);
      const group = -local.pid;
      const members = () => groupMembers(local.pid);
      expect(members().length).toBeGreaterThan(2);
      // Work in flight: registrations posted as the demo client, their verifications queued.
      const demo = { id: 'demo-spse', secret: 'demo-secret' };
      const posted = await signedPost(`http://127.0.0.1:${env.PORT}`, '/v1/procurement/events/batch', demo, { events: Array.from({ length: 20 }, (_, i) => projectRegistered(`95100${i}`)) });
      expect(posted.status).toBe(200);
      const sent = Date.now();
      process.kill(group, 'SIGTERM');
      const gone = await waitFor(async () => members(), (m) => m.length === 0 || Date.now() - sent > GRACE_MS + 5_000, GRACE_MS + 10_000, 100);
      process.stderr.write(`start:local group gone after ${Date.now() - sent} ms\n`);
      expect({ left: gone, within: Date.now() - sent <= GRACE_MS, tail: gone.length ? local.output().slice(-2000) : '' }).toEqual({ left: [], within: true, tail: '' });
    } finally {
      try {
        process.kill(-local.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
});

/** The processes of the group `pgid` still alive (from /proc), with their command lines. */
function groupMembers(pgid: number): string[] {
  const alive: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') alive.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 120)}`);
    } catch {
      /* it exited meanwhile */
    }
  }
  return alive;
}
