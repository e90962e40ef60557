import { Module } from '@nestjs/common';
import { RegionsRepository } from './regions.repository';

/** The region hierarchy for the rest of the app (PG_POOL comes from the global DatabaseModule). */
@Module({
  providers: [RegionsRepository],
  exports: [RegionsRepository],
})
export class RegionsModule {}
