import { Query } from '@nestjs/cqrs';
import type { Principal } from '@sinergi/auth';
import type { RegionCoverageReport } from './get-region-coverage.handler';

/** A region's coverage with every child region, as of today (WITA), for a reader in scope. */
export class GetRegionCoverageQuery extends Query<RegionCoverageReport> {
  constructor(
    readonly regionCode: string,
    readonly reader: Principal,
  ) {
    super();
  }
}
