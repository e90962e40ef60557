import { isIsoDate, isValidBpjsProjectNumber, isValidNpp, normaliseNpwp, parseRupiah } from '@sinergi/domain';
import type { Pool } from 'pg';
import { lookupByContract } from './contract-lookup';
import { EnrolmentQuery, EnrolmentRecord, EnrolmentRegistry } from './enrolment-registry.port';
import { readCsvRows } from '@sinergi/common';

export interface BranchFileImport {
  imported: number;
  /** Lines of the file that were not imported; reasons name fields, never values (an NPWP may be a NIK). */
  rejected: { line: number; reason: string }[];
}

const REQUIRED_COLUMNS = [
  'project_number',
  'npp',
  'npwp',
  'contract_number',
  'covered_from',
  'covered_to',
  'premium_assessed',
  'premium_paid',
] as const;
/** The optional columns: `status`, `workers_registered`. */
type Column = (typeof REQUIRED_COLUMNS)[number] | 'status' | 'workers_registered';

const STATUSES: readonly string[] = ['ACTIVE', 'REGISTERED_UNPAID', 'ENDED'];
const MAX_BIGINT = 9_223_372_036_854_775_807n;
const MAX_INT = 2_147_483_647;

interface BranchRow {
  npwp: string;
  contractNumber: string;
  projectNumber: string;
  npp: string;
  status: string;
  coveredFrom: string;
  coveredTo: string;
  premiumAssessed: string | null;
  premiumPaid: string;
  workersRegistered: number | null;
}

/**
 * Imports the BPJS branch's CSV of registered projects (header `project_number,npp,npwp,contract_number,
 * covered_from,covered_to,premium_assessed,premium_paid[,status,workers_registered]`, in any order). Valid rows are
 * upserted by (NPWP, contract number) in one statement, so all of them or none; invalid lines are reported.
 */
