import { randomUUID } from 'node:crypto';
import { NO_STREAM } from '@sinergi/event-store';
import { waitFor } from '@sinergi/testing';
import { appendSampleEvents, type AuditApi, sampleEvent, startAuditApi } from '../../../../../test/support/audit-api';
import type { AuditEventView } from '../../audit-event.view';

jest.setTimeout(120_000);

interface Page {
  items: AuditEventView[];
  nextCursor: string | null;
  lastCursor: string | null;
}

const key = (e: AuditEventView) => [BigInt(e.transactionId), BigInt(e.position)] as const;
const before = (a: AuditEventView, b: AuditEventView) => key(a)[0] < key(b)[0] || (key(a)[0] === key(b)[0] && key(a)[1] < key(b)[1]);

describe('audit event search (API over PostgreSQL)', () => {
  let api: AuditApi;
  let token: string;

  const get = async (query: string, bearer = token) => {
    const res = await fetch(`${api.baseUrl}/v1/audit/events?${query}`, { headers: { authorization: `Bearer ${bearer}` } });
    return { status: res.status, body: (await res.json()) as Page & { errors?: { path: string }[] } };
  };

  beforeAll(async () => {
    api = await startAuditApi('audit_search');
    token = await api.token({ regions: ['73.07'] });
    await appendSampleEvents(api.store, '73.07.06', 1500, 500);
  });
  afterAll(() => api?.stop());

  it('pages over concurrent appends, a late-committing transaction among them, never repeating or skipping an event', async () => {
    let appending = true;
    const appender = (async () => {
      for (let n = 0; appending; n += 1) {
        await appendSampleEvents(api.store, n % 3 === 0 ? '73.08.01' : '73.07.01', 1 + (n % 4), 10, 10_000 + n * 10);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    // A transaction that takes its id early and commits late, after many later transactions have committed.
    const slow = await api.db.pool.connect();
    await slow.query('BEGIN');
    await api.store.appendMany([{ streamId: `project-${randomUUID()}`, expected: NO_STREAM, events: [sampleEvent('73.07.02', 99_999)] }], {}, slow);
    const committedLate = (async () => {
      await new Promise((r) => setTimeout(r, 1500));
      await slow.query('COMMIT');
      slow.release();
    })();

    const seen: AuditEventView[] = [];
    let cursor: string | null = null;
    let last: string | null = null;
    do {
      const page = await get(`regionCode=73.07&limit=137${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
      last = page.body.lastCursor;
      await new Promise((r) => setTimeout(r, 20));
    } while (cursor);
    await committedLate;
    appending = false;
    await appender;

    // Everything committed since is after the last cursor: follow it until the whole region has been seen.
    const inRegion = async () =>
      (await api.db.pool.query(`SELECT event_id FROM events WHERE metadata->>'regionCode' LIKE '73.07.%'`)).rows.map((r) => r.event_id as string);
    const all = await inRegion();
    await waitFor(
      async () => {
        for (;;) {
          const page = await get(`regionCode=73.07&limit=1000${last ? `&cursor=${last}` : ''}`);
          seen.push(...page.body.items);
          last = page.body.lastCursor;
          if (!page.body.nextCursor) return seen.length;
        }
      },
      (count) => count >= all.length,
      30_000,
    );

    const ids = seen.map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(all));
    expect(seen.every((e) => e.regionCode?.startsWith('73.07.'))).toBe(true);
    for (let i = 1; i < seen.length; i += 1) expect(before(seen[i - 1], seen[i])).toBe(true);
    expect(seen.some((e) => e.data.projectRef === 'BENCH-99999')).toBe(true);
  });

  it('filters by type, actor, time and project reference', async () => {
    const projectId = randomUUID();
    const at = new Date();
    await api.store.appendMany([
      {
        streamId: `project-${projectId}`,
        expected: NO_STREAM,
        events: [
          sampleEvent('73.07.03', 1, { data: { ...sampleEvent('73.07.03', 1).data, projectId, projectRef: 'REF-FILTER-1' } }),
          { type: 'WorkStarted', data: { startedAt: '2025-05-01' }, metadata: { actor: { kind: 'client', id: 'spse-filter' }, correlationId: 'c-f', regionCode: '73.07.03' } },
        ],
      },
    ]);
    await waitFor(() => get('projectRef=REF-FILTER-1'), (r) => r.body.items.length === 2);
    expect((await get('projectRef=REF-FILTER-1&type=WorkStarted')).body.items.map((e) => e.type)).toEqual(['WorkStarted']);
    expect((await get('actor=client:spse-filter')).body.items.map((e) => e.type)).toEqual(['WorkStarted']);
    expect((await get('actor=spse-filter')).body.items).toHaveLength(1);
    expect((await get('actor=user:spse-filter')).body.items).toHaveLength(0);
    const since = encodeURIComponent(new Date(at.getTime() - 1000).toISOString());
    expect((await get(`from=${since}&type=WorkStarted`)).body.items).toHaveLength(1);
    expect((await get(`to=${since}&type=WorkStarted`)).body.items).toHaveLength(0);
    expect((await get('projectRef=NO-SUCH-REF')).body.items).toEqual([]);
  });

  it('refuses unknown or malformed parameters with a 400 naming them, and a region outside the scope with a 404', async () => {
    expect((await get('sort=hash')).body.errors?.[0].path).toBe('sort');
    expect((await get('limit=1001')).status).toBe(400);
    expect((await get(`regionCode=${encodeURIComponent("73.07' OR '1'='1")}`)).body.errors?.[0].path).toBe('regionCode');
    expect((await get('cursor=bm90LWEtY3Vyc29y')).body.errors?.[0].path).toBe('cursor');
    expect((await get('regionCode=73.08')).status).toBe(404);
    const outsider = await api.token({ regions: ['73.08'] });
    expect((await get('regionCode=73.07.06', outsider)).status).toBe(404);
    const official = await api.token({ roles: ['official'] });
    expect((await get('', official)).status).toBe(403);
  });

  it('records every search: who, with which filters, how many events', async () => {
    const reader = await api.token({ sub: 'auditor-who-looked', regions: ['73.07'] });
    await get('type=WorkStarted&limit=5', reader);
    await get('regionCode=73.08', reader);
    const { rows } = await api.db.pool.query(
      `SELECT action, outcome, filters, result_count::int AS count, roles, regions FROM audit_access_log WHERE actor_sub = 'auditor-who-looked' ORDER BY id`,
    );
    expect(rows).toEqual([
      { action: 'search', outcome: 'ok', filters: { type: 'WorkStarted', limit: '5' }, count: 1, roles: ['auditor'], regions: ['73.07'] },
      { action: 'search', outcome: 'not_found', filters: { regionCode: '73.08' }, count: 0, roles: ['auditor'], regions: ['73.07'] },
    ]);
  });
});
