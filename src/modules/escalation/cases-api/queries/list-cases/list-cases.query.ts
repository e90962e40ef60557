import { Query } from '@nestjs/cqrs';
import type { Principal } from '@sinergi/auth';
import { parseRegionCode } from '@sinergi/domain';
import { type CasePage } from './list-cases.handler';
import type { CaseStatus } from '../../../case-decider/escalation-case.decider';
import { decodeCursor, invalidQuery, type Keyset, pageSize, singleParam } from '../../list-paging';
import { isUuid } from '@sinergi/common';

export const CASE_STATUSES: readonly CaseStatus[] = ['OPEN', 'RESOLVED', 'CLOSED', 'WAIVED'];

/** `newest` (the default): latest opened first. `oldest`: longest open first, which puts the most overdue cases on top. */
export const CASE_ORDERS = ['newest', 'oldest'] as const;
export type CaseOrder = (typeof CASE_ORDERS)[number];

/** Agency codes as regional governments write them (`1.03.0.00.0.00.01.0000`). */
const AGENCY_CODE = /^[0-9A-Za-z][0-9A-Za-z.\-/]{0,63}$/;

/** The officials' case list: filters as validated from the query string, within the reader's regions. */
export interface ListCasesParams {
  reader: Principal;
  status?: CaseStatus;
  regionCode?: string;
  level?: number;
  projectId?: string;
  /** The agency (satker) code the case's project belongs to. */
  agency?: string;
  order?: CaseOrder;
  after: Keyset | null;
  limit: number;
}

/** Reads `?status=&regionCode=&level=&projectId=&agency=&order=&cursor=&limit=`; a bad value is a 400 naming its parameter. */
export function parseListCasesQuery(reader: Principal, query: Record<string, unknown>): ListCasesParams {
  const status = singleParam(query, 'status');
  if (status !== undefined && !(CASE_STATUSES as readonly string[]).includes(status)) {
    throw invalidQuery('status', 'not_allowed', `status must be one of ${CASE_STATUSES.join(', ')}`);
  }
  const regionCode = singleParam(query, 'regionCode');
  if (regionCode !== undefined && parseRegionCode(regionCode) === null) {
    throw invalidQuery('regionCode', 'invalid_region_code', 'regionCode must be a region code such as 73.07');
  }
  const levelRaw = singleParam(query, 'level');
  if (levelRaw !== undefined && !/^\d{1,3}$/.test(levelRaw)) {
    throw invalidQuery('level', 'invalid_level', 'level must be a ladder level: a whole number from 0');
  }
  const projectId = singleParam(query, 'projectId');
  if (projectId !== undefined && !isUuid(projectId)) throw invalidQuery('projectId', 'invalid_uuid', 'projectId must be a UUID');
  const agency = singleParam(query, 'agency');
  if (agency !== undefined && !AGENCY_CODE.test(agency)) throw invalidQuery('agency', 'invalid_agency_code', 'agency must be an agency code such as 1.03.0.00.0.00.01.0000');
  const order = singleParam(query, 'order');
  if (order !== undefined && !(CASE_ORDERS as readonly string[]).includes(order)) throw invalidQuery('order', 'not_allowed', `order must be one of ${CASE_ORDERS.join(', ')}`);
  return {
    reader,
    status: status as CaseStatus | undefined,
    regionCode,
    level: levelRaw === undefined ? undefined : Number(levelRaw),
    projectId,
    agency,
    order: order as CaseOrder | undefined,
    after: decodeCursor(singleParam(query, 'cursor')),
    limit: pageSize(singleParam(query, 'limit')),
  };
}

/** A page of the officials' case list. */
export class ListCasesQuery extends Query<CasePage> {
  constructor(readonly params: ListCasesParams) {
    super();
  }
}
