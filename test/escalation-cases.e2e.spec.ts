import { randomUUID } from 'node:crypto';
import type { MigratedTestDatabase } from '@sinergi/testing';
import { EventStore, NO_STREAM } from '@sinergi/event-store';
import { decideCase, type EscalationCaseCommand, type EscalationCaseEvent, foldCase } from '../src/modules/escalation/case-decider/escalation-case.decider';
import { caseStreamId } from '../src/modules/escalation/case-decider/escalation-case.events';
import { DEFAULT_SINJAI_LADDER, type EscalationLadder } from '../src/modules/escalation/ladder/escalation-ladder';
import { addDuration } from '../src/modules/escalation/ladder/iso-duration';
import { refreshCaseReadModel } from '../src/modules/escalation/runtime/case-read-model';
import { type RunningSystem, startSystem } from './support/running-system';

const PUPR = '1.03.0.00.0.00.01.0000';
const SEEDED_PPK = '7307e5c0-0000-4000-8000-000000000001';
const SEEDED_KADIS = '7307e5c0-0000-4000-8000-000000000002';
const SEEDED_SEKDA = '7307e5c0-0000-4000-8000-000000000005';
const BONE_LADDER: EscalationLadder = { ...DEFAULT_SINJAI_LADDER, regionCode: '73.08' };
const JUSTIFICATION = 'Kontrak diputus oleh PA sebelum pekerjaan dimulai; tidak ada pekerja di lapangan';

interface Fixture {
  caseId: string;
  projectId: string;
  regionCode: string;
  openedAt: string;
  /** Event ids in stream order. */
  eventIds: string[];
}

