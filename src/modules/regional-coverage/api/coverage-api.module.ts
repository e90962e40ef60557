import { Module } from '@nestjs/common';
import { RegionsModule } from '../regions/regions.module';
import { ReportSegmentEnrolmentHandler } from '../segments/report-segment-enrolment/report-segment-enrolment.handler';
import { ReportSegmentEnrolmentHttpController } from '../segments/report-segment-enrolment/report-segment-enrolment.http.controller';
import { SetCoverageTargetHandler } from '../targets/set-coverage-target/set-coverage-target.handler';
import { SetCoverageTargetHttpController } from '../targets/set-coverage-target/set-coverage-target.http.controller';
import { GetRegionCoverageHandler } from './get-region-coverage/get-region-coverage.handler';
import { GetRegionCoverageHttpController } from './get-region-coverage/get-region-coverage.http.controller';
import { GetRegionSeriesHandler } from './get-region-series/get-region-series.handler';
import { GetRegionSeriesHttpController } from './get-region-series/get-region-series.http.controller';
import { ListAgencyCoverageHandler } from './list-agency-coverage/list-agency-coverage.handler';
import { ListAgencyCoverageHttpController } from './list-agency-coverage/list-agency-coverage.http.controller';
import { ListProjectsHandler } from './list-projects/list-projects.handler';
import { ListProjectsHttpController } from './list-projects/list-projects.http.controller';

/**
 * The coverage API (docs/api.md, issue 5 items 3, 4, 6): regions with their children, monthly series, agencies and the
 * project list for officials, auditors and admins in scope; targets and other segments' enrolment for admins.
 */
@Module({
  imports: [RegionsModule],
  controllers: [
    GetRegionCoverageHttpController,
    GetRegionSeriesHttpController,
    ListAgencyCoverageHttpController,
    ListProjectsHttpController,
    SetCoverageTargetHttpController,
    ReportSegmentEnrolmentHttpController,
  ],
  providers: [
    GetRegionCoverageHandler,
    GetRegionSeriesHandler,
    ListAgencyCoverageHandler,
    ListProjectsHandler,
    SetCoverageTargetHandler,
    ReportSegmentEnrolmentHandler,
  ],
  exports: [SetCoverageTargetHandler],
})
export class CoverageApiModule {}
