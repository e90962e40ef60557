import { invalid, isUuid } from '@sinergi/common';
import { belowPattern, inRegionSql, withinRegionsSql } from '@sinergi/auth';
import { childCodeLength, type IsoDate, parseRegionCode, regencyOf, regencyOfSql } from '@sinergi/domain';
import type { Pool, PoolClient } from 'pg';
import type { ComplianceStatus } from '../../verification/compliance/compliance.events';
import type { CoverageCell, CoverageFigures } from './coverage-figures';
import type { CoverageProjectRow } from './coverage-project';
import { COVERAGE_AGENCIES, COVERAGE_CELLS, COVERAGE_PROJECTS, PROJECT_SELECT, rowFromDatabase } from './coverage.projection';

/**
 * Reads of the coverage projection for the HTTP API: sums of cells (never of projects) and the project list.
 * Region arguments are Kemendagri codes; a code stands for itself and everything under it. `scope` is a caller's
 * list of region prefixes (JWT `regions`): when given, only what lies inside one of them is read.
 */
type Db = Pool | PoolClient;

export interface CoverageFilter {
  regionCode?: string;
  scope?: readonly string[];
  agencyCode?: string;
  fundingSource?: string;
  /** Inclusive bounds on the contract month, as its first day (WITA). */
  monthFrom?: IsoDate;
  monthTo?: IsoDate;
}

/**
 * How `sumCoverage` groups: `none` (one total), `region` (region as registered), `child` (the child of
 * `filter.regionCode` each cell rolls up through; key null for projects registered at the region itself),
 * `agency` (key `<regency>|<agency code>`, see `coverage_agencies`), `fundingSource`, `month` (`YYYY-MM-01`).
 */
export type CoverageGrouping = 'none' | 'region' | 'child' | 'agency' | 'fundingSource' | 'month';

export interface CoverageGroup {
  key: string | null;
  figures: CoverageFigures;
}

const SUMS = `sum(projects_total)::int AS projects_total, sum(projects_registered)::int AS projects_registered,
  sum(projects_compliant)::int AS projects_compliant, sum(projects_non_compliant)::int AS projects_non_compliant,
  sum(projects_pending)::int AS projects_pending, sum(projects_unverifiable)::int AS projects_unverifiable,
  sum(workers_reported)::text AS workers_reported, sum(workers_covered)::text AS workers_covered,
  sum(contract_value_total)::text AS contract_value_total, sum(contract_value_covered)::text AS contract_value_covered,
  sum(premium_due)::text AS premium_due, sum(premium_paid)::text AS premium_paid`;

/** Figures from a row of sums (or a `coverage_cells` row) as read above. */
export function figuresFromDatabase(r: Record<string, any>): CoverageFigures {
  return {
    projects: {
      total: Number(r.projects_total ?? 0),
      registered: Number(r.projects_registered ?? 0),
      compliant: Number(r.projects_compliant ?? 0),
      nonCompliant: Number(r.projects_non_compliant ?? 0),
      pending: Number(r.projects_pending ?? 0),
      unverifiable: Number(r.projects_unverifiable ?? 0),
    },
    workers: { reported: Number(r.workers_reported ?? 0), covered: Number(r.workers_covered ?? 0) },
    contractValue: { total: BigInt(r.contract_value_total ?? 0), covered: BigInt(r.contract_value_covered ?? 0) },
    premium: { due: BigInt(r.premium_due ?? 0), paid: BigInt(r.premium_paid ?? 0) },
  };
}

function regionCodeArg(code: string, path: string): string {
  if (parseRegionCode(code) === null) throw invalid('invalid_region_code', `${path} is not a region code`, [{ path, code: 'region_code', message: `"${code}" is not a Kemendagri region code` }]);
  return code;
}

