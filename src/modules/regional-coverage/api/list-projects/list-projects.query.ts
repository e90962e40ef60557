import { Query } from '@nestjs/cqrs';
import { assertCanRead, type Principal } from '@sinergi/auth';
import { normaliseNpwp, parseRegionCode } from '@sinergi/domain';
import { type ProjectList } from './list-projects.handler';
import { FUNDING_SOURCES } from '../../../project-intake/construction-project.events';
import type { ComplianceStatus } from '../../../verification/compliance/compliance.events';
import { decodeProjectCursor, type ProjectListFilter } from '../../projection/coverage.queries';
import { invalidParam, onlyParams, scopeOf, singleParam } from '../region-params';

export const PROJECT_STATUSES: readonly ComplianceStatus[] = ['PENDING', 'COMPLIANT', 'NON_COMPLIANT', 'UNVERIFIABLE'];
export const DEFAULT_PROJECT_PAGE = 50;
export const MAX_PROJECT_PAGE = 200;

export const PROJECT_LIST_PARAMS = ['regionCode', 'agencyCode', 'status', 'contractorNpwp', 'fiscalYear', 'fundingSource', 'cancelled', 'cursor', 'limit', 'format'] as const;

/** Agency codes as regional governments write them (`1.03.0.00.0.00.01.0000`): letters, digits and . - / only. */
const AGENCY_CODE = /^[0-9A-Za-z][0-9A-Za-z.\-/]{0,63}$/;

/** A page of the officials' project list: filters as validated from the query string, within the reader's scope. */
export class ListProjectsQuery extends Query<ProjectList> {
  constructor(
    readonly filter: ProjectListFilter,
    readonly cursor: string | null,
    readonly limit: number,
  ) {
    super();
  }
}

/**
 * Reads `GET /v1/projects`' query: every filter is checked (400 naming the parameter); a regionCode outside the
 * caller's regions is 404, like the region itself; the caller's scope always applies, so no filter can widen it.
 */
export function parseListProjectsQuery(reader: Principal, query: Record<string, unknown>): ListProjectsQuery {
  onlyParams(query, PROJECT_LIST_PARAMS);
  const filter: ProjectListFilter = { scope: scopeOf(reader) };

  const regionCode = singleParam(query, 'regionCode');
  if (regionCode !== undefined) {
    if (parseRegionCode(regionCode) === null) throw invalidParam('regionCode', 'invalid_region_code', 'regionCode must be a region code such as 73.07');
    assertCanRead(reader, regionCode, 'region');
    filter.regionCode = regionCode;
  }
  const agencyCode = singleParam(query, 'agencyCode');
  if (agencyCode !== undefined) {
    if (!AGENCY_CODE.test(agencyCode)) throw invalidParam('agencyCode', 'invalid_agency_code', 'agencyCode must be an agency code such as 1.03.0.00.0.00.01.0000');
    filter.agencyCode = agencyCode;
  }
  const status = singleParam(query, 'status');
  if (status !== undefined) {
    if (!(PROJECT_STATUSES as readonly string[]).includes(status)) throw invalidParam('status', 'not_allowed', `status must be one of ${PROJECT_STATUSES.join(', ')}`);
    filter.status = status as ComplianceStatus;
  }
  const npwp = singleParam(query, 'contractorNpwp');
  if (npwp !== undefined) {
    const checked = normaliseNpwp(npwp);
    if (!checked.ok) throw invalidParam('contractorNpwp', 'invalid_npwp', 'contractorNpwp must be an NPWP (15 or 16 digits)');
    filter.contractorNpwp = checked.value;
  }
  const year = singleParam(query, 'fiscalYear');
  if (year !== undefined) {
    if (!/^\d{4}$/.test(year) || Number(year) < 2000 || Number(year) > 2100) throw invalidParam('fiscalYear', 'invalid_year', 'fiscalYear must be a year from 2000 to 2100');
    filter.fiscalYear = Number(year);
  }
  const funding = singleParam(query, 'fundingSource');
  if (funding !== undefined) {
    if (!(FUNDING_SOURCES as readonly string[]).includes(funding)) throw invalidParam('fundingSource', 'not_allowed', `fundingSource must be one of ${FUNDING_SOURCES.join(', ')}`);
    filter.fundingSource = funding;
  }
  const cancelled = singleParam(query, 'cancelled');
  if (cancelled !== undefined) {
    if (cancelled !== 'true' && cancelled !== 'false') throw invalidParam('cancelled', 'not_boolean', 'cancelled must be true or false');
    filter.cancelled = cancelled === 'true';
  }
  const cursor = singleParam(query, 'cursor') ?? null;
  if (cursor !== null) decodeProjectCursor(cursor);
  const limitRaw = singleParam(query, 'limit');
  let limit = DEFAULT_PROJECT_PAGE;
  if (limitRaw !== undefined) {
    limit = /^\d{1,4}$/.test(limitRaw) ? Number(limitRaw) : NaN;
    if (!(limit >= 1 && limit <= MAX_PROJECT_PAGE)) throw invalidParam('limit', 'out_of_range', `limit must be a whole number from 1 to ${MAX_PROJECT_PAGE}`);
  }
  return new ListProjectsQuery(filter, cursor, limit);
}
