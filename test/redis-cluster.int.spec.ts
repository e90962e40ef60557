import { queuePrefixOf } from '@sinergi/common';
import { projectRegistered, redisClusterBinaries, signedPost, startRedisCluster, type TestRedisCluster, waitFor } from '@sinergi/testing';
import { ConsoleSessions } from '../src/modules/console/auth/console-sessions';
import { SINERGI_QUEUES } from '../src/platform/queue-metrics';
import { VERIFICATION_QUEUE } from '../src/modules/verification/verification.queue';
import { type RunningSystem, startSystem } from './support/running-system';

const binaries = redisClusterBinaries();
if (typeof binaries === 'string') process.stderr.write(`[redis-cluster.int.spec] skipped: ${binaries}\n`);
const describeWithCluster = typeof binaries === 'string' ? describe.skip : describe;

/**
 * The whole system on a real Redis Cluster (three masters, three replicas): every BullMQ queue in a hash slot of its
 * own, the verification pipeline end to end, and a master failover of the verification queue's shard in the middle of
 * it without a verification lost or applied twice; sessions, rate limits, health and queue gauges on the cluster too.
 */
describeWithCluster('Redis Cluster (REDIS_CLUSTER_NODES)', () => {
  let cluster: TestRedisCluster;
  let system: RunningSystem;
  let client: { id: string; secret: string };

  beforeAll(async () => {
    cluster = await startRedisCluster();
    // A fixed prefix (the cluster is private to this file), so which shard serves which queue is the same every run.
    system = await startSystem('redis_cluster', { REDIS_CLUSTER_NODES: cluster.nodesEnv, QUEUE_PREFIX: 'sinergi' });
    client = await system.client('spse-cluster', ['73.07']);
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await cluster?.stop();
  });

  const post = async (refs: string[]) => {
    const ids: string[] = [];
    for (const ref of refs) {
      const res = await signedPost(system.baseUrl, '/v1/procurement/events', client, projectRegistered(ref, {}, { contractNumber: `SPK/${ref}` }));
      expect(res.status).toBe(202);
      ids.push(res.body.projectId as string);
    }
    return ids;
  };
  const refs = (from: number, n: number) => Array.from({ length: n }, (_, i) => `CL-${from + i}`);
  const verdicts = async (ids: string[]) =>
    (
      await system.db.pool.query<{ project_id: string; types: string[] }>(
        `SELECT substring(stream_id from 12)::uuid::text AS project_id, array_agg(type ORDER BY stream_version) AS types
           FROM events WHERE stream_id = ANY($1) GROUP BY stream_id`,
        [ids.map((id) => `compliance-${id}`)],
      )
    ).rows;

  it('keeps every queue in one hash slot of its own, spread over more than one shard', async () => {
    const slots = new Map<string, number>();
    for (const name of SINERGI_QUEUES) {
      const prefix = queuePrefixOf(system.config, name);
      expect(prefix).toBe(`{sinergi:${name}}`);
      // Every key BullMQ makes for the queue (wait, meta, a job's hash, …) hashes by the tag alone.
      const keySlots = new Set(await Promise.all([`${prefix}:${name}:wait`, `${prefix}:${name}:meta`, `${prefix}:${name}:job-1`].map((k) => cluster.keySlot(k))));
      expect(keySlots.size).toBe(1);
      slots.set(name, [...keySlots][0]);
    }
    expect(new Set(slots.values()).size).toBe(SINERGI_QUEUES.length);
    const shards = new Set(await Promise.all([...slots.values()].map(async (slot) => (await cluster.masterOf(slot)).id)));
    expect(shards.size).toBeGreaterThan(1);
  });

  it('runs the verification pipeline through a failover of the verification shard, losing no verification', async () => {
    const before = await post(refs(1, 10));
    await waitFor(() => verdicts(before), (rows) => rows.length === before.length, 30_000);

    const slot = await cluster.keySlot(`${queuePrefixOf(system.config, VERIFICATION_QUEUE)}:${VERIFICATION_QUEUE}:wait`);
    const oldMaster = await cluster.masterOf(slot);
    // The verification queue's keys live on that master (and nowhere else).
    expect(Number(await cluster.cli(oldMaster.port, 'exists', `{sinergi:verification}:verification:meta`))).toBe(1);
    const replica = (await cluster.nodes()).find((n) => n.masterId === oldMaster.id)!;
    expect(await cluster.cli(replica.port, 'cluster', 'failover')).toBe('OK');
    const during = await post(refs(100, 10));
    await waitFor(() => cluster.masterOf(slot), (m) => m.id === replica.id, 30_000);
    await cluster.waitUntilOk();
    const after = await post(refs(200, 10));

    const all = [...before, ...during, ...after];
    const rows = await waitFor(() => verdicts(all), (r) => r.length === all.length && r.every((v) => v.types.includes('ComplianceStatusChanged')), 60_000);
    // Each project verified exactly once: one outcome and one status change, nothing applied twice.
    for (const row of rows) expect(row.types).toEqual(['EnrolmentMissing', 'ComplianceStatusChanged']);
    const { rows: requests } = await system.db.pool.query(`SELECT count(*)::int AS open FROM verification_requests WHERE completed_at IS NULL`);
    expect(requests[0].open).toBe(0);
    expect((await cluster.nodes()).find((n) => n.id === oldMaster.id)!.role).toBe('replica');
  });

  it('keeps sessions, rate limits, readiness and the queue gauges on the cluster', async () => {
    const sessions = system.api.get(ConsoleSessions);
    const { cookie } = await sessions.create(
      { kind: 'user', sub: 'kadis-pupr', name: null, roles: ['official'], regions: ['73.07'], position: 'KEPALA_DINAS', agency: null, permissions: [] },
      'oidc',
    );
    const session = await sessions.fromCookieHeader(cookie.split(';')[0]);
    expect(session?.principal).toMatchObject({ sub: 'kadis-pupr' });

    // The ingest posts above took their units from a budget kept in the cluster.
    const throttleKeys = (await Promise.all(cluster.ports.map((p) => cluster.cli(p, '--scan', '--pattern', 'sinergi:throttle:*')))).join('\n').trim();
    expect(throttleKeys).not.toBe('');

    const ready = await fetch(`${system.baseUrl}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await system.metrics()).toMatch(/sinergi_queue_jobs\{queue="verification",state="waiting",process="api"\} \d+/);
  });
});