/** `column` within `region` (itself or below), and within one of `scope`; adds the parameters it needs. */
function regionConditions(filter: { regionCode?: string; scope?: readonly string[] }, params: unknown[], column = 'region_code'): string[] {
  const where: string[] = [];
  if (filter.regionCode !== undefined) {
    params.push(regionCodeArg(filter.regionCode, 'regionCode'), belowPattern(filter.regionCode));
    where.push(inRegionSql(column, `$${params.length - 1}`, `$${params.length}`));
  }
  if (filter.scope !== undefined) where.push(withinRegionsSql(column, filter.scope, params));
  return where;
}

function cellConditions(filter: CoverageFilter, params: unknown[]): string {
  const where = regionConditions(filter, params);
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.agencyCode !== undefined) add('agency_code = ?', filter.agencyCode);
  if (filter.fundingSource !== undefined) add('funding_source = ?', filter.fundingSource);
  if (filter.monthFrom !== undefined) add('contract_month >= ?::date', filter.monthFrom);
  if (filter.monthTo !== undefined) add('contract_month <= ?::date', filter.monthTo);
  return where.length ? `WHERE ${where.join(' AND ')}` : '';
}

/** Length of the codes one level below `code`: province 73 → 73.07 (5), regency → district (8), district → village (13). */
function childCodeLengthOf(code: string): number {
  const level = parseRegionCode(code)?.level;
  const length = level === undefined ? null : childCodeLength(level);
  if (length === null) throw invalid('invalid_region_code', 'a village has no children', [{ path: 'regionCode', code: 'no_children', message: `${code} is a village` }]);
  return length;
}

/** Sums the cells that match `filter`, grouped as asked; groups without projects are absent (add the zeros yourself). */
export async function sumCoverage(db: Db, filter: CoverageFilter, groupBy: CoverageGrouping = 'none'): Promise<CoverageGroup[]> {
  const params: unknown[] = [];
  const where = cellConditions(filter, params);
  let key: string;
  switch (groupBy) {
    case 'none':
      key = 'NULL::text';
      break;
    case 'region':
      key = 'region_code';
      break;
    case 'child': {
      if (filter.regionCode === undefined) throw new RangeError("sumCoverage by 'child' needs filter.regionCode");
      const length = childCodeLengthOf(filter.regionCode);
      key = `CASE WHEN length(region_code) >= ${length} THEN left(region_code, ${length}) END`;
      break;
    }
    case 'agency':
      key = `${regencyOfSql('region_code')} || '|' || agency_code`;
      break;
    case 'fundingSource':
      key = 'funding_source';
      break;
    case 'month':
      key = 'contract_month::text';
      break;
  }
  const { rows } = await db.query(`SELECT ${key} AS key, ${SUMS} FROM ${COVERAGE_CELLS} ${where} GROUP BY 1 ORDER BY 1`, params);
  // A total over nothing is still a row of zeros (sum() of no rows is null).
  if (groupBy === 'none') return [{ key: null, figures: figuresFromDatabase(rows[0] ?? {}) }];
  return rows.map((r) => ({ key: r.key, figures: figuresFromDatabase(r) }));
}

