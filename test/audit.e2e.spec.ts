import { projectRegistered, signedPost, waitFor, workersReported } from '@sinergi/testing';
import type { AuditEventView } from '../src/modules/audit/audit-event.view';
import { caseIdFor } from '../src/modules/escalation/escalation.queues';
import { type RunningSystem, startSystem } from './support/running-system';
import { csvRecords } from './support/audit-api';

jest.setTimeout(120_000);

interface History {
  projectId: string;
  regionCode: string;
  streams: { streamId: string; version: number; hash: string }[];
  count: number;
  events: AuditEventView[];
}

const REF = 'AUD-0001';
const NIK = '7307010101900001';
const HYPERLINK = '=HYPERLINK("http://evil.example/?q=1","Klik")';
// Two levels are climbed (L0 → L1 → L2), then the case waits long enough at L2 for the project to become compliant.
const LEVELS = [
  { level: 0, recipients: ['CONTRACTOR', 'PPK'], waitBeforeNext: 'PT2S' },
  { level: 1, recipients: ['KEPALA_DINAS', 'BPJS_BRANCH'], waitBeforeNext: 'PT2S' },
  { level: 2, recipients: ['INSPEKTORAT', 'SEKDA'], waitBeforeNext: 'PT10M' },
  { level: 3, recipients: ['BUPATI', 'WAKIL_BUPATI'], waitBeforeNext: null },
];

const commitOrder = (a: AuditEventView, b: AuditEventView) =>
  BigInt(a.transactionId) < BigInt(b.transactionId) || (a.transactionId === b.transactionId && BigInt(a.position) < BigInt(b.position));

