import { Query } from '@nestjs/cqrs';
import type { Principal } from '@sinergi/auth';
import type { RegionSeries } from './get-region-series.handler';

/** A region's coverage month by month; `range` as the query string gave it (`YYYY-MM`, each optional). */
export class GetRegionSeriesQuery extends Query<RegionSeries> {
  constructor(
    readonly regionCode: string,
    readonly range: { from?: string; to?: string },
    readonly reader: Principal,
  ) {
    super();
  }
}
