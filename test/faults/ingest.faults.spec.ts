import { projectRegistered, signedPost, waitFor, workersReported } from '@sinergi/testing';
import { type ApiProcess, type FaultSystem, startFaultSystem } from './support/fault-system';
import { expectInvariants } from './support/invariants';
import { itLong, streamTypes, waitForVerdicts } from './support/scenario';

/** Ingest under duplicates, disorder and a killed api: every accepted event is in the log once. */
describe('ingest: duplicates, disorder, an api killed mid-batch', () => {
  let system: FaultSystem;
  let apis: ApiProcess[];

  beforeAll(async () => {
    system = await startFaultSystem('ingest');
    apis = await Promise.all([system.api(), system.api()]);
    await system.worker();
  });
  afterAll(() => system?.stop());

  const projectStreams = async (refs: string[]) =>
    (
      await system.db.pool.query<{ stream_id: string }>(
        `SELECT stream_id FROM events WHERE type = 'ProjectRegistered' AND metadata->>'sourceEventId' = ANY($1::text[])`,
        [refs.map((ref) => projectRegistered(ref).eventId)],
      )
    ).rows.map((r) => r.stream_id);

  it('the same event posted 20 times at once, over two api processes: recorded once, every answer a 202, 200 or a retryable 409', async () => {
    const event = projectRegistered('9200001');
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => system.post(apis[i % 2], '/v1/procurement/events', event)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.every((s) => s === 202 || s === 200 || s === 409)).toBe(true);
    // What was refused while in flight is a duplicate when sent again.
    for (const a of answers.filter((a) => a.status === 409)) expect(a.body.code).toBeDefined();
    const again = await system.post(apis[0], '/v1/procurement/events', event);
    expect(again.status).toBe(200);
    expect(again.body.duplicate).toBe(true);
    expect(await projectStreams(['9200001'])).toHaveLength(1);
    await waitForVerdicts(system.db.pool, [answers.find((a) => a.status === 202)!.body.projectId]);
    await expectInvariants(system);
  });

  itLong('events out of order (roster and start before the registration): held, then applied in source order, once', async () => {
    const ref = '9200002';
    const roster = workersReported(ref, [{ nik: '7307051203850002', name: 'Pekerja Satu' }], 1);
    const started = { eventId: `spse-7307-${ref}-start`, type: 'WorkStarted', occurredAt: '2025-04-28T08:00:00+08:00', projectRef: ref, data: { startedAt: '2025-04-28T07:30:00+08:00' } };
    const early = await Promise.all([system.post(apis[0], '/v1/procurement/events', started), system.post(apis[1], '/v1/procurement/events', roster)]);
    for (const a of early) {
      expect(a.status).toBe(202);
      expect(a.body.held).toBe(true);
    }
    // The registration comes last, and twice, on both processes at once.
    const registered = await Promise.all(apis.map((api) => system.post(api, '/v1/procurement/events', projectRegistered(ref))));
    expect(registered.map((a) => a.status).sort()).toEqual([200, 202].sort());
    const projectId = registered.find((a) => a.status === 202)!.body.projectId as string;
    const types = await waitFor(() => streamTypes(system.db.pool, `project-${projectId}`), (t) => t.length >= 3);
    expect(types[0]).toBe('ProjectRegistered');
    expect(types.filter((t) => t === 'WorkStarted')).toHaveLength(1);
    expect(types.filter((t) => t === 'WorkersReported')).toHaveLength(1);
    // Source order: the start (28 April) before the roster (31 May).
    expect(types.indexOf('WorkStarted')).toBeLessThan(types.indexOf('WorkersReported'));
    const { rows } = await system.db.pool.query(`SELECT count(*)::int AS n FROM held_events WHERE project_id = $1`, [projectId]);
    expect(rows[0].n).toBe(0);
    await waitForVerdicts(system.db.pool, [projectId]);
    await expectInvariants(system);
  });

  itLong('an api killed with SIGKILL in the middle of batches: each batch is in the log whole or not at all, and sent again, once', async () => {
    const victim = await system.api();
    const batches = Array.from({ length: 12 }, (_, b) => Array.from({ length: 10 }, (_, i) => projectRegistered(`93${String(b).padStart(2, '0')}${String(i).padStart(3, '0')}`)));
    const posts = batches.map((events) =>
      signedPost(victim.url, '/v1/procurement/events/batch', system.client, { events }).then(
        (r) => r.status,
        () => 0,
      ),
    );
    // Killed once the first answers are out: the rest are in its handlers, in PostgreSQL, or not read yet.
    await Promise.race(posts);
    await victim.stop('SIGKILL');
    const statuses = await Promise.all(posts);
    expect(statuses.some((s) => s === 200)).toBe(true);

    for (const [b, events] of batches.entries()) {
      const recorded = (await projectStreams(events.map((e) => e.projectRef))).length;
      if (statuses[b] === 200) expect(recorded).toBe(events.length);
      else expect([0, events.length]).toContain(recorded);
    }
    // The client sends again every batch it has no answer for (and, to be sure, the answered ones too).
    const resent = await Promise.all(batches.map((events, b) => system.post(apis[b % 2], '/v1/procurement/events/batch', { events })));
    for (const r of resent) {
      expect(r.status).toBe(200);
      for (const item of r.body.results) expect([200, 202]).toContain(item.status);
    }
    const all = batches.flat().map((e) => e.projectRef);
    const streams = await projectStreams(all);
    expect(streams).toHaveLength(all.length);
    await waitForVerdicts(system.db.pool, streams.map((s) => s.slice('project-'.length)), 120_000);
    await expectInvariants(system);
  });
});
