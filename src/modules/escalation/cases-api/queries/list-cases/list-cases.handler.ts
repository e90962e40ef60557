import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CASE_SUMMARY_COLUMNS, type CaseSummary, type CaseSummaryRow, toCaseSummary } from '../../case-summary';
import { toPage } from '../../list-paging';
import { ListCasesQuery } from './list-cases.query';
import { belowPattern, inRegionSql, withinRegionsSql } from '@sinergi/auth';
import { ReadDatabase } from '../../../../../platform/read-routing';

export interface CasePage {
  items: CaseSummary[];
  nextCursor: string | null;
}

/**
 * Cases in the reader's regions from the read model, newest first (or longest open first, `order=oldest`). Pages are keyset on (opened_at, case_id), so a
 * case opened while someone pages lands before their cursor: no page repeats or skips a case.
 */
@QueryHandler(ListCasesQuery)
export class ListCasesHandler implements IQueryHandler<ListCasesQuery> {
  constructor(private readonly reads: ReadDatabase) {}

  async execute({ params: q }: ListCasesQuery): Promise<CasePage> {
    const params: unknown[] = [];
    const where = [withinRegionsSql('region_code', q.reader.regions, params)];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (q.status) where.push(`status = ${param(q.status)}`);
    if (q.regionCode) where.push(inRegionSql('region_code', param(q.regionCode), param(belowPattern(q.regionCode))));
    if (q.level !== undefined) where.push(`current_level = ${param(q.level)}`);
    if (q.projectId) where.push(`project_id = ${param(q.projectId)}`);
    if (q.agency) where.push(`agency_code = ${param(q.agency)}`);
    const oldest = q.order === 'oldest';
    if (q.after) where.push(`(opened_at, case_id) ${oldest ? '>' : '<'} (${param(q.after.at)}::timestamptz, ${param(q.after.id)}::uuid)`);
    const direction = oldest ? 'ASC' : 'DESC';
    const pool = await this.reads.pool();
    const { rows } = await pool.query<CaseSummaryRow>(
      `SELECT ${CASE_SUMMARY_COLUMNS} FROM escalation_cases WHERE ${where.join(' AND ')}
        ORDER BY opened_at ${direction}, case_id ${direction} LIMIT ${param(q.limit + 1)}`,
      params,
    );
    return toPage(rows, q.limit, (r) => ({ at: r.opened_key, id: r.case_id }), toCaseSummary);
  }
}
