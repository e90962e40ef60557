import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { FUNDING_SOURCES } from '../project-intake/construction-project.events';
import { WORKER_SEGMENTS } from './segments/segment-enrolment.events';
import { TARGET_METRICS } from './targets/coverage-target.events';

/** Response schemas of the coverage API, as its handlers answer (coverage-view, the region, series and agency reports). */

const MONEY = { type: 'string', pattern: '^(0|[1-9][0-9]*)$', description: 'Integer rupiah as a digit string' } as const;
const PERCENT = { type: 'number', nullable: true, minimum: 0, maximum: 100, description: 'Two decimals; null when the denominator is 0' } as const;
const COUNT = { type: 'integer', minimum: 0 } as const;
const REGION_LEVELS = ['province', 'regency', 'district', 'village'];
const COMPLIANCE_REASONS = ['ENROLMENT_MISSING', 'PREMIUM_SHORTFALL', 'COVERAGE_GAP', 'WORKERS_UNCOVERED', 'VERIFICATION_FAILED'];

@ApiSchema({ name: 'CoverageProjects', description: 'compliant + nonCompliant + pending + unverifiable = total' })
class CoverageProjectsSchema {
  @ApiProperty({ ...COUNT, example: 30 }) total: number;
  @ApiProperty({ ...COUNT, example: 12, description: 'BPJS confirmed the enrolment (whatever else is wrong)' }) registered: number;
  @ApiProperty({ ...COUNT, example: 10 }) compliant: number;
  @ApiProperty({ ...COUNT, example: 15 }) nonCompliant: number;
  @ApiProperty({ ...COUNT, example: 4 }) pending: number;
  @ApiProperty({ ...COUNT, example: 1 }) unverifiable: number;
}

@ApiSchema({ name: 'CoverageWorkers' })
class CoverageWorkersSchema {
  @ApiProperty({ ...COUNT, example: 640, description: 'On the latest rosters' }) reported: number;
  @ApiProperty({ ...COUNT, example: 255 }) covered: number;
}

@ApiSchema({ name: 'CoverageMoney' })
class CoverageContractValueSchema {
  @ApiProperty({ ...MONEY, example: '41250000000' }) total: string;
  @ApiProperty({ ...MONEY, example: '16500000000', description: 'Of registered projects' }) covered: string;
}

@ApiSchema({ name: 'CoveragePremium' })
class CoveragePremiumSchema {
  @ApiProperty({ ...MONEY, example: '53670000' }) due: string;
  @ApiProperty({ ...MONEY, example: '21468000' }) paid: string;
}

@ApiSchema({ name: 'CoveragePercent' })
class CoveragePercentSchema {
  @ApiProperty({ ...PERCENT, example: 40, description: 'registered / total projects: the headline' }) projects: number | null;
  @ApiProperty({ ...PERCENT, example: 39.84, description: 'covered / reported workers' }) workers: number | null;
  @ApiProperty({ ...PERCENT, example: 40, description: 'covered / total contract value' }) value: number | null;
}

/** The figures every coverage answer carries (CoverageSummary). */
@ApiSchema({ name: 'CoverageSummary' })
export class CoverageSummarySchema {
  @ApiProperty({ type: CoverageProjectsSchema }) projects: CoverageProjectsSchema;
  @ApiProperty({ type: CoverageWorkersSchema }) workers: CoverageWorkersSchema;
  @ApiProperty({ type: CoverageContractValueSchema }) contractValue: CoverageContractValueSchema;
  @ApiProperty({ type: CoveragePremiumSchema }) premium: CoveragePremiumSchema;
  @ApiProperty({ type: CoveragePercentSchema }) coveragePercent: CoveragePercentSchema;
}

@ApiSchema({ name: 'CoverageTargetStanding', description: "The region's own target and where the region stands against it" })
class TargetViewSchema {
  @ApiProperty({ enum: TARGET_METRICS, example: 'projects' }) metric: string;
  @ApiProperty({ type: 'number', example: 80 }) targetPercent: number;
  @ApiProperty({ format: 'date', example: '2026-12-31' }) deadline: string;
  @ApiProperty({ ...PERCENT, example: 40 }) currentPercent: number | null;
  @ApiProperty({ format: 'date', example: '2026-03-01', description: 'Today in WITA' }) asOf: string;
  @ApiProperty({ example: 'admin-sinjai' }) setBy: string;
  @ApiProperty({ format: 'date-time' }) setAt: string;
  @ApiProperty({ enum: ['NO_DATA', 'MET', 'MISSED', 'OPEN'], example: 'OPEN' }) status: string;
  @ApiProperty({ type: 'number', nullable: true, example: 40, description: 'target − current, never below 0' }) gapPoints: number | null;
  @ApiProperty({ ...COUNT, example: 10 }) monthsLeft: number;
  @ApiProperty({ type: 'number', nullable: true, example: 4, description: '0 when met; null when missed or nothing to measure' }) pacePointsPerMonth: number | null;
}

