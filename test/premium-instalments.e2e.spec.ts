import type { BpjsSimulator } from '@sinergi/bpjs-simulator';
import { computeJakonPremium } from '@sinergi/domain';
import { type MigratedTestDatabase, projectRegistered, signedPost, waitFor } from '@sinergi/testing';
import { systemClock } from '@sinergi/common';
import { VerificationReconciler } from '../src/modules/verification/reconciler/verification.reconciler';
import { type RunningSystem, startSystem } from './support/running-system';

const NPWP = '0012345674901000';
/** A contract signed a week ago that runs into next year: its instalments are not due yet. */
const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const weekAgo = new Date(Date.now() + 8 * 3600_000 - 7 * 86_400_000).toISOString().slice(0, 10);
const END = '2099-06-30';
const DUE = computeJakonPremium({ contractValue: 2_500_000_000n, valueIncludesVat: true, contractDate: weekAgo }).total;
const HALF = (DUE + 1n) / 2n;

describe('premium in instalments (API + worker + BPJS simulator over HTTP)', () => {
  let system: RunningSystem;
  let db: MigratedTestDatabase;
  let sim: BpjsSimulator;
  let official: string;
  let client: { id: string; secret: string };

  beforeAll(async () => {
    system = await startSystem('instalments');
    ({ db, sim } = system);
    client = await system.client('spse-instalments', ['73.07']);
    official = await system.token({ sub: 'kadis-pupr', roles: ['official'], regions: ['73.07'], position: 'KEPALA_DINAS' });
  });
  afterAll(() => system?.stop());

  const post = async (event: unknown) => {
    const res = await signedPost(system.baseUrl, '/v1/procurement/events', client, event);
    expect(res.status).toBe(202);
    return res.body.projectId as string;
  };
  const register = (ref: string) =>
    post(projectRegistered(ref, {}, { contractNumber: `SPK/${ref}`, contractDate: weekAgo, startDate: weekAgo, endDate: END, maintenanceEndDate: END }));
  const enrol = (ref: string, premiumPaid: bigint) =>
    sim.upsertProjects([
      {
        npwp: NPWP,
        contractNumber: `SPK/${ref}`,
        projectNumber: String(7307250000000 + Number(ref.replace(/\D/g, '').slice(-6))),
        npp: '73070001',
        status: 'ACTIVE',
        coveredFrom: weekAgo,
        coveredTo: END,
        contractValue: '2500000000',
        premiumAssessed: DUE.toString(),
        premiumPaid: premiumPaid.toString(),
        workersRegistered: 10,
        workerNiks: [],
      },
    ]);
  const project = async (id: string) => {
    const res = await fetch(`${system.baseUrl}/v1/projects/${id}`, { headers: { authorization: `Bearer ${official}` } });
    return (await res.json()) as { complianceStatus: string; reasons: string[]; instalmentOutstanding: unknown };
  };
  const verifications = async (id: string) =>
    Number((await db.pool.query('SELECT count(*) FROM verification_requests WHERE project_id = $1 AND completed_at IS NOT NULL', [id])).rows[0].count);
  const settled = (id: string, n: number) => waitFor(() => verifications(id), (done) => done >= n, 30_000);

  it('counts the first instalment as compliant and shows what is outstanding, then holds the rest due at hand-over', async () => {
    enrol('810001', HALF);
    const id = await register('810001');
    await settled(id, 1);
    expect(await project(id)).toMatchObject({
      complianceStatus: 'COMPLIANT',
      reasons: [],
      instalmentOutstanding: { amount: (DUE - HALF).toString(), dueBy: END },
    });

    await post({ eventId: 'spse-810001-bast', type: 'ProjectCompleted', occurredAt: `${today}T10:00:00+08:00`, projectRef: '810001', data: { completedAt: `${today}T10:00:00+08:00` } });
    const after = await waitFor(() => project(id), (p) => p.complianceStatus === 'NON_COMPLIANT', 30_000);
    expect(after).toMatchObject({ reasons: ['PREMIUM_SHORTFALL'], instalmentOutstanding: null });
  });

  it('holds the whole premium due at the final termin', async () => {
    enrol('810002', HALF);
    const id = await register('810002');
    await settled(id, 1);
    expect((await project(id)).complianceStatus).toBe('COMPLIANT');
    await post({
      eventId: 'spse-810002-termin-1',
      type: 'PaymentRequested',
      occurredAt: `${today}T10:00:00+08:00`,
      projectRef: '810002',
      data: { terminNumber: 1, amount: '2500000000', requestedAt: `${today}T10:00:00+08:00` },
    });
    const after = await waitFor(() => project(id), (p) => p.complianceStatus === 'NON_COMPLIANT', 30_000);
    expect(after.reasons).toEqual(['PREMIUM_SHORTFALL']);
  });

  it('keeps a project one rupiah under the first instalment pending while registration is still in time', async () => {
    enrol('810003', HALF - 1n);
    const id = await register('810003');
    await settled(id, 1);
    expect(await project(id)).toMatchObject({ complianceStatus: 'PENDING', instalmentOutstanding: null });
  });

  it('checks again the day after the (amended) end date, once, so unpaid instalments become a shortfall on the day', async () => {
    const yesterday = new Date(Date.now() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10);
    const monthAgo = new Date(Date.now() + 8 * 3600_000 - 30 * 86_400_000).toISOString().slice(0, 10);
    const ended = await post(projectRegistered('810004', {}, { contractNumber: 'SPK/810004', contractDate: '2026-01-05', startDate: '2026-01-12', endDate: yesterday, maintenanceEndDate: yesterday }));
    const long = await post(projectRegistered('810005', {}, { contractNumber: 'SPK/810005', contractDate: '2026-01-05', startDate: '2026-01-12', endDate: monthAgo, maintenanceEndDate: monthAgo }));
    const reconciler = system.worker.get(VerificationReconciler);
    // A fresh reconciler (as after a restart): it has not scheduled today's checks yet.
    await new VerificationReconciler(system.db.pool, (reconciler as any).queue, system.config, systemClock).reconcile(3600);
    const requests = async (id: string) =>
      (await db.pool.query(`SELECT job_id FROM verification_requests WHERE project_id = $1 AND trigger_type = 'ContractPeriodEnded'`, [id])).rows.map((r) => r.job_id);
    expect(await requests(ended)).toEqual([`verify-${ended}-contract-ended-${yesterday}`]);
    expect(await requests(long)).toEqual([]);
    await new VerificationReconciler(system.db.pool, (reconciler as any).queue, system.config, systemClock).reconcile(3600);
    expect(await requests(ended)).toHaveLength(1);
  });
});