describe('audit API (API + worker + BPJS simulator)', () => {
  let system: RunningSystem;
  let projectId: string;
  let caseId: string;
  let auditor: string;

  const request = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(`${system.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* CSV or NDJSON */
    }
    return { status: res.status, body: parsed as any, text };
  };
  const caseTypes = async () =>
    (await system.db.pool.query(`SELECT type, data FROM events WHERE stream_id = $1 ORDER BY stream_version`, [`case-${caseId}`])).rows;

  beforeAll(async () => {
    system = await startSystem('audit', { NOTIFICATION_BACKOFF_MS: '50', NOTIFICATION_ATTEMPTS: '2' });
    const admin = await system.token({ sub: 'ops', roles: ['admin'], regions: ['73'] });
    expect((await request('PUT', '/v1/admin/ladders/73.07', admin, { levels: LEVELS })).status).toBe(200);
    const client = await system.client('spse-audit', ['73.07']);
    auditor = await system.token({ sub: 'inspektorat-sinjai', name: 'Auditor Inspektorat', roles: ['auditor'], regions: ['73.07'] });

    // Registration (a name a spreadsheet would run, a correlation id that looks like a formula), then a worker roster.
    const registered = await signedPost(system.baseUrl, '/v1/procurement/events', client, projectRegistered(REF, {}, { name: HYPERLINK, contractNumber: `SPK/${REF}` }), {
      headers: { 'x-correlation-id': '-audit-1' },
    });
    expect(registered.status).toBe(202);
    projectId = registered.body.projectId;
    caseId = caseIdFor(projectId, 1);
    expect((await signedPost(system.baseUrl, '/v1/procurement/events', client, workersReported(REF, [{ nik: NIK, name: 'Baso Tang', role: 'mandor' }]))).status).toBe(202);

    // Not enrolled: the case opens and climbs to L2.
    await waitFor(caseTypes, (events) => events.some((e) => e.type === 'EscalationLevelReached' && e.data.level === 2), 60_000);

    // The contractor enrols and pays; an official asks for a fresh look; the project is compliant and the case resolved.
    system.sim.upsertProjects([
      {
        npwp: '0012345674901000',
        contractNumber: `SPK/${REF}`,
        projectNumber: '7307250000001',
        npp: '73070001',
        status: 'ACTIVE',
        coveredFrom: '2025-04-28',
        coveredTo: '2026-04-22',
        contractValue: '2500000000',
        premiumAssessed: '3252703',
        premiumPaid: '3252703',
        workersRegistered: 35,
        workerNiks: [NIK],
      },
    ]);
    const official = await system.token({ sub: 'kadis-pupr', roles: ['official'], regions: ['73.07'], position: 'KEPALA_DINAS' });
    expect((await request('POST', `/v1/projects/${projectId}/reverify`, official)).status).toBe(202);
    await waitFor(caseTypes, (events) => events.some((e) => e.type === 'CaseResolved'), 60_000);
    // Every notification planned so far has been settled (e-mail fails: no SMTP here; those failures are events too).
    await waitFor(
      () => system.db.pool.query(`SELECT status FROM notifications WHERE case_id = $1`, [caseId]),
      (r) => r.rows.length > 0 && r.rows.every((n) => n.status !== 'PENDING'),
      60_000,
    );
  });

  afterAll(() => system?.stop());

  it('tells a project’s whole story in commit order: registration, verification, a case climbing two levels, resolution', async () => {
    const res = await request('GET', `/v1/audit/projects/${projectId}/history`, auditor);
    expect(res.status).toBe(200);
    const history = res.body as History;
    const { events } = history;
    expect(history).toMatchObject({ projectId, regionCode: '73.07.06', count: events.length });

    // In commit order, and every stream of the project is there: its own, compliance, the case, its notifications.
    for (let i = 1; i < events.length; i += 1) expect(commitOrder(events[i - 1], events[i])).toBe(true);
    const streams = new Set(events.map((e) => e.streamId.replace(/-[0-9a-f-]{36}$/, '')));
    expect(streams).toEqual(new Set(['project', 'compliance', 'case', 'notification']));
    const { rows: stored } = await system.db.pool.query(
      `SELECT count(*)::int AS n FROM events WHERE stream_id IN ($1, $2, $3) OR stream_id IN (SELECT 'notification-' || id FROM notifications WHERE case_id = $4)`,
      [`project-${projectId}`, `compliance-${projectId}`, `case-${caseId}`, caseId],
    );
    expect(events).toHaveLength(stored[0].n);

    // The story, in order.
    const story = events
      .filter((e) => !e.type.startsWith('Notification') && e.type !== 'VerificationRequested')
      .map((e) => (e.type === 'EscalationLevelReached' ? `L${e.data.level}` : e.type === 'ComplianceStatusChanged' ? `→${e.data.to}` : e.type));
    expect(story).toContain('WorkersReported');
    const expected = ['ProjectRegistered', '→NON_COMPLIANT', 'CaseOpened', 'L0', 'L1', 'L2', 'EnrolmentConfirmed', '→COMPLIANT', 'CaseResolved'];
    expect(story.filter((s) => expected.includes(s))).toEqual(expected);
    const at = (label: string) => story.indexOf(label);
    expect(at('EnrolmentMissing') === -1 || at('EnrolmentMissing') < at('→NON_COMPLIANT')).toBe(true);

    // Who did what: the procurement client, the official who asked for a fresh look, and Sinergi's own processes.
    const first = (type: string, where: (e: AuditEventView) => boolean = () => true) => events.find((e) => e.type === type && where(e))!;
    expect(first('ProjectRegistered')).toMatchObject({ actor: { kind: 'client', id: 'spse-audit' }, correlationId: '-audit-1', sourceEventId: `spse-7307-${REF}-1` });
    expect(first('VerificationRequested', (e) => e.data.reason === 'manual')).toMatchObject({ actor: { kind: 'user', id: 'kadis-pupr' } });
    expect(first('CaseOpened').actor).toEqual({ kind: 'system', id: 'escalation-relay' });
    expect(first('EscalationLevelReached', (e) => e.data.level === 1).actor).toEqual({ kind: 'system', id: 'escalation-timer' });
    expect(events.filter((e) => e.type.startsWith('Notification')).every((e) => e.actor?.id === 'notification-worker')).toBe(true);

    // Why each escalation fired: its causation is an earlier event of this same history.
    const position = new Map(events.map((e, i) => [e.eventId, i]));
    const caused = events.filter((e) => e.streamId === `case-${caseId}` || e.streamId.startsWith('notification-'));
    for (const e of caused) {
      expect(position.has(e.causationId!)).toBe(true);
      expect(position.get(e.causationId!)!).toBeLessThan(position.get(e.eventId)!);
    }
    const opened = first('CaseOpened');
    expect(events[position.get(opened.causationId!)!]).toMatchObject({ streamId: `compliance-${projectId}` });
    const l1 = first('EscalationLevelReached', (e) => e.data.level === 1);
    const l2 = first('EscalationLevelReached', (e) => e.data.level === 2);
    expect(events[position.get(l2.causationId!)!].eventId).toBe(l1.eventId);
    expect(first('CaseResolved').correlationId).toBeTruthy();

    // Each stream chains: every event's prevHash is the hash before it, and the heads are listed.
    const byStream = new Map<string, AuditEventView[]>();
    for (const e of events) byStream.set(e.streamId, [...(byStream.get(e.streamId) ?? []), e]);
    for (const [streamId, chain] of byStream) {
      chain.sort((a, b) => a.version - b.version);
      chain.forEach((e, i) => {
        expect(e.version).toBe(i + 1);
        if (i > 0) expect(e.prevHash).toBe(chain[i - 1].hash);
      });
      expect(history.streams).toContainEqual({ streamId, version: chain.length, hash: chain[chain.length - 1].hash });
    }

    // Personal data stays behind references; the contractor's contact is masked.
    expect(first('ProjectRegistered')).toMatchObject({ masked: true, data: { contractor: { email: 'k***@karyasinjai.example' } } });
    expect(res.text).not.toMatch(/Andi Baso|Baso Tang|7307010101900001|ppk\.pupr@/);
  });

  it('resolves the people behind the references for a pii:read auditor, and records that they were seen', async () => {
    const reader = await system.token({ sub: 'bpk-auditor', roles: ['auditor'], regions: ['73'], permissions: ['pii:read'] });
    const res = await request('GET', `/v1/audit/projects/${projectId}/history`, reader);
    expect(res.status).toBe(200);
    const events = (res.body as History).events;
    const registered = events.find((e) => e.type === 'ProjectRegistered')!;
    expect(registered.masked).toBe(false);
    expect(registered.data.contractor).toMatchObject({ email: 'kontak@karyasinjai.example' });
    const ppkRef = (registered.data.ppk as { ref: string }).ref;
    expect(registered.personalData).toEqual({ [ppkRef]: { kind: 'ppk', erased: false, data: { nip: '198001012005011001', name: 'Andi Baso', email: 'ppk.pupr@sinjaikab.example' } } });
    const roster = events.find((e) => e.type === 'WorkersReported')!;
    expect(Object.values(roster.personalData!)).toEqual([{ kind: 'worker', erased: false, data: { nik: NIK, name: 'Baso Tang' } }]);

    const { rows } = await system.db.pool.query(
      `SELECT action, outcome, personal_refs, result_count::int AS count FROM audit_access_log WHERE actor_sub = 'bpk-auditor' ORDER BY id`,
    );
    expect(rows).toEqual([
      { action: 'history', outcome: 'ok', personal_refs: null, count: events.length },
      { action: 'pii', outcome: 'ok', personal_refs: expect.arrayContaining([ppkRef, ...Object.keys(roster.personalData!)]), count: events.length },
    ]);
  });

  it('exports CSV with a formula-looking value inert, and a trailer that counts and digests the rows', async () => {
    const res = await request('GET', '/v1/audit/export?regionCode=73.07&format=csv', auditor);
    expect(res.status).toBe(200);
    const records = csvRecords(res.text);
    const header = records.shift()!;
    const trailer = records.pop()!;
    expect(trailer).toHaveLength(1);
    expect(trailer[0]).toMatch(/^# count=\d+ sha256=[0-9a-f]{64}$/);
    expect(Number(/count=(\d+)/.exec(trailer[0])![1])).toBe(records.length);
    const cell = (record: string[], column: string) => record[header.indexOf(column)];
    const registration = records.find((r) => cell(r, 'type') === 'ProjectRegistered')!;
    // The name sits inside the JSON data cell, which starts with '{'; the correlation id is prefixed with a quote.
    expect(cell(registration, 'data').startsWith('"{')).toBe(true);
    expect(JSON.parse(cell(registration, 'data').slice(1, -1).replace(/""/g, '"')).name).toBe(HYPERLINK);
    expect(cell(registration, 'correlation_id')).toBe("'-audit-1");
    for (const record of records) for (const value of record) expect(value).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('keeps an auditor scoped to 73.08 out of 73.07, and lets no auditor write anything anywhere', async () => {
    const outsider = await system.token({ sub: 'auditor-bantaeng', roles: ['auditor'], regions: ['73.08'] });
    expect((await request('GET', `/v1/audit/projects/${projectId}/history`, outsider)).status).toBe(404);
    expect((await request('GET', `/v1/audit/events?regionCode=73.07`, outsider)).status).toBe(404);
    expect((await request('GET', `/v1/audit/export?regionCode=73.07.06`, outsider)).status).toBe(404);
    const own = await request('GET', '/v1/audit/events', outsider);
    expect(own.status).toBe(200);
    expect(own.body.items).toEqual([]);

    const before = (await system.db.pool.query(`SELECT count(*)::int AS events, (SELECT count(*)::int FROM escalation_ladders) AS ladders FROM events`)).rows[0];
    const writes: [string, string, unknown][] = [
      ['POST', `/v1/cases/${caseId}/acknowledge`, { note: 'sudah dibaca' }],
      ['POST', `/v1/cases/${caseId}/waive`, { justification: 'dibebaskan' }],
      ['PUT', '/v1/admin/ladders/73.08', { levels: LEVELS }],
      ['PUT', '/v1/admin/ladders/73.07', { levels: LEVELS }],
      ['POST', `/v1/projects/${projectId}/reverify`, undefined],
      ['POST', `/v1/projects/${projectId}/evidence`, {}],
      ['PUT', '/v1/coverage/targets/73.08', { metric: 'projects', targetPercent: 90, deadline: '2026-12-31' }],
      ['POST', '/v1/admin/officials', { position: 'BUPATI', regionScope: '73.08', name: 'x' }],
      ['POST', '/v1/ops/dead-letters/00000000-0000-0000-0000-000000000000/retry', undefined],
      ['POST', '/v1/procurement/events', projectRegistered('AUD-EVIL')],
      ['POST', '/v1/audit/events', {}],
      ['DELETE', `/v1/audit/projects/${projectId}/history`, undefined],
    ];
    const inScope = auditor;
    for (const token of [outsider, inScope]) {
      for (const [method, path, body] of writes) {
        const res = await request(method, path, token, body);
        expect({ method, path, refused: [401, 403, 404].includes(res.status) }).toEqual({ method, path, refused: true });
      }
    }
    const after = (await system.db.pool.query(`SELECT count(*)::int AS events, (SELECT count(*)::int FROM escalation_ladders) AS ladders FROM events`)).rows[0];
    expect(after).toEqual(before);
  });

  it('records who looked: every history, search and export, with filters and counts, refusals included', async () => {
    const { rows } = await system.db.pool.query(
      `SELECT actor_sub, action, outcome, filters, result_count::int AS count FROM audit_access_log WHERE actor_sub IN ('inspektorat-sinjai', 'auditor-bantaeng') ORDER BY id`,
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        { actor_sub: 'inspektorat-sinjai', action: 'history', outcome: 'ok', filters: { projectId }, count: expect.any(Number) },
        { actor_sub: 'inspektorat-sinjai', action: 'export', outcome: 'started', filters: { regionCode: '73.07', format: 'csv' }, count: null },
        { actor_sub: 'inspektorat-sinjai', action: 'export', outcome: 'completed', filters: { regionCode: '73.07', format: 'csv' }, count: expect.any(Number) },
        { actor_sub: 'auditor-bantaeng', action: 'history', outcome: 'not_found', filters: { projectId }, count: 0 },
        { actor_sub: 'auditor-bantaeng', action: 'search', outcome: 'not_found', filters: { regionCode: '73.07' }, count: 0 },
        { actor_sub: 'auditor-bantaeng', action: 'export', outcome: 'not_found', filters: { regionCode: '73.07.06' }, count: 0 },
        { actor_sub: 'auditor-bantaeng', action: 'search', outcome: 'ok', filters: {}, count: 0 },
      ]),
    );
  });
});
