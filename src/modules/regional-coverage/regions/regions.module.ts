import { Module } from '@nestjs/common';
import { GetRegionsHandler, ListRegionAncestorsHandler } from './region-queries';
import { RegionsRepository } from './regions.repository';

/**
 * The region hierarchy for the rest of the app (PG_POOL comes from the global DatabaseModule), and its queries for
 * controllers that name regions (GetRegionsQuery, ListRegionAncestorsQuery).
 */
@Module({
  providers: [RegionsRepository, GetRegionsHandler, ListRegionAncestorsHandler],
  exports: [RegionsRepository],
})
export class RegionsModule {}
