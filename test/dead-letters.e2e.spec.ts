import { randomUUID } from 'node:crypto';
import { type MigratedTestDatabase, projectRegistered, signedPost } from '@sinergi/testing';
import { type RunningSystem, startSystem } from './support/running-system';

/**
 * The dead-letter API is scoped to the admin's regions like every admin route: a dead letter belongs to the
 * region its project was registered in, and outside the admin's regions it does not exist.
 */
describe('dead letters, scoped to the admin’s regions (API + worker over HTTP)', () => {
  let system: RunningSystem;
  let db: MigratedTestDatabase;
  let baseUrl: string;
  let sinjaiAdmin: string;
  let boneAdmin: string;
  let districtAdmin: string;
  let everyRegionAdmin: string;
  let sinjai: { projectId: string; open: string; retried: string };
  let bone: { projectId: string; open: string };

  const register = async (client: { id: string; secret: string }, ref: string, regionCode: string) => {
    const res = await signedPost(baseUrl, '/v1/procurement/events', client, projectRegistered(ref, {}, { contractNumber: `SPK/${ref}`, regionCode }));
    expect(res.status).toBe(202);
    return res.body.projectId as string;
  };
  /** A dead letter as the verification worker records it when a job runs out of attempts. */
  const deadLetter = async (projectId: string, failedAt: string, retried = false) => {
    const id = randomUUID();
    await db.pool.query(
      `INSERT INTO dead_letters (id, queue, job_id, project_id, reason, attempts, failed_at, retried_at, retry_job_id)
       VALUES ($1, 'verification', $2, $3, 'BPJS unavailable after 8 attempts', 8, $4, $5, $6)`,
      [id, `verify-${projectId}-${id}`, projectId, failedAt, retried ? failedAt : null, retried ? `verify-${projectId}-retry-x` : null],
    );
    return id;
  };
  const call = async (method: string, path: string, token: string) => {
    const res = await fetch(`${baseUrl}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as any };
  };
  const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((d) => d.id);
  const letterRow = async (id: string) => (await db.pool.query(`SELECT retried_at, retry_job_id FROM dead_letters WHERE id = $1`, [id])).rows[0];
  const retryRequests = async (projectId: string) =>
    (await db.pool.query(`SELECT count(*)::int AS n FROM verification_requests WHERE project_id = $1 AND trigger_type = 'DeadLetterRetry'`, [projectId])).rows[0].n;

  beforeAll(async () => {
    system = await startSystem('dead-letters');
    ({ db, baseUrl } = system);
    sinjaiAdmin = await system.token({ sub: 'admin-sinjai', roles: ['admin'], regions: ['73.07'] });
    boneAdmin = await system.token({ sub: 'admin-bone', roles: ['admin'], regions: ['73.08'] });
    districtAdmin = await system.token({ sub: 'admin-sinjai-borong', roles: ['admin'], regions: ['73.07.05'] });
    everyRegionAdmin = await system.token({ sub: 'ops', roles: ['admin'], regions: ['*'] });
    const sinjaiProject = await register(await system.client('spse-sinjai', ['73.07']), 'DL-7307', '73.07.06');
    const boneProject = await register(await system.client('spse-bone', ['73.08']), 'DL-7308', '73.08.01');
    sinjai = {
      projectId: sinjaiProject,
      open: await deadLetter(sinjaiProject, '2026-01-10T08:00:00Z'),
      retried: await deadLetter(sinjaiProject, '2026-01-09T08:00:00Z', true),
    };
    bone = { projectId: boneProject, open: await deadLetter(boneProject, '2026-01-11T08:00:00Z') };
  });

  afterAll(() => system?.stop());

  it('lists to an admin only the dead letters of projects registered in the admin’s regions', async () => {
    const boneList = await call('GET', '/v1/ops/dead-letters?status=all', boneAdmin);
    expect(boneList.status).toBe(200);
    expect(ids(boneList)).toEqual([bone.open]);
    expect(boneList.body.items[0]).toMatchObject({ projectId: bone.projectId, regionCode: '73.08.01', queue: 'verification', attempts: 8 });

    expect(ids(await call('GET', '/v1/ops/dead-letters', sinjaiAdmin))).toEqual([sinjai.open]);
    expect(ids(await call('GET', '/v1/ops/dead-letters?status=retried', sinjaiAdmin))).toEqual([sinjai.retried]);
    expect(ids(await call('GET', '/v1/ops/dead-letters?status=retried', boneAdmin))).toEqual([]);
    // Whole segments: an admin of the district 73.07.05 sees nothing of 73.07.06.
    expect(ids(await call('GET', '/v1/ops/dead-letters?status=all', districtAdmin))).toEqual([]);
    expect(ids(await call('GET', '/v1/ops/dead-letters?status=all', everyRegionAdmin))).toEqual([bone.open, sinjai.open, sinjai.retried]);
  });

  it('answers a retry outside the admin’s regions exactly like an unknown id (404), and retries nothing', async () => {
    const outside = await call('POST', `/v1/ops/dead-letters/${sinjai.open}/retry`, boneAdmin);
    const unknown = await call('POST', `/v1/ops/dead-letters/${randomUUID()}/retry`, boneAdmin);
    expect(outside.status).toBe(404);
    expect(outside.body).toMatchObject({ status: 404, code: 'not_found' });
    expect({ ...outside.body, instance: undefined }).toEqual({ ...unknown.body, instance: undefined });
    expect((await call('POST', `/v1/ops/dead-letters/${sinjai.open}/retry`, districtAdmin)).status).toBe(404);
    expect(await letterRow(sinjai.open)).toEqual({ retried_at: null, retry_job_id: null });
    expect(await retryRequests(sinjai.projectId)).toBe(0);
  });

  it('answers 404, not 409, for an already retried dead letter outside the admin’s regions', async () => {
    const outside = await call('POST', `/v1/ops/dead-letters/${sinjai.retried}/retry`, boneAdmin);
    const unknown = await call('POST', `/v1/ops/dead-letters/${randomUUID()}/retry`, boneAdmin);
    expect(outside.status).toBe(404);
    expect({ ...outside.body, instance: undefined }).toEqual({ ...unknown.body, instance: undefined });
    const inside = await call('POST', `/v1/ops/dead-letters/${sinjai.retried}/retry`, sinjaiAdmin);
    expect(inside).toMatchObject({ status: 409, body: { code: 'already_retried' } });
  });

  it('lets an admin of the project’s region retry it once: a new verification request, the dead letter marked retried', async () => {
    const res = await call('POST', `/v1/ops/dead-letters/${bone.open}/retry`, boneAdmin);
    expect(res).toMatchObject({ status: 201, body: { id: bone.open, retried: true, jobId: expect.stringMatching(`^verify-${bone.projectId}-retry-`) } });
    expect(await letterRow(bone.open)).toEqual({ retried_at: expect.any(Date), retry_job_id: res.body.jobId });
    expect(await retryRequests(bone.projectId)).toBe(1);
    expect(ids(await call('GET', '/v1/ops/dead-letters?status=retried', boneAdmin))).toEqual([bone.open]);
    expect((await call('POST', `/v1/ops/dead-letters/${bone.open}/retry`, boneAdmin)).status).toBe(409);
  });

  it('still refuses non-admins (403) and a malformed id (404)', async () => {
    const official = await system.token({ sub: 'kadis', roles: ['official'], regions: ['73.07'], position: 'KEPALA_DINAS' });
    expect((await call('GET', '/v1/ops/dead-letters', official)).status).toBe(403);
    expect((await call('POST', `/v1/ops/dead-letters/${sinjai.open}/retry`, official)).status).toBe(403);
    expect((await call('POST', '/v1/ops/dead-letters/not-a-uuid/retry', sinjaiAdmin)).status).toBe(404);
    expect((await call('GET', '/v1/ops/dead-letters?status=stale', sinjaiAdmin)).status).toBe(400);
  });
});
