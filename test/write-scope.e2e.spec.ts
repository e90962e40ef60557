import { randomUUID } from 'node:crypto';
import { inTransaction } from '@sinergi/database';
import { EventStore, NO_STREAM } from '@sinergi/event-store';
import { type MigratedTestDatabase, projectRegistered, signedPost } from '@sinergi/testing';
import { decideCase, type EscalationCaseCommand, type EscalationCaseEvent, foldCase } from '../src/modules/escalation/case-decider/escalation-case.decider';
import { caseStreamId } from '../src/modules/escalation/case-decider/escalation-case.events';
import { DEFAULT_SINJAI_LADDER } from '../src/modules/escalation/ladder/escalation-ladder';
import { refreshCaseReadModel } from '../src/modules/escalation/runtime/case-read-model';
import { type RunningSystem, startSystem } from './support/running-system';

const PUPR = '1.03.0.00.0.00.01.0000';
const SEEDED_PPK_OFFICIAL = '7307e5c0-0000-4000-8000-000000000001';
const JUSTIFICATION = 'Kontrak diputus oleh PA sebelum pekerjaan dimulai; tidak ada pekerja di lapangan';
const evidence = (receiptNumber: string) => ({
  projectNumber: '7307250000001',
  npp: '73070001',
  paymentCode: '730725000123',
  receiptNumber,
  premiumPaid: '3252703',
  coveredFrom: '2025-04-28',
  coveredTo: '2026-04-22',
});

/** The ids the writes name: every one a real resource of Sinjai (73.07). */
interface Ids {
  project: string;
  evidence: string;
  decidedEvidence: string;
  openCase: string;
  endedCase: string;
  deadLetter: string;
  official: string;
}

type Caller = 'kadis' | 'ppk' | 'admin' | 'client';

/**
 * One rule for every write on a resource named by its id: outside the caller's regions it is refused exactly as an
 * unknown id is, 404 not_found with the same body, before its state or the caller's position is looked at.
 */