@ApiSchema({ name: 'SegmentCoverage' })
class SegmentCoverageSchema {
  @ApiProperty({ enum: WORKER_SEGMENTS }) segment: string;
  @ApiProperty({ example: '2026-01', description: 'The latest period among the reports summed' }) period: string;
  @ApiProperty({ ...COUNT, example: 120 }) enrolled: number;
  @ApiProperty({ ...COUNT, example: 200 }) eligible: number;
  @ApiProperty({ ...PERCENT, example: 60 }) percent: number | null;
  @ApiProperty({ enum: ['ADMIN', 'BPJS_FILE', 'MIXED'] }) source: string;
}

@ApiSchema({ name: 'OverallCoverage', description: '(workers covered + Σ segments enrolled) / (workers reported + Σ segments eligible)' })
class OverallCoverageSchema {
  @ApiProperty({ ...COUNT, example: 375 }) enrolled: number;
  @ApiProperty({ ...COUNT, example: 840 }) eligible: number;
  @ApiProperty({ ...PERCENT, example: 44.64 }) percent: number | null;
}

@ApiSchema({ name: 'RegionCoverage' })
export class RegionCoverageSchema extends CoverageSummarySchema {
  @ApiProperty({ example: '73.07.05' }) regionCode: string;
  @ApiProperty({ example: 'Sinjai Utara' }) name: string;
  @ApiProperty({ enum: [...REGION_LEVELS, 'country'], example: 'district', description: '`country` for ID (Indonesia as a whole, the provinces as children)' }) level: string;
  @ApiProperty({ type: TargetViewSchema, nullable: true }) target: TargetViewSchema | null;
  @ApiProperty({ type: [SegmentCoverageSchema] }) otherSegments: SegmentCoverageSchema[];
  @ApiProperty({ type: OverallCoverageSchema }) overall: OverallCoverageSchema;
}

@ApiSchema({ name: 'RegionCoverageReport', description: 'The region, as of today (WITA), with every child region, zeros included' })
export class RegionCoverageReportSchema extends RegionCoverageSchema {
  @ApiProperty({ format: 'date', example: '2026-03-01' }) asOf: string;
  @ApiProperty({ type: CoverageSummarySchema, description: 'Projects in the totals but in no child (registered at the region itself)' }) unassigned: CoverageSummarySchema;
  @ApiProperty({ type: [String], example: [], description: 'Codes under the region that projects carry but the hierarchy does not hold (at most 100)' })
  unplacedRegionCodes: string[];
  @ApiProperty({ type: [RegionCoverageSchema] }) children: RegionCoverageSchema[];
}

@ApiSchema({ name: 'CoverageMonth' })
class CoverageMonthSchema extends CoverageSummarySchema {
  @ApiProperty({ example: '2025-04', description: 'Projects whose contract date (WITA) falls in this month, as they stand today' }) month: string;
}

@ApiSchema({ name: 'RegionSeries' })
export class RegionSeriesSchema {
  @ApiProperty({ example: '73.07' }) regionCode: string;
  @ApiProperty({ example: 'Kabupaten Sinjai' }) name: string;
  @ApiProperty({ enum: REGION_LEVELS, example: 'regency' }) level: string;
  @ApiProperty({ example: '2025-01' }) from: string;
  @ApiProperty({ example: '2025-12' }) to: string;
  @ApiProperty({ type: [CoverageMonthSchema], description: 'Every month from `from` to `to`, zeros included' }) months: CoverageMonthSchema[];
}

@ApiSchema({ name: 'AgencyCoverage' })
class AgencyCoverageSchema extends CoverageSummarySchema {
  @ApiProperty({ example: '73.07', description: 'The regency (or province) the agency code belongs to' }) regencyCode: string;
  @ApiProperty({ example: '1.03.0.00.0.00.01.0000' }) agencyCode: string;
  @ApiProperty({ type: String, nullable: true, example: 'Dinas Pekerjaan Umum dan Penataan Ruang' }) agencyName: string | null;
}

@ApiSchema({ name: 'AgencyCoverageList' })
export class AgencyCoverageListSchema {
  @ApiProperty({ type: String, nullable: true, example: '73.07', description: 'The region asked about; null: every region the caller may see' })
  regionCode: string | null;
  @ApiProperty({ type: [AgencyCoverageSchema] }) items: AgencyCoverageSchema[];
}

@ApiSchema({ name: 'ProjectListAgency' })
class ProjectListAgencySchema {
  @ApiProperty({ example: '1.03.0.00.0.00.01.0000' }) code: string;
  @ApiProperty({ type: String, nullable: true, example: 'Dinas Pekerjaan Umum dan Penataan Ruang' }) name: string | null;
}

