import { projectRegistered, signedPost, waitFor, workersReported } from '@sinergi/testing';
import { HeldEventsSweeper } from '../src/modules/project-intake/held-events/held-events.sweeper';
import { type RunningSystem, startSystem } from './support/running-system';

/**
 * Pull connectors and queues deliver out of order: an event for a project not yet registered is held durably,
 * answered `202 { held: true }`, and applied in source order in the registration's own transaction.
 */
describe('events that arrive before their registration (API + worker over HTTP)', () => {
  let system: RunningSystem;
  let client: { id: string; secret: string };
  let admin: string;

  beforeAll(async () => {
    system = await startSystem('held_events', { HELD_EVENT_TTL_DAYS: '1' });
    client = await system.client('spse-held', ['73.07']);
    admin = await system.token({ sub: 'ops', roles: ['admin'], regions: ['73.07'] });
  });
  afterAll(() => system?.stop());

  const post = (event: unknown) => signedPost(system.baseUrl, '/v1/procurement/events', client, event);
  const amendment = (ref: string, n: number, occurredAt: string, endDate: string) => ({
    eventId: `spse-${ref}-add-${n}`,
    type: 'ContractAmended',
    occurredAt,
    projectRef: ref,
    data: { addendumNumber: `ADD-0${n}`, endDate, reason: 'perpanjangan waktu' },
  });
  const streamTypes = async (projectId: string) =>
    (await system.db.pool.query(`SELECT type, data, metadata FROM events WHERE stream_id = $1 ORDER BY stream_version`, [`project-${projectId}`])).rows;
  const heldCount = async () => Number((await system.db.pool.query('SELECT count(*) FROM held_events')).rows[0].count);

  it('holds amendments and a roster that come first, answers repeats as duplicates, and applies them in source order with the registration', async () => {
    const later = amendment('held-1', 2, '2025-07-01T08:00:00+08:00', '2025-12-31');
    const earlier = amendment('held-1', 1, '2025-06-01T08:00:00+08:00', '2025-11-30');
    const roster = workersReported('held-1', [{ nik: '7307051203850002', name: 'Baharuddin' }]);

    const first = await post(later);
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ projectId: expect.any(String), eventId: later.eventId, held: true });
    expect((await post(earlier)).status).toBe(202);
    expect((await post(roster)).status).toBe(202);
    // Idempotent across the hold.
    const again = await post(later);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ held: true, duplicate: true, eventId: later.eventId });
    expect((await post({ ...later, data: { ...later.data, endDate: '2026-01-31' } })).status).toBe(422);
    expect(await heldCount()).toBe(3);
    // Held is not in the log.
    expect(await streamTypes(first.body.projectId)).toEqual([]);

    const registered = await post(projectRegistered('held-1'));
    expect(registered.status).toBe(202);
    const events = await streamTypes(registered.body.projectId);
    expect(events.map((e) => [e.type, e.metadata.sourceEventId])).toEqual([
      ['ProjectRegistered', 'spse-7307-held-1-1'],
      ['WorkersReported', roster.eventId], // 31 May
      ['ContractAmended', earlier.eventId], // 1 Jun
      ['ContractAmended', later.eventId], // 1 Jul
    ]);
    expect(events[3].data.endDate).toBe('2025-12-31');
    expect(await heldCount()).toBe(0);
    // After the hold, the same event answers as an event of the stream.
    const repeat = await post(later);
    expect(repeat.status).toBe(200);
    expect(repeat.body).toMatchObject({ duplicate: true, streamVersion: 4 });
  });

  it('applies in one batch an event sent before its registration', async () => {
    const res = await signedPost(system.baseUrl, '/v1/procurement/events/batch', client, {
      events: [amendment('held-2', 1, '2025-06-01T08:00:00+08:00', '2025-11-30'), projectRegistered('held-2')],
    });
    expect(res.body.results.map((r: { status: number; streamVersion?: number }) => [r.status, r.streamVersion])).toEqual([
      [202, 2],
      [202, 1],
    ]);
    expect(await heldCount()).toBe(0);
  });

  it('turns a held event whose registration never came into a dead letter visible to the region’s admins', async () => {
    const lonely = amendment('held-never', 1, '2025-06-01T08:00:00+08:00', '2025-11-30');
    expect((await post(lonely)).body.held).toBe(true);
    await system.db.pool.query(`UPDATE held_events SET held_at = now() - interval '2 days' WHERE event_id = $1`, [lonely.eventId]);
    const swept = await system.worker.get(HeldEventsSweeper).sweep();
    expect(swept.expired).toBe(1);
    const list = await waitFor(
      async () => (await (await fetch(`${system.baseUrl}/v1/ops/dead-letters`, { headers: { authorization: `Bearer ${admin}` } })).json()) as { items: { kind: string; reason: string; id: string }[] },
      (body) => body.items.some((i) => i.kind === 'HELD_EVENT_EXPIRED'),
    );
    const letter = list.items.find((i) => i.kind === 'HELD_EVENT_EXPIRED')!;
    expect(letter.reason).toBe('no_registration_in_time');
    const retry = await fetch(`${system.baseUrl}/v1/ops/dead-letters/${letter.id}/retry`, { method: 'POST', headers: { authorization: `Bearer ${admin}` } });
    expect(retry.status).toBe(409);
    expect(await heldCount()).toBe(0);
  });

  it('applies held events the worker finds with a registration already in the log (a crash between the two)', async () => {
    const registered = await post(projectRegistered('held-3'));
    const early = amendment('held-3-orphan', 1, '2025-06-01T08:00:00+08:00', '2025-11-30');
    expect((await post(early)).body.held).toBe(true);
    // As if the registration had committed while this hold was being written, and the request then died.
    await system.db.pool.query(`UPDATE held_events SET project_id = $1, project_ref = 'held-3' WHERE event_id = $2`, [registered.body.projectId, early.eventId]);
    const swept = await system.worker.get(HeldEventsSweeper).sweep();
    expect(swept.applied).toBe(1);
    expect((await streamTypes(registered.body.projectId)).map((e) => [e.type, e.metadata.sourceEventId])).toEqual([
      ['ProjectRegistered', 'spse-7307-held-3-1'],
      ['ContractAmended', early.eventId],
    ]);
    expect(await heldCount()).toBe(0);
  });
});
