import { Module } from '@nestjs/common';
import { CoverageProjectionWorker } from './coverage-projection.worker';

/** The worker side of coverage (docs/api.md): the live coverage projection. */
@Module({
  providers: [CoverageProjectionWorker],
  exports: [CoverageProjectionWorker],
})
export class CoverageProjectionModule {}
