import { randomUUID } from 'node:crypto';
import { EventStore, type NewEvent, NO_STREAM, ProjectionRunner, projectionConsumerName, rebuildProjection } from '@sinergi/event-store';
import { createMigratedDatabase, type MigratedTestDatabase, waitFor } from '@sinergi/testing';
import { systemClock } from '@sinergi/common';
import { GetRegionCoverageHandler } from '../api/get-region-coverage/get-region-coverage.handler';
import { GetRegionCoverageQuery } from '../api/get-region-coverage/get-region-coverage.query';
import { coverageProjection } from './coverage.projection';
import { sumCoverage } from './coverage.queries';
import { ReadDatabase } from '../../../platform/read-routing';

/**
 * Values that reached the log before the edge bounded them, or that the edge never saw: region sums beyond bigint
 * stay exact, and an event the projection cannot apply is parked instead of freezing every region behind it.
 */
describe('coverage projection with extreme money and a poison event (PostgreSQL)', () => {
  let db: MigratedTestDatabase;
  let store: EventStore;
  let runner: ProjectionRunner;
  const parked: string[] = [];

  beforeAll(async () => {
    db = await createMigratedDatabase('coverage_money');
    store = new EventStore(db.pool);
    runner = new ProjectionRunner(db.pool, store, coverageProjection, {
      batchSize: 50,
      idleDelayMs: 10,
      onError: () => undefined,
      onParked: (e) => parked.push(e.globalPosition),
    });
  });
  afterAll(async () => {
    await runner.stop();
    await db.drop();
  });

  const registration = (regionCode: string, contractValue: string, premiumTotal: string) => {
    const projectId = randomUUID();
    const event: NewEvent = {
      type: 'ProjectRegistered',
      data: {
        projectId,
        projectRef: `SPSE-${projectId.slice(0, 8)}`,
        name: 'Paket',
        agency: { code: '1.03.0.00.0.00.01.0000', name: 'Dinas PUPR' },
        regionCode,
        workType: 'KONSTRUKSI',
        fundingSource: 'APBD',
        fiscalYear: 2025,
        contractNumber: `027/SPK/${projectId.slice(0, 8)}`,
        contractDate: '2025-04-21',
        contractValue,
        valueIncludesVat: true,
        startDate: '2025-04-28',
        endDate: '2025-12-20',
        maintenanceEndDate: null,
        contractor: { npwp: '0012345674901000', nib: null, name: 'CV Karya', email: null, phone: null },
        ppk: { ref: 'ppk-1' },
        estimatedWorkers: 10,
        premium: { base: '0', vatRatePercent: 11, jkk: '0', jkm: '0', total: premiumTotal },
        registrationDeadline: '2025-05-12',
        occurredAt: '2025-04-23T00:00:00.000Z',
      },
      metadata: { actor: { kind: 'client' as const, id: 'spse-sinjai' }, correlationId: randomUUID(), regionCode },
    };
    return store.appendToStream(`project-${projectId}`, NO_STREAM, [event]);
  };
  const projectCount = async () => Number((await db.pool.query('SELECT count(*) FROM coverage_projects')).rows[0].count);

  it('sums two 5 × 10^18 contracts of one region, agency and month exactly, past bigint', async () => {
    await registration('73.07.01', '5000000000000000000', '4000000000000000');
    await registration('73.07.01', '5000000000000000000', '4000000000000000');
    runner.start();
    await waitFor(projectCount, (n) => n === 2, 20_000);
    const [sinjai] = await sumCoverage(db.pool, { regionCode: '73.07' });
    expect(sinjai.figures.contractValue.total).toBe(10_000_000_000_000_000_000n);
    expect(sinjai.figures.premium.due).toBe(8_000_000_000_000_000n);
    expect(parked).toEqual([]);
  });

  it('parks an event it cannot apply and keeps every other region current', async () => {
    const [poison] = await registration('73.07.02', 'not-a-number', '1');
    await registration('73.08.01', '2500000000', '3252703');
    await waitFor(async () => (await projectCount()) === 3 && parked.length === 1, Boolean, 20_000);
    expect(parked).toEqual([poison.globalPosition]);
    const [bantaeng] = await sumCoverage(db.pool, { regionCode: '73.08' });
    expect(bantaeng.figures.projects.total).toBe(1);
    const { rows } = await db.pool.query('SELECT consumer, event_type, region_code, error_type FROM parked_events');
    expect(rows).toEqual([{ consumer: projectionConsumerName('coverage'), event_type: 'ProjectRegistered', region_code: '73.07.02', error_type: 'SyntaxError' }]);
  });

  it('names the region codes it could not place, from events older than the check at the edge', async () => {
    await registration('73.07.99', '1000000000', '1301081');
    await waitFor(projectCount, (n) => n === 4, 20_000);
    const reader = { kind: 'user', sub: 'kadis', name: null, roles: ['official'], regions: ['73.07'], position: 'KEPALA_DINAS', agency: null, permissions: [] } as const;
    const report = await new GetRegionCoverageHandler(ReadDatabase.primaryOnly(db.pool, systemClock), systemClock).execute(new GetRegionCoverageQuery('73.07', { ...reader, roles: [...reader.roles], regions: [...reader.regions], permissions: [] }));
    expect(report.unplacedRegionCodes).toEqual(['73.07.99']);
    expect(report.unassigned.projects.total).toBe(1);
    expect(report.children.map((c) => c.regionCode)).not.toContain('73.07.99');
  });

  it('rebuilds to the same tables, skipping what the live run parked', async () => {
    const report = await rebuildProjection(db.pool, store, coverageProjection, { swap: false });
    expect(report.differences).toBe(0);
  });
});
