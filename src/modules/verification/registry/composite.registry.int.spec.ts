import { BpjsSimulator, exampleSimulatedProject, startBpjsSimulator } from '@sinergi/bpjs-simulator';
import { BpjsBranchFile1764000000003 } from '@sinergi/database/migrations/1764000000003-bpjs-branch-file';
import { createMigratedDatabase, MigratedTestDatabase } from '@sinergi/testing';
import type { Pool } from 'pg';
import type { QueryRunner } from 'typeorm';
import { BpjsHttpRegistry } from './bpjs-http.registry';
import { BranchFileRegistry, importBranchFile } from './branch-file.registry';
import { CompositeRegistry } from './composite.registry';
import { RegistryUnavailableError } from './enrolment-registry.port';

const NPWP = '0123456782012345';
const IN_BOTH = 'SPK/027/PUPR/2025';
const IN_FILE_ONLY = 'SPK/028/PUPR/2025';
const NIK = '3201014501900001';

describe('CompositeRegistry over the BPJS API and the branch file', () => {
  let db: MigratedTestDatabase;
  let sim: BpjsSimulator;
  let composite: CompositeRegistry;

  beforeAll(async () => {
    db = await createMigratedDatabase('composite_registry');
    await ensureBranchFileTable(db.pool);
    await importBranchFile(
      db.pool,
      [
        'project_number,npp,npwp,contract_number,covered_from,covered_to,premium_assessed,premium_paid,status',
        `1234567890123,12345678,${NPWP},${IN_BOTH},2025-03-01,2025-12-31,3675000,0,REGISTERED_UNPAID`,
        `1234567890124,12345678,${NPWP},${IN_FILE_ONLY},2025-03-01,2026-02-28,3675000,3675000,ACTIVE`,
      ].join('\n'),
      'sinjai-2025-03.csv',
    );
    sim = await startBpjsSimulator({ port: 0 });
    sim.upsertProjects([exampleSimulatedProject({ npwp: NPWP, contractNumber: IN_BOTH, workerNiks: [NIK] })]);
    composite = new CompositeRegistry([new BpjsHttpRegistry({ baseUrl: sim.url, timeoutMs: 1000 }), new BranchFileRegistry(db.pool)]);
  });

  afterAll(async () => {
    await sim.close();
    await db.drop();
  });

  afterEach(() => sim.setFaults({ errorRate: 0 }));

  it('answers from the bpjs api first when it knows the project', async () => {
    await expect(composite.findProject({ npwp: NPWP, contractNumber: IN_BOTH })).resolves.toMatchObject({
      source: 'bpjs_api',
      status: 'ACTIVE',
    });
  });

  it('falls back to the branch file when the bpjs api does not know the project', async () => {
    await expect(composite.findProject({ npwp: NPWP, contractNumber: IN_FILE_ONLY })).resolves.toMatchObject({
      source: 'branch_file',
      projectNumber: '1234567890124',
    });
  });

  it('answers from the branch file while bpjs is down', async () => {
    sim.setFaults({ errorRate: 1 });

    await expect(composite.findProject({ npwp: NPWP, contractNumber: IN_BOTH })).resolves.toMatchObject({
      source: 'branch_file',
      status: 'REGISTERED_UNPAID',
    });
  });

  it('throws RegistryUnavailableError rather than "not registered" when bpjs is down and the file does not know the project', async () => {
    sim.setFaults({ errorRate: 1 });

    await expect(composite.findProject({ npwp: NPWP, contractNumber: 'SPK/999/PUPR/2025' })).rejects.toBeInstanceOf(
      RegistryUnavailableError,
    );
  });

  it('answers null when bpjs is up and neither source knows the project', async () => {
    await expect(composite.findProject({ npwp: NPWP, contractNumber: 'SPK/999/PUPR/2025' })).resolves.toBeNull();
  });

  it('looks workers up at bpjs, the source that can tell', async () => {
    await expect(composite.lookupWorkers('1234567890123', [NIK])).resolves.toEqual(new Map([[NIK, true]]));
  });
});

/** Applies the branch-file migration where the migration list does not include it yet. */
async function ensureBranchFileTable(pool: Pool): Promise<void> {
  const { rows } = await pool.query<{ present: boolean }>(`SELECT to_regclass('bpjs_branch_projects') IS NOT NULL AS present`);
  if (!rows[0].present) await new BpjsBranchFile1764000000003().up({ query: (sql: string) => pool.query(sql) } as unknown as QueryRunner);
}