export async function importBranchFile(pool: Pool, csvText: string, sourceFile: string): Promise<BranchFileImport> {
  const [header, ...records] = readCsvRows(csvText);
  if (header === undefined) return { imported: 0, rejected: [{ line: 1, reason: 'the file is empty: expected a header line' }] };
  if ('error' in header) return { imported: 0, rejected: [{ line: header.line, reason: `header: ${header.error}` }] };

  const names = header.fields.map((name) => name.trim().toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((column) => !names.includes(column));
  const repeated = names.filter((name, index) => name !== '' && names.indexOf(name) !== index);
  if (missing.length > 0 || repeated.length > 0) {
    const problems = [
      ...(missing.length > 0 ? [`missing column(s) ${missing.join(', ')}`] : []),
      ...(repeated.length > 0 ? [`repeated column(s) ${[...new Set(repeated)].join(', ')}`] : []),
    ];
    return { imported: 0, rejected: [{ line: header.line, reason: `header: ${problems.join('; ')}` }] };
  }

  const rejected: BranchFileImport['rejected'] = [];
  const valid = new Map<string, { line: number; row: BranchRow }>();
  for (const record of records) {
    if ('error' in record) {
      rejected.push({ line: record.line, reason: record.error });
      continue;
    }
    if (record.fields.length !== names.length) {
      rejected.push({ line: record.line, reason: `has ${record.fields.length} fields, the header has ${names.length}` });
      continue;
    }
    const value = (column: Column) => {
      const index = names.indexOf(column);
      return index === -1 ? '' : record.fields[index].trim();
    };
    const checked = checkRow(value);
    if ('problems' in checked) {
      rejected.push({ line: record.line, reason: checked.problems.join('; ') });
      continue;
    }
    const key = `${checked.npwp}|${checked.contractNumber}`;
    const first = valid.get(key);
    if (first) {
      rejected.push({ line: record.line, reason: `same npwp and contract_number as line ${first.line}` });
      continue;
    }
    valid.set(key, { line: record.line, row: checked });
  }

  const rows = [...valid.values()].map(({ row }) => row);
  if (rows.length > 0) await upsert(pool, rows, sourceFile);
  return { imported: rows.length, rejected };
}

function checkRow(value: (column: Column) => string): BranchRow | { problems: string[] } {
  const problems: string[] = [];
  const projectNumber = value('project_number');
  if (!isValidBpjsProjectNumber(projectNumber)) problems.push('project_number must be 13 digits');
  const npp = value('npp');
  if (!isValidNpp(npp)) problems.push('npp must be 8 digits');
  const npwp = normaliseNpwp(value('npwp'));
  if (!npwp.ok) problems.push(`npwp is not a valid NPWP (${npwp.code})`);
  const contractNumber = value('contract_number');
  if (contractNumber === '') problems.push('contract_number is required');
  const coveredFrom = value('covered_from');
  const coveredTo = value('covered_to');
  if (!isIsoDate(coveredFrom)) problems.push('covered_from must be a date YYYY-MM-DD');
  if (!isIsoDate(coveredTo)) problems.push('covered_to must be a date YYYY-MM-DD');
  if (isIsoDate(coveredFrom) && isIsoDate(coveredTo) && coveredTo < coveredFrom) problems.push('covered_to is before covered_from');
  const premiumAssessed = value('premium_assessed') === '' ? null : money(value('premium_assessed'));
  if (premiumAssessed === undefined) problems.push('premium_assessed must be a whole number of rupiah');
  const premiumPaid = money(value('premium_paid'));
  if (premiumPaid === undefined) problems.push('premium_paid must be a whole number of rupiah');
  const status = value('status') === '' ? 'ACTIVE' : value('status').toUpperCase();
  if (!STATUSES.includes(status)) problems.push(`status must be one of ${STATUSES.join(', ')}`);
  const workersText = value('workers_registered');
  const workersRegistered = workersText === '' ? null : Number(workersText);
  if (workersRegistered !== null && !(/^\d+$/.test(workersText) && workersRegistered <= MAX_INT)) {
    problems.push('workers_registered must be a whole number');
  }
  if (problems.length > 0 || !npwp.ok) return { problems };
  return {
    npwp: npwp.value,
    contractNumber,
    projectNumber,
    npp,
    status,
    coveredFrom,
    coveredTo,
    premiumAssessed: premiumAssessed ?? null,
    premiumPaid: premiumPaid as string,
    workersRegistered,
  };
}

/** Digits only, within PostgreSQL's bigint; undefined when not. */
function money(text: string): string | undefined {
  const amount = parseRupiah(text);
  return amount === null || amount > MAX_BIGINT ? undefined : amount.toString();
}

async function upsert(pool: Pool, rows: BranchRow[], sourceFile: string): Promise<void> {
  const column = <K extends keyof BranchRow>(key: K) => rows.map((row) => row[key]);
  await pool.query(
    `INSERT INTO bpjs_branch_projects (npwp, contract_number, project_number, npp, status, covered_from, covered_to,
                                       premium_assessed, premium_paid, workers_registered, imported_at, source_file)
     SELECT r.*, now(), $11::text
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::date[],
                   $8::bigint[], $9::bigint[], $10::int[]) AS r
     ON CONFLICT (npwp, contract_number) DO UPDATE SET
       project_number = EXCLUDED.project_number, npp = EXCLUDED.npp, status = EXCLUDED.status,
       covered_from = EXCLUDED.covered_from, covered_to = EXCLUDED.covered_to,
       premium_assessed = EXCLUDED.premium_assessed, premium_paid = EXCLUDED.premium_paid,
       workers_registered = EXCLUDED.workers_registered, imported_at = EXCLUDED.imported_at,
       source_file = EXCLUDED.source_file`,
    [
      column('npwp'),
      column('contractNumber'),
      column('projectNumber'),
      column('npp'),
      column('status'),
      column('coveredFrom'),
      column('coveredTo'),
      column('premiumAssessed'),
      column('premiumPaid'),
      column('workersRegistered'),
      sourceFile,
    ],
  );
}

interface BranchProjectRow {
  project_number: string;
  npp: string;
  status: EnrolmentRecord['status'];
  covered_from: string;
  covered_to: string;
  premium_assessed: string | null;
  premium_paid: string;
  workers_registered: number | null;
}

/** The branch file as a registry: it knows projects the branch listed, and nothing about workers. */
export class BranchFileRegistry implements EnrolmentRegistry {
  readonly source = 'branch_file' as const;

  constructor(private readonly pool: Pool) {}

  async findProject(query: EnrolmentQuery): Promise<EnrolmentRecord | null> {
    const row = await lookupByContract<BranchProjectRow>(
      this.pool,
        `SELECT project_number, npp, status,
                to_char(covered_from, 'YYYY-MM-DD') AS covered_from, to_char(covered_to, 'YYYY-MM-DD') AS covered_to,
                premium_assessed::text AS premium_assessed, premium_paid::text AS premium_paid, workers_registered
           FROM bpjs_branch_projects
          WHERE npwp = $1 AND contract_number = $2`,
      query,
      'the BPJS branch file',
    );
    if (row === undefined) return null;
    return {
      source: this.source,
      projectNumber: row.project_number,
      npp: row.npp,
      status: row.status,
      coveredFrom: row.covered_from,
      coveredTo: row.covered_to,
      premiumAssessed: row.premium_assessed,
      premiumPaid: row.premium_paid,
      workersRegistered: row.workers_registered,
    };
  }

  async lookupWorkers(_projectNumber: string, _niks: string[]): Promise<Map<string, boolean> | null> {
    return null;
  }
}
