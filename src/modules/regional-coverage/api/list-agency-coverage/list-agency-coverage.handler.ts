import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { assertCanRead, belowPattern, inRegionSql, resourceNotFound, withinRegionsSql } from '@sinergi/auth';
import { parseRegionCode, regencyOfSql } from '@sinergi/domain';
import { ListAgencyCoverageQuery } from './list-agency-coverage.query';
import type { CoverageSummary } from '../../projection/coverage-figures';
import { RegionsRepository } from '../../regions/regions.repository';
import { figuresFromDatabase, sumColumns, sumsAsText } from '../coverage-view';
import { toCoverageSummary } from '../../projection/coverage-figures';
import { invalidParam } from '../region-params';
import { ReadDatabase } from '../../../../platform/read-routing';

/** One agency (satker) of a regional government with its projects' coverage in the region asked about. */
export interface AgencyCoverage extends CoverageSummary {
  /** Agency codes are per regional government: the regency (or the province, for a provincial agency) they belong to. */
  regencyCode: string;
  agencyCode: string;
  /** As the latest procurement event named it; null if no name was ever given. */
  agencyName: string | null;
}

export interface AgencyCoverageList {
  /** The region asked about, or null: every region the caller may see. */
  regionCode: string | null;
  items: AgencyCoverage[];
}

@QueryHandler(ListAgencyCoverageQuery)
export class ListAgencyCoverageHandler implements IQueryHandler<ListAgencyCoverageQuery> {
  constructor(
    private readonly reads: ReadDatabase,
    private readonly regions: RegionsRepository,
  ) {}

  /**
   * Sums the cells by (regency, agency) within the region asked about and the caller's scope, with each agency's
   * name: one statement. A region unknown or outside the caller's scope is 404; without one, the caller's whole
   * scope is summed (never more).
   */
  async execute({ regionCode, reader }: ListAgencyCoverageQuery): Promise<AgencyCoverageList> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (regionCode !== undefined) {
      if (parseRegionCode(regionCode) === null) throw invalidParam('regionCode', 'invalid_region_code', 'regionCode must be a region code such as 73.07');
      assertCanRead(reader, regionCode, 'region');
      if (!(await this.regions.isKnown(regionCode))) throw resourceNotFound('region');
      params.push(regionCode, belowPattern(regionCode));
      where.push(inRegionSql('region_code', '$1', '$2'));
    }
    where.push(withinRegionsSql('region_code', reader.regions, params));
    const pool = await this.reads.pool();
    const { rows } = await pool.query(
      `WITH sums AS (
         SELECT ${regencyOfSql('region_code')} AS regency_code, agency_code, ${sumColumns()}
           FROM coverage_cells WHERE ${where.join(' AND ')}
          GROUP BY 1, 2
       )
       SELECT s.regency_code, s.agency_code, a.agency_name, ${sumsAsText('s')}
         FROM sums s LEFT JOIN coverage_agencies a ON a.regency_code = s.regency_code AND a.agency_code = s.agency_code
        ORDER BY s.regency_code, s.agency_code`,
      params,
    );
    return {
      regionCode: regionCode ?? null,
      items: rows.map((r) => ({ regencyCode: r.regency_code, agencyCode: r.agency_code, agencyName: r.agency_name ?? null, ...toCoverageSummary(figuresFromDatabase(r)) })),
    };
  }
}