describe('officials’ case API and inbox (API + worker over HTTP)', () => {
  let system: RunningSystem;
  let db: MigratedTestDatabase;
  let store: EventStore;
  let baseUrl: string;
  let ppk: string;
  let kadis: string;
  let districtOfficial: string;
  let boneKadis: string;
  let bonePpk: string;
  let auditor: string;
  let admin: string;
  const cases: Fixture[] = [];
  // Cases open in the last hour, one minute apart, so none of their ladder timers falls due while the tests run.
  const start = Date.now() - 60 * 60 * 1000;
  const minute = (n: number) => new Date(start + n * 60 * 1000).toISOString();

  /** Appends a case's opening (and any further commands) as the relay would, with its read-model row in the same transaction. */
  const openCase = async (regionCode: string, openedAt: string, more: (EscalationCaseCommand | ((now: string) => EscalationCaseCommand))[] = []) => {
    const caseId = randomUUID();
    const projectId = randomUUID();
    const ladder = regionCode.startsWith('73.08') ? BONE_LADDER : DEFAULT_SINJAI_LADDER;
    const events: EscalationCaseEvent[] = decideCase(
      { type: 'OpenCase', caseId, projectId, regionCode, agencyCode: PUPR, reasons: ['ENROLMENT_MISSING'], ladder, now: openedAt },
      foldCase([]),
    );
    for (const next of more) {
      const command = typeof next === 'function' ? next(openedAt) : next;
      events.push(...decideCase(command, foldCase(events)));
    }
    const metadata = { actor: { kind: 'system' as const, id: 'test-fixture' }, correlationId: 'escalation-cases-e2e', regionCode };
    const tx = await db.pool.connect();
    let eventIds: string[];
    try {
      await tx.query('BEGIN');
      const appended = await store.appendMany(
        [{ streamId: caseStreamId(caseId), expected: NO_STREAM, events: events.map((e) => ({ type: e.type, data: e.data, metadata })) }],
        {},
        tx,
      );
      eventIds = appended.map((a) => a.eventId);
      await refreshCaseReadModel(store, tx, [caseId]);
      await tx.query('COMMIT');
    } finally {
      tx.release();
    }
    const fixture = { caseId, projectId, regionCode, openedAt, eventIds };
    cases.push(fixture);
    return fixture;
  };

  /** Newest first, ties by case id descending: the list's order. */
  const expectedOrder = (keep: (c: Fixture) => boolean) =>
    cases
      .filter(keep)
      .sort((a, b) => (a.openedAt === b.openedAt ? (a.caseId < b.caseId ? 1 : -1) : a.openedAt < b.openedAt ? 1 : -1))
      .map((c) => c.caseId);

  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        'x-correlation-id': 'cases-e2e-request',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, contentType: res.headers.get('content-type'), body: (text ? JSON.parse(text) : null) as any };
  };
  const get = (path: string, token: string) => call('GET', path, token);
  const post = (path: string, token: string, body?: unknown) => call('POST', path, token, body);

  /** Follows nextCursor to the end; fails on a page that repeats an id. */
  const allPages = async (path: string, token: string, limit: number, key: 'caseId' | 'id' = 'caseId') => {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const res = await get(`${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, token);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(limit);
      ids.push(...res.body.items.map((i: Record<string, string>) => i[key]));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 100);
    expect(new Set(ids).size).toBe(ids.length);
    return { ids, pages };
  };
  const streamVersion = async (caseId: string) =>
    Number((await db.pool.query(`SELECT COALESCE(MAX(stream_version), 0) AS v FROM events WHERE stream_id = $1`, [caseStreamId(caseId)])).rows[0].v);

  let climbed: Fixture;
  let district05: Fixture;
  let held: Fixture;
  let bone: Fixture[];

  beforeAll(async () => {
    system = await startSystem('escalation-cases');
    ({ db, baseUrl } = system);
    store = system.api.get(EventStore);
    ppk = await system.token({ sub: 'ppk-pupr-sinjai', roles: ['official'], regions: ['73.07'], position: 'PPK' });
    kadis = await system.token({ sub: 'kadis-pupr-sinjai', roles: ['official'], regions: ['73.07'], position: 'KEPALA_DINAS', agency: PUPR });
    districtOfficial = await system.token({ sub: 'camat-sinjai-utara', roles: ['official'], regions: ['73.07.05'], position: 'SEKDA' });
    boneKadis = await system.token({ sub: 'kadis-pupr-bone', roles: ['official'], regions: ['73.08'], position: 'KEPALA_DINAS', agency: PUPR });
    bonePpk = await system.token({ sub: 'ppk-pupr-bone', roles: ['official'], regions: ['73.08'], position: 'PPK' });
    auditor = await system.token({ sub: 'auditor-sinjai', roles: ['auditor'], regions: ['73.07'] });
    admin = await system.token({ sub: 'admin-sinjai', roles: ['admin'], regions: ['73.07'] });

    await openCase('73.07.01', minute(1));
    climbed = await openCase('73.07.02', minute(2), [(now) => ({ type: 'EscalationTimerFired', level: 0, now: addDuration(now, 'PT10M') })]);
    await openCase('73.07.03', minute(3));
    // Two cases opened in the same instant: the case id breaks the tie.
    await openCase('73.07.04', minute(4));
    await openCase('73.07.04', minute(4));
    district05 = await openCase('73.07.05', minute(5));
    held = await openCase('73.07.01', minute(6), [(now) => ({ type: 'RecommendPaymentHold', terminNumber: 2, now })]);
    bone = [await openCase('73.08.01', minute(2)), await openCase('73.08.02', minute(7))];
  });

  afterAll(() => system?.stop());

  describe('GET /v1/cases', () => {
    it('shows a 73.07 official every 73.07 case, newest first, and none of 73.08', async () => {
      const res = await get('/v1/cases?limit=200', ppk);
      expect(res.status).toBe(200);
      expect(res.body.items.map((c: { caseId: string }) => c.caseId)).toEqual(expectedOrder((c) => c.regionCode.startsWith('73.07.')));
      expect(res.body.nextCursor).toBeNull();
      const item = res.body.items.find((c: { caseId: string }) => c.caseId === climbed.caseId);
      expect(item).toEqual({
        caseId: climbed.caseId,
        projectId: climbed.projectId,
        regionCode: '73.07.02',
        agencyCode: PUPR,
        status: 'OPEN',
        reasons: ['ENROLMENT_MISSING'],
        currentLevel: 1,
        nextEscalationAt: addDuration(addDuration(minute(2), 'PT10M'), 'P7D'),
        acknowledgedAtCurrentLevel: false,
        paymentHold: false,
        heldTermins: [],
        ladder: { regionCode: '73.07', version: 1 },
        openedAt: minute(2),
        endedAt: null,
        version: 3,
      });
      const withHold = res.body.items.find((c: { caseId: string }) => c.caseId === held.caseId);
      expect(withHold).toMatchObject({ paymentHold: true, heldTermins: [2] });
    });

    it('shows a 73.08 official only the 73.08 cases; a district official only the district', async () => {
      const res = await get('/v1/cases', bonePpk);
      expect(res.status).toBe(200);
      expect(res.body.items.map((c: { caseId: string }) => c.caseId)).toEqual(expectedOrder((c) => c.regionCode.startsWith('73.08.')));

      const district = await get('/v1/cases', districtOfficial);
      expect(district.body.items.map((c: { caseId: string }) => c.caseId)).toEqual([district05.caseId]);
      // A filter cannot widen the caller's scope.
      expect((await get('/v1/cases?regionCode=73.07', districtOfficial)).body.items.map((c: { caseId: string }) => c.caseId)).toEqual([district05.caseId]);
      expect((await get('/v1/cases?regionCode=73.08', ppk)).body.items).toEqual([]);
    });

    it('lets auditors and admins read within their regions; refuses anonymous callers', async () => {
      for (const token of [auditor, admin]) {
        const res = await get('/v1/cases?regionCode=73.07', token);
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeGreaterThan(0);
        expect(res.body.items.every((c: { regionCode: string }) => c.regionCode.startsWith('73.07.'))).toBe(true);
      }
      expect((await call('GET', '/v1/cases')).status).toBe(401);
    });

    it('filters by status, region, level and project', async () => {
      const ids = async (query: string) => {
        const res = await get(`/v1/cases?${query}`, ppk);
        expect(res.status).toBe(200);
        return res.body.items.map((c: { caseId: string }) => c.caseId);
      };
      expect(await ids('level=1')).toEqual([climbed.caseId]);
      expect(await ids('level=0&regionCode=73.07.05')).toEqual([district05.caseId]);
      expect(await ids('regionCode=73.07.04')).toEqual(expectedOrder((c) => c.regionCode === '73.07.04'));
      expect(await ids(`projectId=${held.projectId}`)).toEqual([held.caseId]);
      expect(await ids(`projectId=${bone[0].projectId}`)).toEqual([]);
      expect(await ids('status=OPEN&regionCode=73.07.01')).toEqual(expectedOrder((c) => c.regionCode === '73.07.01'));
      expect(await ids('status=RESOLVED')).toEqual([]);
    });

    it.each([
      ['status=open', 'status'],
      ['status=OPEN&status=WAIVED', 'status'],
      ['regionCode=73.7', 'regionCode'],
      ['regionCode=', 'regionCode'],
      ['level=-1', 'level'],
      ['level=one', 'level'],
      ['projectId=not-a-uuid', 'projectId'],
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['limit=ten', 'limit'],
      ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ['cursor=%%%', 'cursor'],
    ])('refuses ?%s with a 400 naming %s', async (query, path) => {
      const res = await get(`/v1/cases?${query}`, ppk);
      expect(res.status).toBe(400);
      expect(res.contentType).toContain('application/problem+json');
      expect(res.body).toMatchObject({ status: 400, code: 'invalid_query', errors: [expect.objectContaining({ path })] });
    });

    it('pages through every case once, in order, even when a case opens while someone pages', async () => {
      const expected = expectedOrder((c) => c.regionCode.startsWith('73.07.'));
      for (const limit of [1, 2, 3]) {
        const { ids, pages } = await allPages('/v1/cases?regionCode=73.07', ppk, limit);
        expect(ids).toEqual(expected);
        expect(pages).toBe(Math.ceil(expected.length / limit));
      }

      const first = await get('/v1/cases?regionCode=73.07&limit=3', ppk);
      const seen: string[] = first.body.items.map((c: { caseId: string }) => c.caseId);
      const newest = await openCase('73.07.03', minute(30));
      let cursor: string | null = first.body.nextCursor;
      while (cursor) {
        const page = await get(`/v1/cases?regionCode=73.07&limit=3&cursor=${encodeURIComponent(cursor)}`, ppk);
        seen.push(...page.body.items.map((c: { caseId: string }) => c.caseId));
        cursor = page.body.nextCursor;
      }
      expect(seen).toEqual(expected);
      expect((await get('/v1/cases?regionCode=73.07&limit=1', ppk)).body.items[0].caseId).toBe(newest.caseId);
    });
  });

  describe('GET /v1/cases/{id}', () => {
    it('folds the case with its ladder, next escalation and a timeline carrying its notifications', async () => {
      // A delivery that failed for good, recorded the way the delivery worker does: the address never leaves the table.
      const notificationId = randomUUID();
      await db.pool.query(
        `INSERT INTO notifications (id, kind, channel, project_id, case_id, level, region_code, agency_code, recipient_kind, recipient_id, position,
                cause_event_id, cause_position, status, attempts, last_error_code, failed_at)
         VALUES ($1, 'CASE_ESCALATED', 'EMAIL', $2, $3, 1, '73.07.02', $4, 'OFFICIAL', 'kadis.pupr@sinjaikab.example', 'KEPALA_DINAS', $5, 1,
                'FAILED', 3, 'smtp_rejected', now())`,
        [notificationId, climbed.projectId, climbed.caseId, PUPR, climbed.eventIds[2]],
      );

      const res = await get(`/v1/cases/${climbed.caseId}`, ppk);
      expect(res.status).toBe(200);
      const reachedAt = addDuration(minute(2), 'PT10M');
      expect(res.body).toMatchObject({
        caseId: climbed.caseId,
        projectId: climbed.projectId,
        regionCode: '73.07.02',
        agencyCode: PUPR,
        status: 'OPEN',
        reasons: ['ENROLMENT_MISSING'],
        ladder: { regionCode: '73.07', version: 1, levels: DEFAULT_SINJAI_LADDER.levels },
        currentLevel: 1,
        reachedLevels: [0, 1],
        nextEscalationAt: addDuration(reachedAt, 'P7D'),
        acknowledgements: [],
        acknowledgedAtCurrentLevel: false,
        heldTermins: [],
        openedAt: minute(2),
        endedAt: null,
        version: 3,
      });
      const timeline = res.body.timeline;
      expect(timeline.map((e: { type: string; at: string; level: number }) => [e.type, e.at, e.level])).toEqual([
        ['CaseOpened', minute(2), null],
        ['EscalationLevelReached', minute(2), 0],
        ['EscalationLevelReached', reachedAt, 1],
      ]);
      expect(timeline.map((e: { eventId: string }) => e.eventId)).toEqual(climbed.eventIds);
      expect(timeline[0].actor).toEqual({ kind: 'system', id: 'test-fixture' });
      expect(timeline[2].details).toEqual({ recipients: ['KEPALA_DINAS', 'BPJS_BRANCH'], nextEscalationAt: addDuration(reachedAt, 'P7D') });
      expect(timeline[2].notifications).toContainEqual({
        id: notificationId,
        kind: 'CASE_ESCALATED',
        channel: 'EMAIL',
        recipientKind: 'OFFICIAL',
        position: 'KEPALA_DINAS',
        status: 'FAILED',
        attempts: 3,
        lastErrorCode: 'smtp_rejected',
        createdAt: expect.any(String),
        sentAt: null,
        deliveredAt: null,
        readAt: null,
        failedAt: expect.any(String),
        fallbackOf: null,
      });
      expect(JSON.stringify(res.body)).not.toContain('@');
      expect(JSON.stringify(res.body)).not.toMatch(/Contoh|placeholder/);
    });

    it('answers 404 for unknown and malformed ids, and for a case outside the caller’s regions', async () => {
      for (const id of [randomUUID(), 'not-a-case', climbed.caseId.toUpperCase()]) {
        const res = await get(`/v1/cases/${id}`, ppk);
        expect(res.status).toBe(404);
        expect(res.contentType).toContain('application/problem+json');
      }
      const hidden = await get(`/v1/cases/${climbed.caseId}`, boneKadis);
      const unknown = await get(`/v1/cases/${randomUUID()}`, boneKadis);
      expect(hidden.status).toBe(404);
      expect({ ...hidden.body, instance: undefined }).toEqual({ ...unknown.body, instance: undefined });
      expect((await get(`/v1/cases/${climbed.caseId}`, districtOfficial)).status).toBe(404);
      expect((await get(`/v1/cases/${bone[0].caseId}`, bonePpk)).status).toBe(200);
    });

    it('lets an auditor read a case in scope', async () => {
      const res = await get(`/v1/cases/${held.caseId}`, auditor);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ heldTermins: [2], paymentHold: true });
      expect(res.body.timeline.map((e: { type: string }) => e.type)).toEqual(['CaseOpened', 'EscalationLevelReached', 'PaymentHoldRecommended']);
    });
  });

  describe('POST /v1/cases/{id}/acknowledge and /waive', () => {
    it('an official of 73.08 can neither see nor act on a 73.07 case: 404, and nothing is recorded', async () => {
      const before = await streamVersion(climbed.caseId);
      const ack = await post(`/v1/cases/${climbed.caseId}/acknowledge`, boneKadis, { note: 'dari Bone' });
      const waive = await post(`/v1/cases/${climbed.caseId}/waive`, boneKadis, { justification: JUSTIFICATION });
      const unknown = await post(`/v1/cases/${randomUUID()}/waive`, boneKadis, { justification: JUSTIFICATION });
      expect([ack.status, waive.status, unknown.status]).toEqual([404, 404, 404]);
      expect({ ...waive.body, instance: undefined }).toEqual({ ...unknown.body, instance: undefined });
      expect(await streamVersion(climbed.caseId)).toBe(before);
    });

    it('records an acknowledgement, shown at once in the list and in the detail', async () => {
      const res = await post(`/v1/cases/${climbed.caseId}/acknowledge`, ppk, { note: '  Kontraktor sudah dihubungi; pendaftaran minggu ini  ' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ caseId: climbed.caseId, status: 'OPEN', currentLevel: 1, acknowledgedAtCurrentLevel: true, version: 4 });

      const list = await get(`/v1/cases?projectId=${climbed.projectId}`, kadis);
      expect(list.body.items).toEqual([res.body]);

      const detail = await get(`/v1/cases/${climbed.caseId}`, ppk);
      expect(detail.body.acknowledgements).toEqual([
        { level: 1, by: { sub: 'ppk-pupr-sinjai', position: 'PPK' }, note: 'Kontraktor sudah dihubungi; pendaftaran minggu ini', acknowledgedAt: expect.any(String) },
      ]);
      const last = detail.body.timeline[detail.body.timeline.length - 1];
      expect(last).toMatchObject({ type: 'CaseAcknowledged', level: 1, actor: { kind: 'user', id: 'ppk-pupr-sinjai' } });
      const { rows } = await db.pool.query(`SELECT metadata FROM events WHERE stream_id = $1 AND type = 'CaseAcknowledged'`, [caseStreamId(climbed.caseId)]);
      expect(rows[0].metadata).toMatchObject({ actor: { kind: 'user', id: 'ppk-pupr-sinjai' }, correlationId: 'cases-e2e-request', regionCode: '73.07.02' });

      // Saying it again adds nothing.
      const again = await post(`/v1/cases/${climbed.caseId}/acknowledge`, ppk, { note: 'lagi' });
      expect(again).toMatchObject({ status: 200, body: { version: 4, acknowledgedAtCurrentLevel: true } });
    });

    it('accepts an empty note but refuses a missing, non-string or too long one, and unknown fields', async () => {
      const target = cases[0].caseId;
      for (const body of [{}, { note: 42 }, { note: 'x'.repeat(2001) }, { note: 'ok', colour: 'red' }, undefined]) {
        const res = await post(`/v1/cases/${target}/acknowledge`, kadis, body);
        expect(res.status).toBe(400);
        expect(res.contentType).toContain('application/problem+json');
      }
      const missing = await post(`/v1/cases/${target}/acknowledge`, kadis, {});
      expect(missing.body.errors).toEqual([expect.objectContaining({ path: 'note' })]);
      expect((await post(`/v1/cases/${target}/acknowledge`, kadis, { note: '' })).status).toBe(200);
    });

    it('lets a head of agency waive with a justification; a PPK may not; a short justification is refused', async () => {
      const before = await streamVersion(held.caseId);
      const byPpk = await post(`/v1/cases/${held.caseId}/waive`, ppk, { justification: JUSTIFICATION });
      expect(byPpk.status).toBe(403);
      expect(byPpk.body.code).toBe('waiver_not_allowed');

      const short = await post(`/v1/cases/${held.caseId}/waive`, kadis, { justification: '   terlalu singkat   ' });
      expect(short.status).toBe(400);
      expect(short.body).toMatchObject({ code: 'justification_too_short', errors: [expect.objectContaining({ path: 'justification' })] });
      expect((await post(`/v1/cases/${held.caseId}/waive`, kadis, {})).status).toBe(400);
      expect(await streamVersion(held.caseId)).toBe(before);

      const waived = await post(`/v1/cases/${held.caseId}/waive`, kadis, { justification: JUSTIFICATION });
      expect(waived.status).toBe(200);
      expect(waived.body).toMatchObject({ caseId: held.caseId, status: 'WAIVED', nextEscalationAt: null, paymentHold: false, heldTermins: [], endedAt: expect.any(String) });

      const list = await get('/v1/cases?status=WAIVED', ppk);
      expect(list.body.items.map((c: { caseId: string }) => c.caseId)).toEqual([held.caseId]);
      const detail = await get(`/v1/cases/${held.caseId}`, auditor);
      expect(detail.body.status).toBe('WAIVED');
      expect(detail.body.timeline.slice(-2)).toEqual([
        expect.objectContaining({ type: 'CaseWaived', actor: { kind: 'user', id: 'kadis-pupr-sinjai' }, details: { by: { sub: 'kadis-pupr-sinjai', position: 'KEPALA_DINAS' }, justification: JUSTIFICATION } }),
        expect.objectContaining({ type: 'PaymentHoldLifted', details: { terminNumbers: [2], reason: 'WAIVED' } }),
      ]);
    });

    it('refuses to waive or acknowledge a case that already ended (409)', async () => {
      const again = await post(`/v1/cases/${held.caseId}/waive`, kadis, { justification: JUSTIFICATION });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('case_not_open');
      expect((await post(`/v1/cases/${held.caseId}/acknowledge`, ppk, { note: 'terlambat' })).status).toBe(409);
    });

    it('never lets an auditor or an admin write (403), even on a case in scope', async () => {
      const target = district05.caseId;
      const before = await streamVersion(target);
      for (const token of [auditor, admin]) {
        const ack = await post(`/v1/cases/${target}/acknowledge`, token, { note: 'dilihat' });
        const waive = await post(`/v1/cases/${target}/waive`, token, { justification: JUSTIFICATION });
        expect([ack.status, waive.status]).toEqual([403, 403]);
        expect(ack.body.code).toBe('forbidden_role');
      }
      expect(await streamVersion(target)).toBe(before);
    });
  });

  describe('PATCH /v1/admin/officials/{id} subject', () => {
    it('links a sign-in to a directory official, refuses a subject already taken, and unlinks with null', async () => {
      const linked = await call('PATCH', `/v1/admin/officials/${SEEDED_PPK}`, admin, { subject: 'ppk-pupr-sinjai' });
      expect(linked).toMatchObject({ status: 200, body: { id: SEEDED_PPK, subject: 'ppk-pupr-sinjai', position: 'PPK' } });
      expect((await call('GET', `/v1/admin/officials/${SEEDED_PPK}`, admin)).body.subject).toBe('ppk-pupr-sinjai');

      const taken = await call('PATCH', `/v1/admin/officials/${SEEDED_SEKDA}`, admin, { subject: 'ppk-pupr-sinjai' });
      expect(taken.status).toBe(409);
      expect(taken.body.code).toBe('subject_taken');
      expect((await call('PATCH', `/v1/admin/officials/${SEEDED_SEKDA}`, admin, { subject: 'x'.repeat(201) })).status).toBe(400);
      expect((await call('PATCH', `/v1/admin/officials/${SEEDED_SEKDA}`, admin, { subject: 7 })).status).toBe(400);

      const set = await call('PATCH', `/v1/admin/officials/${SEEDED_SEKDA}`, admin, { subject: 'sekda-sinjai' });
      expect(set.body.subject).toBe('sekda-sinjai');
      const unset = await call('PATCH', `/v1/admin/officials/${SEEDED_SEKDA}`, admin, { subject: null });
      expect(unset).toMatchObject({ status: 200, body: { subject: null } });
      // Omitting subject leaves it as it is.
      expect((await call('PATCH', `/v1/admin/officials/${SEEDED_PPK}`, admin, { name: 'Contoh PPK Dinas PUPR (placeholder)' })).body.subject).toBe('ppk-pupr-sinjai');
    });
  });

  describe('GET /v1/inbox and POST /v1/inbox/{id}/read', () => {
    const mine: string[] = [];
    let toOfficial: string;
    let toOtherOfficial: string;
    let toBonePpk: string;

    /** An in-app notification and its inbox row, as the delivery worker writes them. */
    const inboxItem = async (item: { officialId: string | null; position: string; regionCode: string; createdAt: string; agencyCode?: string | null }) => {
      const id = randomUUID();
      const fixture = item.regionCode.startsWith('73.08') ? bone[0] : cases[0];
      await db.pool.query(
        `INSERT INTO notifications (id, kind, channel, project_id, case_id, level, region_code, agency_code, recipient_kind, recipient_id, position,
                cause_event_id, cause_position, status, attempts, delivered_at)
         VALUES ($1, 'CASE_ESCALATED', 'INBOX', $2, $3, 0, $4, $5, 'OFFICIAL', $6, $7, $8, 1, 'DELIVERED', 1, $9)`,
        [id, fixture.projectId, fixture.caseId, item.regionCode, PUPR, item.officialId ?? `position:${item.position}`, item.position, fixture.eventIds[1], item.createdAt],
      );
      await db.pool.query(
        `INSERT INTO inbox_items (id, recipient_official_id, position, region_code, agency_code, case_id, project_id, subject, body, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'Kasus eskalasi', 'Proyek belum terdaftar BPJS Ketenagakerjaan', $8)`,
        [id, item.officialId, item.position, item.regionCode, item.agencyCode === undefined ? PUPR : item.agencyCode, fixture.caseId, fixture.projectId, item.createdAt],
      );
      return id;
    };

    beforeAll(async () => {
      toOfficial = await inboxItem({ officialId: SEEDED_PPK, position: 'PPK', regionCode: '73.07.01', createdAt: minute(10) });
      mine.push(toOfficial);
      mine.push(await inboxItem({ officialId: null, position: 'PPK', regionCode: '73.07.05', createdAt: minute(11) }));
      mine.push(await inboxItem({ officialId: null, position: 'PPK', regionCode: '73.07.02', createdAt: minute(11), agencyCode: null }));
      mine.push(await inboxItem({ officialId: SEEDED_PPK, position: 'PPK', regionCode: '73.07.03', createdAt: minute(12) }));
      toOtherOfficial = await inboxItem({ officialId: SEEDED_KADIS, position: 'KEPALA_DINAS', regionCode: '73.07.01', createdAt: minute(13) });
      await inboxItem({ officialId: null, position: 'KEPALA_DINAS', regionCode: '73.07.01', createdAt: minute(14) });
      toBonePpk = await inboxItem({ officialId: null, position: 'PPK', regionCode: '73.08.01', createdAt: minute(15) });
    });

    const inboxIds = async (token: string, query = '') => {
      const res = await get(`/v1/inbox${query}`, token);
      expect(res.status).toBe(200);
      return res.body.items as { id: string; position: string; regionCode: string; readAt: string | null; addressedTo: string }[];
    };

    it('returns only the caller’s items: addressed to their directory entry, or to their position in their regions', async () => {
      const items = await inboxIds(ppk);
      const ids = items.map((i) => i.id);
      expect(ids).toEqual(expect.arrayContaining(mine));
      expect(ids).not.toContain(toOtherOfficial);
      expect(ids).not.toContain(toBonePpk);
      expect(items.every((i) => i.position === 'PPK' && i.regionCode.startsWith('73.07.'))).toBe(true);
      expect(items.find((i) => i.id === toOfficial)).toMatchObject({ addressedTo: 'OFFICIAL', readAt: null, subject: 'Kasus eskalasi' });
      // Newest first.
      const createdAt = items.map((i) => (i as unknown as { createdAt: string }).createdAt);
      expect([...createdAt].sort().reverse()).toEqual(createdAt);

      const boneItems = await inboxIds(bonePpk);
      expect(boneItems.map((i) => i.id)).toContain(toBonePpk);
      expect(boneItems.every((i) => i.regionCode.startsWith('73.08.'))).toBe(true);

      const kadisItems = (await inboxIds(kadis)).map((i) => i.id);
      expect(kadisItems).not.toContain(toOtherOfficial); // addressed to a directory entry not linked to this sign-in
      expect(kadisItems.some((id) => mine.includes(id))).toBe(false);
    });

    it('pages without repeats or gaps', async () => {
      const full = (await inboxIds(ppk, '?limit=200')).map((i) => i.id).filter((id) => mine.includes(id));
      const { ids } = await allPages('/v1/inbox', ppk, 1, 'id');
      expect(ids.filter((id) => mine.includes(id))).toEqual(full);
      expect(full).toHaveLength(mine.length);
    });

    it('marks an item read once, only for its addressee', async () => {
      expect((await post(`/v1/inbox/${toOfficial}/read`, bonePpk)).status).toBe(404);
      expect((await post(`/v1/inbox/${toOtherOfficial}/read`, ppk)).status).toBe(404);
      expect((await post('/v1/inbox/not-an-id/read', ppk)).status).toBe(404);

      const read = await post(`/v1/inbox/${toOfficial}/read`, ppk);
      expect(read).toMatchObject({ status: 200, body: { id: toOfficial, readAt: expect.any(String) } });
      const again = await post(`/v1/inbox/${toOfficial}/read`, ppk);
      expect(again.body.readAt).toBe(read.body.readAt);

      const unread = (await inboxIds(ppk, '?unread=true&limit=200')).map((i) => i.id);
      expect(unread).not.toContain(toOfficial);
      expect(unread).toEqual(expect.arrayContaining(mine.filter((id) => id !== toOfficial)));
      expect((await inboxIds(ppk, '?unread=false&limit=200')).map((i) => i.id)).toContain(toOfficial);
      const { rows } = await db.pool.query(`SELECT read_at FROM inbox_items WHERE id = $1`, [toOtherOfficial]);
      expect(rows[0].read_at).toBeNull();
    });

    it('refuses bad parameters with a 400 naming them', async () => {
      for (const [query, path] of [['unread=yes', 'unread'], ['limit=0', 'limit'], ['cursor=zzz', 'cursor']]) {
        const res = await get(`/v1/inbox?${query}`, ppk);
        expect(res.status).toBe(400);
        expect(res.body.errors[0].path).toBe(path);
      }
      expect((await get('/v1/inbox', admin)).status).toBe(403);
      // Auditors read; they never write, not even an inbox item's read mark.
      expect((await post(`/v1/inbox/${toOfficial}/read`, auditor)).status).toBe(403);
    });
  });

  it('documents the routes in OpenAPI', async () => {
    const doc = (await (await fetch(`${baseUrl}/docs-json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/cases', '/v1/cases/{id}', '/v1/cases/{id}/acknowledge', '/v1/cases/{id}/waive', '/v1/inbox', '/v1/inbox/{id}/read']),
    );
  });
});
