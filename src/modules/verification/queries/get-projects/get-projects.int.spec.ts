import { randomUUID } from 'node:crypto';
import type { Principal } from '@sinergi/auth';
import { EventStore, type NewEvent, NO_STREAM } from '@sinergi/event-store';
import { createMigratedDatabase, type MigratedTestDatabase, testConfig } from '@sinergi/testing';
import { ReadDatabase } from '../../../../platform/read-routing';
import { GetProjectHandler } from '../get-project/get-project.handler';
import { GetProjectQuery } from '../get-project/get-project.query';
import { GetProjectsHandler } from './get-projects.handler';
import { GetProjectsQuery } from './get-projects.query';

/** Several projects in one read answer each exactly as GetProjectQuery does, and null where it answers 404. */
describe('GetProjectsQuery (PostgreSQL)', () => {
  let db: MigratedTestDatabase;
  let store: EventStore;
  const clock = { now: () => new Date('2025-06-20T02:00:00Z') };
  const official: Principal = { kind: 'user', sub: 'kadis', name: null, roles: ['official'], regions: ['73.07'], position: 'KEPALA_DINAS', agency: null, permissions: [] };

  beforeAll(async () => {
    db = await createMigratedDatabase('get_projects');
    store = new EventStore(db.pool, { clock });
  });
  afterAll(() => db.drop());

  const meta = (regionCode: string) => ({ actor: { kind: 'client' as const, id: 'spse' }, correlationId: randomUUID(), regionCode });
  async function register(regionCode: string, compliance: 'compliant' | 'missing' | 'none'): Promise<string> {
    const projectId = randomUUID();
    const registered: NewEvent = {
      type: 'ProjectRegistered',
      data: {
        projectId, projectRef: `SPSE-${projectId.slice(0, 6)}`, name: `Paket ${projectId.slice(0, 6)}`, agency: { code: '1.03.0.00.0.00.01.0000', name: 'Dinas PUPR' },
        regionCode, workType: 'KONSTRUKSI', fundingSource: 'APBD', fiscalYear: 2025, contractNumber: `027/SPK/${projectId.slice(0, 6)}`, contractDate: '2025-04-21',
        contractValue: '2500000000', valueIncludesVat: true, startDate: '2025-04-28', endDate: '2025-12-20', maintenanceEndDate: null,
        contractor: { npwp: '0012345674901000', nib: null, name: 'CV Karya', email: null, phone: null }, ppk: { ref: 'ppk-1' }, estimatedWorkers: 10,
        premium: { base: '2252252252.25', vatRatePercent: 11, jkk: '2849049', jkm: '403654', total: '3252703' }, registrationDeadline: '2025-05-12', occurredAt: '2025-04-28T00:00:00Z',
      },
      metadata: meta(regionCode),
    };
    const checks: NewEvent[] =
      compliance === 'compliant'
        ? [
            {
              type: 'EnrolmentConfirmed',
              data: { projectId, checkedAt: '2025-05-20T00:00:00Z', enrolment: { source: 'bpjs_api', projectNumber: '7307250000011', npp: '12345678', status: 'ACTIVE', coveredFrom: '2025-04-28', coveredTo: '2025-12-20', premiumAssessed: '3252703', premiumPaid: '1626352', workersRegistered: null } },
              metadata: meta(regionCode),
            },
            { type: 'ComplianceStatusChanged', data: { projectId, from: 'PENDING', to: 'COMPLIANT', reasons: [], changedAt: '2025-05-20T00:00:00Z' }, metadata: meta(regionCode) },
          ]
        : compliance === 'missing'
          ? [
              { type: 'EnrolmentMissing', data: { projectId, registrationDeadline: '2025-05-12', checkedOn: '2025-05-20', checkedAt: '2025-05-20T00:00:00Z' }, metadata: meta(regionCode) },
              { type: 'ComplianceStatusChanged', data: { projectId, from: 'PENDING', to: 'NON_COMPLIANT', reasons: ['ENROLMENT_MISSING'], changedAt: '2025-05-20T00:00:00Z' }, metadata: meta(regionCode) },
            ]
          : [];
    await store.appendMany([
      { streamId: `project-${projectId}`, expected: NO_STREAM, events: [registered] },
      ...(checks.length ? [{ streamId: `compliance-${projectId}`, expected: NO_STREAM, events: checks }] : []),
    ]);
    return projectId;
  }

  it('answers every project as GetProjectQuery does, null for unknown, malformed and out-of-scope ids', async () => {
    const reads = ReadDatabase.primaryOnly(db.pool, clock);
    const config = testConfig({});
    const one = new GetProjectHandler(reads, clock, config);
    const many = new GetProjectsHandler(reads, clock, config);
    const inScope = [await register('73.07.05', 'compliant'), await register('73.07.01', 'missing'), await register('73.07', 'none')];
    const elsewhere = await register('73.08.02', 'missing');
    const unknown = randomUUID();
    const reader = { kind: 'user' as const, principal: official };

    const answer = await many.execute(new GetProjectsQuery([...inScope, elsewhere, unknown, 'not-a-uuid', inScope[0]], reader));

    expect([...answer.keys()]).toEqual([...inScope, elsewhere, unknown, 'not-a-uuid']);
    for (const id of inScope) expect(answer.get(id)).toEqual(await one.execute(new GetProjectQuery(id, reader)));
    expect(answer.get(inScope[0])).toMatchObject({ complianceStatus: 'COMPLIANT', instalmentOutstanding: { amount: '1626351' } });
    expect(answer.get(inScope[1])).toMatchObject({ complianceStatus: 'NON_COMPLIANT', reasons: ['ENROLMENT_MISSING'] });
    for (const id of [elsewhere, unknown, 'not-a-uuid']) {
      expect(answer.get(id)).toBeNull();
      await expect(one.execute(new GetProjectQuery(id, reader))).rejects.toMatchObject({ kind: 'not_found' });
    }
    expect(await many.execute(new GetProjectsQuery([], reader))).toEqual(new Map());
  });
});
