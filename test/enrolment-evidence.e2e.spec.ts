import type { BpjsSimulator } from '@sinergi/bpjs-simulator';
import { type MigratedTestDatabase, projectRegistered, signedPost, waitFor } from '@sinergi/testing';
import { type RunningSystem, startSystem } from './support/running-system';

/**
 * The fixture project: Rp 2,500,000,000 incl. PPN (premium due Rp 3,252,703), SPK 2025-04-21, maintenance to
 * 2026-04-22. The BPJS simulator knows nothing of it, so only evidence can show it enrolled.
 */
const evidence = (changes: Record<string, unknown> = {}) => ({
  projectNumber: '7307250000001',
  npp: '73070001',
  paymentCode: '730725000123',
  receiptNumber: '730725000000123',
  premiumPaid: '3252703',
  coveredFrom: '2025-04-28',
  coveredTo: '2026-04-22',
  ...changes,
});

describe('enrolment evidence (API + worker + BPJS simulator over HTTP)', () => {
  let system: RunningSystem;
  let db: MigratedTestDatabase;
  let sim: BpjsSimulator;
  let baseUrl: string;
  let official: string;
  let otherRegionOfficial: string;
  let auditor: string;
  let client: { id: string; secret: string };
  let otherRegionClient: { id: string; secret: string };

  beforeAll(async () => {
    system = await startSystem('evidence');
    ({ db, sim, baseUrl } = system);
    client = await system.client('spse-evidence', ['73.07']);
    otherRegionClient = await system.client('spse-sinjai-timur-kab', ['73.08']);
    official = await system.token({ sub: 'bpjs-branch-sinjai', roles: ['official'], regions: ['73.07'], position: 'BPJS_BRANCH' });
    otherRegionOfficial = await system.token({ sub: 'bpjs-branch-bone', roles: ['official'], regions: ['73.08'], position: 'BPJS_BRANCH' });
    auditor = await system.token({ sub: 'inspektorat', roles: ['auditor'], regions: ['73.07'] });
  });

  afterAll(() => system?.stop());

  const register = async (ref: string) => {
    const res = await signedPost(baseUrl, '/v1/procurement/events', client, projectRegistered(ref, {}, { contractNumber: `SPK/${ref}` }));
    expect(res.status).toBe(202);
    return res.body.projectId as string;
  };
  const getProject = async (id: string) => {
    const res = await fetch(`${baseUrl}/v1/projects/${id}`, { headers: { authorization: `Bearer ${official}` } });
    return { status: res.status, body: (await res.json()) as any };
  };
  const post = async (path: string, token: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, contentType: res.headers.get('content-type'), body: (await res.json()) as any };
  };
  const row = async (evidenceId: string) =>
    (await db.pool.query(`SELECT status, confirmed_at, npwp, contract_number, premium_paid::text FROM enrolment_evidence WHERE evidence_id = $1`, [evidenceId]))
      .rows[0];
  const complianceTypes = async (id: string) =>
    (await db.pool.query(`SELECT type FROM events WHERE stream_id = $1 ORDER BY stream_version`, [`compliance-${id}`])).rows.map((r) => r.type);
  const verificationsDone = (id: string, trigger: string) =>
    waitFor(
      () => db.pool.query(`SELECT outcome FROM verification_requests WHERE project_id = $1 AND trigger_type = $2 AND completed_at IS NOT NULL`, [id, trigger]),
      (r) => r.rows.length > 0,
    );
  const missing = async (ref: string) => {
    const id = await register(ref);
    const { body } = await waitFor(() => getProject(id), (p) => p.status === 200 && p.body.complianceStatus !== 'PENDING');
    expect(body).toMatchObject({ complianceStatus: 'NON_COMPLIANT', reasons: ['ENROLMENT_MISSING'], enrolment: null });
    return id;
  };

  describe('evidence an official confirms', () => {
    let projectId: string;
    let evidenceId: string;

    it('finds a project not enrolled at BPJS after its deadline NON_COMPLIANT', async () => {
      projectId = await missing('930001');
      expect(sim.calls().some((c) => c.path.startsWith('/jakon/v1/projects') && c.status === 404)).toBe(true);
    });

    it("takes the procurement client's evidence as SUBMITTED, without changing the verdict", async () => {
      const res = await signedPost(baseUrl, `/v1/projects/${projectId}/evidence`, client, evidence());
      expect(res.status).toBe(201);
      evidenceId = res.body.evidenceId;
      expect(res.body).toEqual({ evidenceId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      expect(await row(evidenceId)).toEqual({
        status: 'SUBMITTED',
        confirmed_at: null,
        npwp: '0012345674901000',
        contract_number: 'SPK/930001',
        premium_paid: '3252703',
      });
      const types = await complianceTypes(projectId);
      expect(types[types.length - 1]).toBe('EnrolmentEvidenceSubmitted');
      expect((await getProject(projectId)).body).toMatchObject({ complianceStatus: 'NON_COMPLIANT', reasons: ['ENROLMENT_MISSING'] });
    });

    it('refuses a receipt number that is not 15 digits with a 400 naming receiptNumber', async () => {
      const res = await signedPost(baseUrl, `/v1/projects/${projectId}/evidence`, client, evidence({ receiptNumber: '73072500000012' }));
      expect(res.status).toBe(400);
      expect(res.contentType).toContain('application/problem+json');
      expect(res.body).toMatchObject({ code: 'validation_failed', errors: [{ path: 'receiptNumber', code: 'invalid_bpjs_receipt_number' }] });
      expect(res.body.errors[0].message).toBe('receiptNumber must be 15 digits');
    });

    it('refuses unknown fields, missing fields and cover that ends before it starts', async () => {
      const unknown = await signedPost(baseUrl, `/v1/projects/${projectId}/evidence`, client, evidence({ workersRegistered: 35 }));
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors).toEqual([{ path: 'workersRegistered', code: 'unknown_field', message: 'workersRegistered is not a known field' }]);

      const { npp: _npp, ...withoutNpp } = evidence();
      const missingNpp = await signedPost(baseUrl, `/v1/projects/${projectId}/evidence`, client, withoutNpp);
      expect(missingNpp.status).toBe(400);
      expect(missingNpp.body.errors).toEqual([{ path: 'npp', code: 'required', message: 'npp is required' }]);

      const backwards = await signedPost(baseUrl, `/v1/projects/${projectId}/evidence`, client, evidence({ receiptNumber: '730725000000999', coveredTo: '2025-04-27' }));
      expect(backwards.status).toBe(400);
      expect(backwards.body.errors).toEqual([expect.objectContaining({ path: 'coveredTo', code: 'before_covered_from' })]);

      for (const raw of ['[]', 'null', '"evidence"']) {
        const notAnObject = await signedPost(baseUrl, `/v1/projects/${projectId}/evidence`, client, undefined, { raw });
        expect([raw, notAnObject.status, notAnObject.body.code]).toEqual([raw, 400, 'validation_failed']);
      }
    });

    it('refuses the same receipt number again while it awaits a decision (409)', async () => {
      const res = await signedPost(baseUrl, `/v1/projects/${projectId}/evidence`, client, evidence({ premiumPaid: 9_999_999 }));
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('evidence_already_submitted');
    });

    it("answers 404 to a client submitting for a project outside its regions, or for an unknown project", async () => {
      const outside = await signedPost(baseUrl, `/v1/projects/${projectId}/evidence`, otherRegionClient, evidence({ receiptNumber: '730725000000555' }));
      expect(outside.status).toBe(404);
      const unknown = await signedPost(baseUrl, '/v1/projects/00000000-0000-4000-8000-000000000000/evidence', client, evidence());
      expect(unknown.status).toBe(404);
    });

    it('refuses the confirmation of an official of 73.08 as for an unknown project (404), and of an auditor (403)', async () => {
      const outside = await post(`/v1/projects/${projectId}/evidence/${evidenceId}/confirm`, otherRegionOfficial);
      const unknown = await post(`/v1/projects/00000000-0000-4000-8000-000000000000/evidence/${evidenceId}/confirm`, otherRegionOfficial);
      expect(outside).toMatchObject({ status: 404, body: { code: 'not_found' } });
      expect({ ...outside.body, instance: undefined }).toEqual({ ...unknown.body, instance: undefined });
      const asAuditor = await post(`/v1/projects/${projectId}/evidence/${evidenceId}/confirm`, auditor);
      expect(asAuditor.status).toBe(403);
      expect(asAuditor.body.code).toBe('forbidden_role');
      expect((await row(evidenceId)).status).toBe('SUBMITTED');
    });

    it('answers 404 for unknown evidence or an unknown project', async () => {
      const noEvidence = await post(`/v1/projects/${projectId}/evidence/00000000-0000-4000-8000-000000000000/confirm`, official);
      expect(noEvidence).toMatchObject({ status: 404, body: { code: 'evidence_not_found' } });
      const noProject = await post(`/v1/projects/00000000-0000-4000-8000-000000000000/evidence/${evidenceId}/confirm`, official);
      expect(noProject.status).toBe(404);
    });

    it('is confirmed by an official of 73.07, and the project becomes COMPLIANT from the evidence', async () => {
      const res = await post(`/v1/projects/${projectId}/evidence/${evidenceId}/confirm`, official);
      expect(res).toMatchObject({ status: 200, body: { projectId, evidenceId, status: 'CONFIRMED' } });
      expect(await row(evidenceId)).toMatchObject({ status: 'CONFIRMED', confirmed_at: expect.any(Date) });

      const { body } = await waitFor(() => getProject(projectId), (p) => p.body.complianceStatus === 'COMPLIANT');
      expect(body).toMatchObject({
        reasons: [],
        premiumDue: '3252703',
        premiumPaid: '3252703',
        enrolment: { source: 'evidence', projectNumber: '7307250000001', npp: '73070001', status: 'ACTIVE', coveredTo: '2026-04-22' },
      });
      await verificationsDone(projectId, 'EnrolmentEvidenceConfirmed');
      expect((await complianceTypes(projectId)).slice(-4)).toEqual([
        'EnrolmentEvidenceSubmitted',
        'EnrolmentEvidenceConfirmed',
        'EnrolmentConfirmed',
        'ComplianceStatusChanged',
      ]);
    });

    it('refuses a second confirmation (409)', async () => {
      const res = await post(`/v1/projects/${projectId}/evidence/${evidenceId}/confirm`, official);
      expect(res.status).toBe(409);
      expect(res.contentType).toContain('application/problem+json');
      expect(res.body.code).toBe('evidence_already_decided');
    });
  });

  it('keeps a project NON_COMPLIANT when an official rejects its evidence', async () => {
    const projectId = await missing('930002');
    const submitted = await post(`/v1/projects/${projectId}/evidence`, official, evidence({ receiptNumber: '730725000000456', paymentCode: null }));
    expect(submitted.status).toBe(201);
    const { evidenceId } = submitted.body;

    const noReason = await post(`/v1/projects/${projectId}/evidence/${evidenceId}/reject`, official, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors).toEqual([expect.objectContaining({ path: 'reason', code: 'required' })]);

    const rejected = await post(`/v1/projects/${projectId}/evidence/${evidenceId}/reject`, official, { reason: 'The receipt is not on the branch statement' });
    expect(rejected).toMatchObject({ status: 200, body: { evidenceId, status: 'REJECTED' } });
    expect(await row(evidenceId)).toMatchObject({ status: 'REJECTED', confirmed_at: null });

    // A fresh look at the registries must not count the rejected evidence.
    expect((await post(`/v1/projects/${projectId}/reverify`, official)).status).toBe(202);
    await verificationsDone(projectId, 'VerificationRequested');
    expect((await getProject(projectId)).body).toMatchObject({ complianceStatus: 'NON_COMPLIANT', reasons: ['ENROLMENT_MISSING'], enrolment: null });
    expect(await complianceTypes(projectId)).toEqual([
      'EnrolmentMissing',
      'ComplianceStatusChanged',
      'EnrolmentEvidenceSubmitted',
      'EnrolmentEvidenceRejected',
      'VerificationRequested',
    ]);
    const again = await post(`/v1/projects/${projectId}/evidence/${evidenceId}/confirm`, official);
    expect(again).toMatchObject({ status: 409, body: { code: 'evidence_already_decided' } });
  });
});