@ApiSchema({ name: 'ProjectListContractor' })
class ProjectListContractorSchema {
  @ApiProperty({ example: '0012345674901000' }) npwp: string;
  @ApiProperty({ example: 'CV Karya Sinjai Mandiri' }) name: string;
}

@ApiSchema({ name: 'ProjectListWorkers' })
class ProjectListWorkersSchema {
  @ApiProperty({ type: 'integer', nullable: true, example: 35 }) estimated: number | null;
  @ApiProperty({ ...COUNT, example: 32 }) reported: number;
  @ApiProperty({ ...COUNT, example: 0 }) covered: number;
}

@ApiSchema({ name: 'ProjectListItem' })
class ProjectListItemSchema {
  @ApiProperty({ format: 'uuid' }) projectId: string;
  @ApiProperty({ example: '10080116000' }) projectRef: string;
  @ApiProperty({ example: 'Rehabilitasi Jalan Poros Sinjai–Bulupoddo' }) name: string;
  @ApiProperty({ example: '027/SPK/PUPR-SJ/IV/2025' }) contractNumber: string;
  @ApiProperty({ example: '73.07.06' }) regionCode: string;
  @ApiProperty({ type: ProjectListAgencySchema }) agency: ProjectListAgencySchema;
  @ApiProperty({ enum: FUNDING_SOURCES }) fundingSource: string;
  @ApiProperty({ type: 'integer', example: 2025 }) fiscalYear: number;
  @ApiProperty({ format: 'date', example: '2025-04-21' }) contractDate: string;
  @ApiProperty({ type: ProjectListContractorSchema }) contractor: ProjectListContractorSchema;
  @ApiProperty({ type: String, format: 'date', nullable: true, example: '2025-05-09' }) registrationDeadline: string | null;
  @ApiProperty({ type: String, enum: ['REGISTERED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'], nullable: true, example: 'IN_PROGRESS' }) lifecycle: string | null;
  @ApiProperty({ enum: ['PENDING', 'COMPLIANT', 'NON_COMPLIANT', 'UNVERIFIABLE'], example: 'NON_COMPLIANT' }) status: string;
  @ApiProperty({ enum: COMPLIANCE_REASONS, isArray: true, example: ['ENROLMENT_MISSING'] }) reasons: string[];
  @ApiProperty({ description: 'BPJS has confirmed the enrolment (whatever else is wrong)' }) registered: boolean;
  @ApiProperty({ type: ProjectListWorkersSchema }) workers: ProjectListWorkersSchema;
  @ApiProperty({ ...MONEY, example: '2500000000' }) contractValue: string;
  @ApiProperty({ type: CoveragePremiumSchema }) premium: CoveragePremiumSchema;
}

@ApiSchema({ name: 'ProjectList' })
export class ProjectListSchema {
  @ApiProperty({ type: [ProjectListItemSchema] }) items: ProjectListItemSchema[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page' }) nextCursor: string | null;
}

@ApiSchema({ name: 'CoverageTarget', description: 'The target in force' })
export class CoverageTargetSchema {
  @ApiProperty({ example: '73.07' }) regionCode: string;
  @ApiProperty({ enum: TARGET_METRICS, example: 'projects' }) metric: string;
  @ApiProperty({ type: 'number', example: 80, exclusiveMinimum: true, minimum: 0, maximum: 100 }) targetPercent: number;
  @ApiProperty({ format: 'date', example: '2026-12-31' }) deadline: string;
  @ApiProperty({ example: 'admin-sinjai' }) setBy: string;
  @ApiProperty({ format: 'date-time' }) setAt: string;
  @ApiProperty({ type: 'integer', example: 1, description: 'How many times the target was set' }) version: number;
}

@ApiSchema({ name: 'SegmentReport', description: 'The report on record' })
export class SegmentReportSchema {
  @ApiProperty({ example: '73.07.05' }) regionCode: string;
  @ApiProperty({ enum: WORKER_SEGMENTS }) segment: string;
  @ApiProperty({ example: '2026-01' }) period: string;
  @ApiProperty({ ...COUNT, example: 120 }) enrolled: number;
  @ApiProperty({ ...COUNT, example: 200 }) eligible: number;
  @ApiProperty({ ...PERCENT, example: 60 }) percent: number | null;
  @ApiProperty({ enum: ['ADMIN', 'BPJS_FILE'] }) source: string;
  @ApiProperty({ type: String, nullable: true, example: null }) sourceFile: string | null;
  @ApiProperty({ example: 'admin-sinjai' }) reportedBy: string;
  @ApiProperty({ format: 'date-time' }) reportedAt: string;
}
