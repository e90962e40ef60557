import { BpjsBranchFile1764000000003 } from '@sinergi/database/migrations/1764000000003-bpjs-branch-file';
import { createMigratedDatabase, MigratedTestDatabase } from '@sinergi/testing';
import type { Pool } from 'pg';
import type { QueryRunner } from 'typeorm';
import { BranchFileRegistry, importBranchFile } from './branch-file.registry';
import { RegistryUnavailableError } from './enrolment-registry.port';

const HEADER = 'project_number,npp,npwp,contract_number,covered_from,covered_to,premium_assessed,premium_paid,status,workers_registered';
const NPWP = '0123456782012345';
/** The same company's NPWP in its pre-2024 15-digit form. */
const OLD_NPWP = '123456782012345';
const INDIVIDUAL_NPWP = '3201014501900001';

const csv = (...lines: string[]) => `${lines.join('\n')}\n`;

describe('BPJS branch file', () => {
  let db: MigratedTestDatabase;
  let registry: BranchFileRegistry;

  beforeAll(async () => {
    db = await createMigratedDatabase('branch_file');
    await ensureBranchFileTable(db.pool);
    registry = new BranchFileRegistry(db.pool);
  });

  afterAll(async () => {
    await db.drop();
  });

  beforeEach(async () => {
    await db.pool.query('TRUNCATE bpjs_branch_projects');
  });

  it('imports the good rows, reports a bad row by its line, and the registry finds what was imported', async () => {
    const result = await importBranchFile(
      db.pool,
      csv(
        HEADER,
        `1234567890123,12345678,${NPWP},SPK/027/PUPR/2025,2025-03-01,2026-02-28,3675000,3675000,ACTIVE,12`,
        `1234567890124,1234567,${NPWP},SPK/028/PUPR/2025,2025-03-01,2026-02-28,3675000,3675000,ACTIVE,12`,
        `1234567890125,12345678,${INDIVIDUAL_NPWP},SPK/029/PUPR/2025,2025-04-01,2025-12-31,,0,REGISTERED_UNPAID,`,
      ),
      'sinjai-2025-04.csv',
    );

    expect(result).toEqual({ imported: 2, rejected: [{ line: 3, reason: 'npp must be 8 digits' }] });
    await expect(registry.findProject({ npwp: NPWP, contractNumber: 'SPK/027/PUPR/2025' })).resolves.toEqual({
      source: 'branch_file',
      projectNumber: '1234567890123',
      npp: '12345678',
      status: 'ACTIVE',
      coveredFrom: '2025-03-01',
      coveredTo: '2026-02-28',
      premiumAssessed: '3675000',
      premiumPaid: '3675000',
      workersRegistered: 12,
    });
    await expect(registry.findProject({ npwp: INDIVIDUAL_NPWP, contractNumber: 'SPK/029/PUPR/2025' })).resolves.toMatchObject({
      status: 'REGISTERED_UNPAID',
      premiumAssessed: null,
      premiumPaid: '0',
      workersRegistered: null,
    });
    await expect(registry.findProject({ npwp: NPWP, contractNumber: 'SPK/028/PUPR/2025' })).resolves.toBeNull();
  });

  it('stores a 15-digit npwp in its 16-digit form', async () => {
    await importBranchFile(
      db.pool,
      csv(HEADER, `1234567890123,12345678,${OLD_NPWP},SPK/027/PUPR/2025,2025-03-01,2026-02-28,3675000,3675000,ACTIVE,12`),
      'f.csv',
    );

    const { rows } = await db.pool.query('SELECT npwp FROM bpjs_branch_projects');
    expect(rows).toEqual([{ npwp: NPWP }]);
    await expect(registry.findProject({ npwp: NPWP, contractNumber: 'SPK/027/PUPR/2025' })).resolves.not.toBeNull();
  });

  it('replaces a project on re-import and records the newer file', async () => {
    const row = (status: string, paid: string) =>
      `1234567890123,12345678,${NPWP},SPK/027/PUPR/2025,2025-03-01,2026-02-28,3675000,${paid},${status},12`;
    await importBranchFile(db.pool, csv(HEADER, row('REGISTERED_UNPAID', '0')), 'march.csv');

    const result = await importBranchFile(db.pool, csv(HEADER, row('ACTIVE', '3675000')), 'april.csv');

    expect(result).toEqual({ imported: 1, rejected: [] });
    const { rows } = await db.pool.query('SELECT status, premium_paid::text AS paid, source_file FROM bpjs_branch_projects');
    expect(rows).toEqual([{ status: 'ACTIVE', paid: '3675000', source_file: 'april.csv' }]);
  });

  it('defaults the status to ACTIVE when the file has no status column, whatever the column order', async () => {
    const result = await importBranchFile(
      db.pool,
      csv(
        'npwp,contract_number,project_number,npp,covered_from,covered_to,premium_assessed,premium_paid',
        `${NPWP},SPK/027/PUPR/2025,1234567890123,12345678,2025-03-01,2026-02-28,3675000,3675000`,
      ),
      'f.csv',
    );

    expect(result.imported).toBe(1);
    await expect(registry.findProject({ npwp: NPWP, contractNumber: 'SPK/027/PUPR/2025' })).resolves.toMatchObject({
      status: 'ACTIVE',
      workersRegistered: null,
    });
  });

  it('names every problem of a row and never its values', async () => {
    const result = await importBranchFile(
      db.pool,
      csv(HEADER, `123,12345678,012345678901234X,,2025-02-30,2025-01-01,3.675.000,-1,PAID,many`),
      'f.csv',
    );

    expect(result).toEqual({
      imported: 0,
      rejected: [
        {
          line: 2,
          reason: [
            'project_number must be 13 digits',
            'npwp is not a valid NPWP (npwp_format)',
            'contract_number is required',
            'covered_from must be a date YYYY-MM-DD',
            'premium_assessed must be a whole number of rupiah',
            'premium_paid must be a whole number of rupiah',
            'status must be one of ACTIVE, REGISTERED_UNPAID, ENDED',
            'workers_registered must be a whole number',
          ].join('; '),
        },
      ],
    });
  });

  it('refuses an npwp whose check digit is wrong and cover that ends before it starts', async () => {
    const result = await importBranchFile(
      db.pool,
      csv(
        HEADER,
        `1234567890123,12345678,123456788012345,SPK/1,2025-03-01,2026-02-28,1,1,ACTIVE,1`,
        `1234567890123,12345678,${NPWP},SPK/2,2025-03-01,2025-02-28,1,1,ACTIVE,1`,
      ),
      'f.csv',
    );

    expect(result.rejected).toEqual([
      { line: 2, reason: 'npwp is not a valid NPWP (npwp_check_digit)' },
      { line: 3, reason: 'covered_to is before covered_from' },
    ]);
  });

  it('reads quoted fields, CRLF line ends, a BOM and blank lines, and counts lines as the file shows them', async () => {
    const text = [
      `\uFEFF${HEADER}`,
      `1234567890123,12345678,${NPWP},"SPK/027, PUPR ""Sinjai"" 2025",2025-03-01,2026-02-28,3675000,3675000,ACTIVE,12`,
      '',
      `1234567890124,12345678,${NPWP},"SPK/028`,
      `PUPR/2025",2025-03-01,2026-02-28,3675000,3675000,ACTIVE`,
      ',,,,,,,,,',
      `1234567890125,12345678,${NPWP},SPK/029,2025-03-01,2026-02-28,3675000,3675000,ACTIVE,1`,
    ].join('\r\n');

    const result = await importBranchFile(db.pool, text, 'f.csv');

    expect(result).toEqual({ imported: 2, rejected: [{ line: 4, reason: 'has 9 fields, the header has 10' }] });
    await expect(registry.findProject({ npwp: NPWP, contractNumber: 'SPK/027, PUPR "Sinjai" 2025' })).resolves.not.toBeNull();
  });

  it('reads a semicolon-separated file as Excel writes it in an Indonesian locale', async () => {
    const result = await importBranchFile(
      db.pool,
      csv(HEADER.replaceAll(',', ';'), `1234567890123;12345678;${NPWP};SPK/027/PUPR/2025;2025-03-01;2026-02-28;3675000;3675000;ACTIVE;12`),
      'f.csv',
    );

    expect(result).toEqual({ imported: 1, rejected: [] });
  });

  it('reports a quote left open and text after a closing quote', async () => {
    const result = await importBranchFile(
      db.pool,
      csv(
        HEADER,
        `1234567890123,12345678,${NPWP},"SPK/1"x,2025-03-01,2026-02-28,1,1,ACTIVE,1`,
        `1234567890124,12345678,${NPWP},SPK/2,2025-03-01,2026-02-28,1,1,ACTIVE,1`,
        `1234567890125,12345678,${NPWP},"SPK/3,2025-03-01,2026-02-28,1,1,ACTIVE,1`,
      ),
      'f.csv',
    );

    expect(result).toEqual({
      imported: 1,
      rejected: [
        { line: 2, reason: 'unexpected text after a closing quote' },
        { line: 4, reason: 'quoted field is not closed' },
      ],
    });
  });

  it('rejects a later line repeating the same npwp and contract number', async () => {
    const row = (project: string) => `${project},12345678,${NPWP},SPK/027/PUPR/2025,2025-03-01,2026-02-28,1,1,ACTIVE,1`;

    const result = await importBranchFile(db.pool, csv(HEADER, row('1234567890123'), row('1234567890124')), 'f.csv');

    expect(result).toEqual({ imported: 1, rejected: [{ line: 3, reason: 'same npwp and contract_number as line 2' }] });
    await expect(registry.findProject({ npwp: NPWP, contractNumber: 'SPK/027/PUPR/2025' })).resolves.toMatchObject({
      projectNumber: '1234567890123',
    });
  });

  it('imports nothing from a file whose header lacks a column', async () => {
    const result = await importBranchFile(
      db.pool,
      csv('project_number,npwp,contract_number,covered_from,covered_to,premium_paid', `1234567890123,${NPWP},SPK/1,2025-03-01,2026-02-28,1`),
      'f.csv',
    );

    expect(result).toEqual({ imported: 0, rejected: [{ line: 1, reason: 'header: missing column(s) npp, premium_assessed' }] });
    expect((await db.pool.query('SELECT count(*)::int AS n FROM bpjs_branch_projects')).rows).toEqual([{ n: 0 }]);
  });

  it('refuses an empty file', async () => {
    await expect(importBranchFile(db.pool, '', 'f.csv')).resolves.toEqual({
      imported: 0,
      rejected: [{ line: 1, reason: 'the file is empty: expected a header line' }],
    });
  });

  it('refuses amounts beyond what the table can hold', async () => {
    const result = await importBranchFile(
      db.pool,
      csv(
        HEADER,
        `1234567890123,12345678,${NPWP},SPK/1,2025-03-01,2026-02-28,1,99999999999999999999,ACTIVE,1`,
        `1234567890124,12345678,${NPWP},SPK/2,2025-03-01,2026-02-28,1,1,ACTIVE,99999999999`,
      ),
      'f.csv',
    );

    expect(result).toEqual({
      imported: 0,
      rejected: [
        { line: 2, reason: 'premium_paid must be a whole number of rupiah' },
        { line: 3, reason: 'workers_registered must be a whole number' },
      ],
    });
  });

  it('imports the valid rows all or nothing: when the database refuses one, none is stored', async () => {
    await db.pool.query(`ALTER TABLE bpjs_branch_projects ADD CONSTRAINT test_refuses_spk_2 CHECK (contract_number <> 'SPK/2')`);
    try {
      const importing = importBranchFile(
        db.pool,
        csv(
          HEADER,
          `1234567890123,12345678,${NPWP},SPK/1,2025-03-01,2026-02-28,1,1,ACTIVE,1`,
          `1234567890124,12345678,${NPWP},SPK/2,2025-03-01,2026-02-28,1,1,ACTIVE,1`,
        ),
        'f.csv',
      );

      await expect(importing).rejects.toThrow(/test_refuses_spk_2/);
      expect((await db.pool.query('SELECT count(*)::int AS n FROM bpjs_branch_projects')).rows).toEqual([{ n: 0 }]);
    } finally {
      await db.pool.query('ALTER TABLE bpjs_branch_projects DROP CONSTRAINT test_refuses_spk_2');
    }
  });

  it('answers null to a workers lookup: branch files carry no rosters', async () => {
    await expect(registry.lookupWorkers('1234567890123', ['3201014501900001'])).resolves.toBeNull();
  });

  it('throws RegistryUnavailableError when the table cannot be read', async () => {
    const broken = new BranchFileRegistry({ query: () => Promise.reject(new Error('connection terminated')) } as unknown as Pool);

    await expect(broken.findProject({ npwp: NPWP, contractNumber: 'SPK/1' })).rejects.toBeInstanceOf(RegistryUnavailableError);
  });
});

/** Applies the branch-file migration where the migration list does not include it yet. */
async function ensureBranchFileTable(pool: Pool): Promise<void> {
  const { rows } = await pool.query<{ present: boolean }>(`SELECT to_regclass('bpjs_branch_projects') IS NOT NULL AS present`);
  if (!rows[0].present) await new BpjsBranchFile1764000000003().up({ query: (sql: string) => pool.query(sql) } as unknown as QueryRunner);
}