/** The cells themselves, for pure roll-ups (`rollUpRegion`, `rollUpByRegion`) when a few thousand are wanted at once. */
export async function loadCoverageCells(db: Db, filter: CoverageFilter): Promise<CoverageCell[]> {
  const params: unknown[] = [];
  const { rows } = await db.query(
    `SELECT region_code, agency_code, funding_source, contract_month::text AS contract_month, ${SUMS}
       FROM ${COVERAGE_CELLS} ${cellConditions(filter, params)} GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
    params,
  );
  return rows.map((r) => ({
    regionCode: r.region_code,
    agencyCode: r.agency_code,
    fundingSource: r.funding_source,
    contractMonth: r.contract_month,
    figures: figuresFromDatabase(r),
  }));
}

/** Agency names by `<regency>|<agency code>` (the `agency` grouping's key), for the regencies under `regionCode`. */
export async function agencyNames(db: Db, filter: { regionCode?: string; scope?: readonly string[] } = {}): Promise<Map<string, string>> {
  // A district or village (filter or scope) still names the agencies of its regency.
  const params: unknown[] = [];
  const where = regionConditions(
    { regionCode: filter.regionCode === undefined ? undefined : regencyOf(filter.regionCode), scope: filter.scope?.map(regencyOf) },
    params,
    'regency_code',
  );
  const { rows } = await db.query(
    `SELECT regency_code || '|' || agency_code AS key, agency_name FROM ${COVERAGE_AGENCIES} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`,
    params,
  );
  return new Map(rows.map((r) => [r.key, r.agency_name]));
}

export interface ProjectListFilter {
  regionCode?: string;
  scope?: readonly string[];
  agencyCode?: string;
  status?: ComplianceStatus;
  contractorNpwp?: string;
  fiscalYear?: number;
  fundingSource?: string;
  /** true: only cancelled; false: only not cancelled; undefined: both. */
  cancelled?: boolean;
}

export interface ProjectListPage {
  items: CoverageProjectRow[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}


/** Opaque to clients: base64url of the last row's (contract date, project id). */
export const encodeProjectCursor = (row: Pick<CoverageProjectRow, 'contractDate' | 'projectId'>) =>
  Buffer.from(JSON.stringify([row.contractDate, row.projectId])).toString('base64url');

export function decodeProjectCursor(raw: string): { contractDate: string; projectId: string } {
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parsed) && parsed.length === 2) {
      const [date, id] = parsed as unknown[];
      if (typeof date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(date) && isUuid(id)) return { contractDate: date, projectId: id };
    }
  } catch {
    // falls through to the refusal
  }
  throw invalid('invalid_query', 'cursor must be the nextCursor of an earlier page', [
    { path: 'cursor', code: 'invalid_cursor', message: 'cursor must be the nextCursor of an earlier page' },
  ]);
}

/**
 * The officials' project list, newest contract first (`contract_date DESC, project_id DESC`), by keyset: a page
 * never skips or repeats a row because others were added meanwhile. Only projects whose registration was read.
 */
export async function listCoverageProjects(db: Db, filter: ProjectListFilter, page: { limit: number; cursor?: string | null }): Promise<ProjectListPage> {
  const params: unknown[] = [];
  const where = ['project_ref IS NOT NULL', ...regionConditions(filter, params)];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.agencyCode !== undefined) add('agency_code = ?', filter.agencyCode);
  if (filter.status !== undefined) add('status = ?', filter.status);
  if (filter.contractorNpwp !== undefined) add('contractor_npwp = ?', filter.contractorNpwp);
  if (filter.fiscalYear !== undefined) add('fiscal_year = ?', filter.fiscalYear);
  if (filter.fundingSource !== undefined) add('funding_source = ?', filter.fundingSource);
  if (filter.cancelled !== undefined) add('cancelled = ?', filter.cancelled);
  if (page.cursor) {
    const after = decodeProjectCursor(page.cursor);
    params.push(after.contractDate, after.projectId);
    where.push(`(contract_date, project_id) < ($${params.length - 1}::date, $${params.length}::uuid)`);
  }
  params.push(page.limit + 1);
  // ORDER BY names the table's columns: PROJECT_SELECT's text aliases would shadow them (and lose the index).
  const { rows } = await db.query(
    `SELECT ${PROJECT_SELECT} FROM ${COVERAGE_PROJECTS} WHERE ${where.join(' AND ')}
      ORDER BY ${COVERAGE_PROJECTS}.contract_date DESC, ${COVERAGE_PROJECTS}.project_id DESC LIMIT $${params.length}`,
    params,
  );
  const items = rows.slice(0, page.limit).map(rowFromDatabase);
  return { items, nextCursor: rows.length > page.limit ? encodeProjectCursor(items[items.length - 1]) : null };
}