describe('writes on a resource outside the caller’s regions answer like an unknown id (API + worker over HTTP)', () => {
  let system: RunningSystem;
  let db: MigratedTestDatabase;
  let baseUrl: string;
  let store: EventStore;
  let sinjaiClient: { id: string; secret: string };
  let boneClient: { id: string; secret: string };
  const tokens = {} as Record<'sinjaiBranch' | 'sinjaiKadis' | 'sinjaiPpk' | 'sinjaiAdmin' | Exclude<Caller, 'client'>, string>;
  let real: Ids;

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as any };
  };

  const openCase = async (more: EscalationCaseCommand[] = []) => {
    const caseId = randomUUID();
    const now = new Date().toISOString();
    const events: EscalationCaseEvent[] = decideCase(
      { type: 'OpenCase', caseId, projectId: randomUUID(), regionCode: '73.07.06', agencyCode: PUPR, reasons: ['ENROLMENT_MISSING'], ladder: DEFAULT_SINJAI_LADDER, now },
      foldCase([]),
    );
    for (const command of more) events.push(...decideCase(command, foldCase(events)));
    const metadata = { actor: { kind: 'system' as const, id: 'test-fixture' }, correlationId: 'write-scope-e2e', regionCode: '73.07.06' };
    await inTransaction(db.pool, async (tx) => {
      await store.appendMany(
        [{ streamId: caseStreamId(caseId), expected: NO_STREAM, events: events.map((e) => ({ type: e.type, data: e.data, metadata })) }],
        {},
        tx,
      );
      await refreshCaseReadModel(store, tx, [caseId]);
    });
    return caseId;
  };

  beforeAll(async () => {
    system = await startSystem('write-scope');
    ({ db, baseUrl } = system);
    store = system.api.get(EventStore);
    sinjaiClient = await system.client('spse-sinjai', ['73.07']);
    boneClient = await system.client('spse-bone', ['73.08']);
    tokens.sinjaiBranch = await system.token({ sub: 'bpjs-branch-sinjai', roles: ['official'], regions: ['73.07'], position: 'BPJS_BRANCH' });
    tokens.sinjaiKadis = await system.token({ sub: 'kadis-sinjai', roles: ['official'], regions: ['73.07'], position: 'KEPALA_DINAS', agency: PUPR });
    tokens.sinjaiPpk = await system.token({ sub: 'ppk-sinjai', roles: ['official'], regions: ['73.07'], position: 'PPK' });
    tokens.sinjaiAdmin = await system.token({ sub: 'admin-sinjai', roles: ['admin'], regions: ['73.07'] });
    tokens.kadis = await system.token({ sub: 'kadis-bone', roles: ['official'], regions: ['73.08'], position: 'KEPALA_DINAS', agency: PUPR });
    tokens.ppk = await system.token({ sub: 'ppk-bone', roles: ['official'], regions: ['73.08'], position: 'PPK' });
    tokens.admin = await system.token({ sub: 'admin-bone', roles: ['admin'], regions: ['73.08'] });

    const registered = await signedPost(baseUrl, '/v1/procurement/events', sinjaiClient, projectRegistered('WS-1', {}, { contractNumber: 'SPK/WS-1' }));
    expect(registered.status).toBe(202);
    const project = registered.body.projectId as string;
    const submitted = await call('POST', `/v1/projects/${project}/evidence`, tokens.sinjaiBranch, evidence('730725000000111'));
    const toReject = await call('POST', `/v1/projects/${project}/evidence`, tokens.sinjaiBranch, evidence('730725000000222'));
    expect([submitted.status, toReject.status]).toEqual([201, 201]);
    const rejected = await call('POST', `/v1/projects/${project}/evidence/${toReject.body.evidenceId}/reject`, tokens.sinjaiBranch, { reason: 'Not on the branch statement' });
    expect(rejected.status).toBe(200);
    const deadLetter = randomUUID();
    await db.pool.query(
      `INSERT INTO dead_letters (id, queue, job_id, project_id, reason, attempts, failed_at) VALUES ($1, 'verification', $2, $3, 'BPJS unavailable', 8, now())`,
      [deadLetter, `verify-${project}-dl`, project],
    );
    real = {
      project,
      evidence: submitted.body.evidenceId,
      decidedEvidence: toReject.body.evidenceId,
      openCase: await openCase(),
      endedCase: await openCase([{ type: 'WaiveCase', by: { sub: 'kadis-sinjai', position: 'KEPALA_DINAS' }, agency: PUPR, justification: JUSTIFICATION, now: new Date().toISOString() }]),
      deadLetter,
      official: SEEDED_PPK_OFFICIAL,
    };
  });

  afterAll(() => system?.stop());

  /** Every write route on an id, as the caller from Bone (73.08) would send it. */
  // Every row has all five cells: with fewer, Jest would hand the test a `done` callback in place of the body.
  const writes: [label: string, caller: Caller, method: string, path: (ids: Ids) => string, body: unknown][] = [
    ['reverify a project (official)', 'kadis', 'POST', (i) => `/v1/projects/${i.project}/reverify`, undefined],
    ['reverify a project (admin)', 'admin', 'POST', (i) => `/v1/projects/${i.project}/reverify`, undefined],
    ['submit evidence (official), with a receipt already awaiting a decision', 'kadis', 'POST', (i) => `/v1/projects/${i.project}/evidence`, evidence('730725000000111')],
    ['submit evidence (procurement client)', 'client', 'POST', (i) => `/v1/projects/${i.project}/evidence`, evidence('730725000000333')],
    ['confirm evidence', 'kadis', 'POST', (i) => `/v1/projects/${i.project}/evidence/${i.evidence}/confirm`, undefined],
    ['confirm evidence already decided', 'kadis', 'POST', (i) => `/v1/projects/${i.project}/evidence/${i.decidedEvidence}/confirm`, undefined],
    ['reject evidence', 'kadis', 'POST', (i) => `/v1/projects/${i.project}/evidence/${i.evidence}/reject`, { reason: 'Dari Bone' }],
    ['acknowledge a case', 'kadis', 'POST', (i) => `/v1/cases/${i.openCase}/acknowledge`, { note: 'dari Bone' }],
    ['waive a case', 'kadis', 'POST', (i) => `/v1/cases/${i.openCase}/waive`, { justification: JUSTIFICATION }],
    ['waive a case, by a position that may not waive', 'ppk', 'POST', (i) => `/v1/cases/${i.openCase}/waive`, { justification: JUSTIFICATION }],
    ['waive a case that already ended', 'kadis', 'POST', (i) => `/v1/cases/${i.endedCase}/waive`, { justification: JUSTIFICATION }],
    ['retry a dead letter', 'admin', 'POST', (i) => `/v1/ops/dead-letters/${i.deadLetter}/retry`, undefined],
    ['change an official', 'admin', 'PATCH', (i) => `/v1/admin/officials/${i.official}`, { name: 'Dari Bone' }],
    ['deactivate an official', 'admin', 'DELETE', (i) => `/v1/admin/officials/${i.official}`, undefined],
  ];
  const unknownIds = (): Ids => ({
    project: randomUUID(),
    evidence: randomUUID(),
    decidedEvidence: randomUUID(),
    openCase: randomUUID(),
    endedCase: randomUUID(),
    deadLetter: randomUUID(),
    official: randomUUID(),
  });
  const send = (caller: Caller, method: string, path: string, body: unknown) =>
    caller === 'client' ? signedPost(baseUrl, path, boneClient, body) : call(method, path, tokens[caller], body);

  it.each(writes)('%s: out of scope and unknown give the same 404', async (_label, caller, method, path, body) => {
    const outside = await send(caller, method, path(real), body);
    const unknown = await send(caller, method, path(unknownIds()), body);
    expect(outside.status).toBe(404);
    expect(outside.body).toMatchObject({ status: 404, code: 'not_found' });
    expect({ ...outside.body, instance: undefined }).toEqual({ ...unknown.body, instance: undefined });
  });

  it('records nothing for the refused writes', async () => {
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM events WHERE metadata->'actor'->>'id' = ANY($1::text[])`, [
      ['kadis-bone', 'ppk-bone', 'admin-bone', 'spse-bone'],
    ]);
    expect(rows[0].n).toBe(0);
    expect((await db.pool.query(`SELECT status FROM enrolment_evidence WHERE evidence_id = $1`, [real.evidence])).rows[0].status).toBe('SUBMITTED');
    expect((await db.pool.query(`SELECT retried_at FROM dead_letters WHERE id = $1`, [real.deadLetter])).rows[0].retried_at).toBeNull();
    expect((await db.pool.query(`SELECT name, active FROM officials WHERE id = $1`, [real.official])).rows[0]).toMatchObject({ active: true });
    expect((await db.pool.query(`SELECT name FROM officials WHERE id = $1`, [real.official])).rows[0].name).not.toBe('Dari Bone');
  });

  it('answers the same writes in scope on their merits: the ids are real, and 403 is left to role and position', async () => {
    expect((await call('POST', `/v1/projects/${real.project}/reverify`, tokens.sinjaiKadis)).status).toBe(202);
    expect((await call('POST', `/v1/projects/${real.project}/evidence`, tokens.sinjaiBranch, evidence('730725000000111'))).body.code).toBe('evidence_already_submitted');
    expect((await call('POST', `/v1/projects/${real.project}/evidence/${real.decidedEvidence}/confirm`, tokens.sinjaiBranch)).body.code).toBe('evidence_already_decided');
    expect((await call('POST', `/v1/projects/${real.project}/evidence/${randomUUID()}/confirm`, tokens.sinjaiBranch)).body.code).toBe('evidence_not_found');
    const byPpk = await call('POST', `/v1/cases/${real.openCase}/waive`, tokens.sinjaiPpk, { justification: JUSTIFICATION });
    expect(byPpk).toMatchObject({ status: 403, body: { code: 'waiver_not_allowed' } });
    expect((await call('POST', `/v1/cases/${real.endedCase}/waive`, tokens.sinjaiKadis, { justification: JUSTIFICATION })).status).toBe(409);
    expect((await call('POST', `/v1/cases/${real.openCase}/acknowledge`, tokens.sinjaiKadis, { note: 'sudah dibaca' })).status).toBe(200);
    expect((await call('POST', `/v1/ops/dead-letters/${real.deadLetter}/retry`, tokens.sinjaiAdmin)).status).toBe(201);
    expect((await call('PATCH', `/v1/admin/officials/${real.official}`, tokens.sinjaiAdmin, { name: 'Andi Baso' })).status).toBe(200);
    // A role that may never do the write is refused whatever the id: that tells nothing about the resource.
    const auditor = await system.token({ sub: 'auditor-bone', roles: ['auditor'], regions: ['73.08'] });
    expect((await call('POST', `/v1/cases/${real.openCase}/acknowledge`, auditor, { note: 'x' })).body.code).toBe('forbidden_role');
  });
});
