import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { FUNDING_SOURCES } from '../project-intake/construction-project.events';

/** Response schemas of the verification API, as its handlers answer (ProjectView, ReverificationRequested, dead letters). */

const MONEY = { type: 'string', pattern: '^(0|[1-9][0-9]*)$', description: 'Integer rupiah as a digit string' } as const;

@ApiSchema({ name: 'ProjectAgency' })
class ProjectAgencySchema {
  @ApiProperty({ example: '1.03.0.00.0.00.01.0000' }) code: string;
  @ApiProperty({ example: 'Dinas Pekerjaan Umum dan Penataan Ruang' }) name: string;
}

@ApiSchema({ name: 'ProjectContractor', description: 'The contractor company (no contact details)' })
class ProjectContractorSchema {
  @ApiProperty({ example: '0012345674901000', description: 'NPWP, 16 digits' }) npwp: string;
  @ApiProperty({ type: String, nullable: true, example: '9120001234567' }) nib: string | null;
  @ApiProperty({ example: 'CV Karya Sinjai Mandiri' }) name: string;
}

@ApiSchema({ name: 'ProjectEnrolment', description: 'The BPJS enrolment on record' })
class ProjectEnrolmentSchema {
  @ApiProperty({ enum: ['bpjs_api', 'branch_file', 'evidence'], description: 'Where it was learnt: the BPJS API, a branch file, or confirmed evidence' }) source: string;
  @ApiProperty({ example: '7307250000001', description: 'BPJS project number' }) projectNumber: string;
  @ApiProperty({ example: '73070001', description: "The company's BPJS registration number (NPP)" }) npp: string;
  @ApiProperty({ enum: ['ACTIVE', 'REGISTERED_UNPAID', 'ENDED'] }) status: string;
  @ApiProperty({ format: 'date', example: '2025-04-28' }) coveredFrom: string;
  @ApiProperty({ format: 'date', example: '2026-04-22' }) coveredTo: string;
}

@ApiSchema({ name: 'InstalmentOutstanding' })
class InstalmentOutstandingSchema {
  @ApiProperty({ ...MONEY, example: '1626351' }) amount: string;
  @ApiProperty({ format: 'date', example: '2025-10-24', description: 'The (amended) end date' }) dueBy: string;
}

@ApiSchema({ name: 'Project', description: 'A project as its procurement and compliance streams tell it; money as integer-rupiah strings' })
export class ProjectSchema {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '10080116000', description: "The source's project key" }) projectRef: string;
  @ApiProperty({ example: 'Rehabilitasi Jalan Poros Sinjai–Bulupoddo' }) name: string;
  @ApiProperty({ example: '73.07.06' }) regionCode: string;
  @ApiProperty({ type: ProjectAgencySchema }) agency: ProjectAgencySchema;
  @ApiProperty({ example: 'KONSTRUKSI' }) workType: string;
  @ApiProperty({ enum: FUNDING_SOURCES }) fundingSource: string;
  @ApiProperty({ type: 'integer', example: 2025 }) fiscalYear: number;
  @ApiProperty({ example: '027/SPK/PUPR-SJ/IV/2025' }) contractNumber: string;
  @ApiProperty({ format: 'date', example: '2025-04-21' }) contractDate: string;
  @ApiProperty({ type: ProjectContractorSchema }) contractor: ProjectContractorSchema;
  @ApiProperty({ ...MONEY, example: '2500000000' }) contractValue: string;
  @ApiProperty() valueIncludesVat: boolean;
  @ApiProperty({ format: 'date', example: '2025-04-28' }) startDate: string;
  @ApiProperty({ format: 'date', example: '2025-10-24' }) endDate: string;
  @ApiProperty({ type: String, format: 'date', nullable: true, example: '2026-04-22' }) maintenanceEndDate: string | null;
  @ApiProperty({ enum: ['UNREGISTERED', 'REGISTERED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'], example: 'REGISTERED' }) status: string;
  @ApiProperty({ enum: ['PENDING', 'COMPLIANT', 'NON_COMPLIANT', 'UNVERIFIABLE'], example: 'NON_COMPLIANT' }) complianceStatus: string;
  @ApiProperty({
    enum: ['ENROLMENT_MISSING', 'PREMIUM_SHORTFALL', 'COVERAGE_GAP', 'WORKERS_UNCOVERED', 'VERIFICATION_FAILED'],
    isArray: true,
    example: ['ENROLMENT_MISSING'],
  })
  reasons: string[];
  @ApiProperty({ ...MONEY, example: '3252703' }) premiumDue: string;
  @ApiProperty({ ...MONEY, example: '0' }) premiumPaid: string;
  @ApiProperty({ format: 'date', example: '2025-05-09', description: 'The last day to register with BPJS' }) registrationDeadline: string;
  @ApiProperty({ description: 'Counted across a year without holiday data (weekends only there): a holiday import may still move it' })
  registrationDeadlineProvisional: boolean;
  @ApiProperty({ type: ProjectEnrolmentSchema, nullable: true }) enrolment: ProjectEnrolmentSchema | null;
  @ApiProperty({ type: 'integer', example: 35, description: 'Workers on the latest roster' }) workersReported: number;
  @ApiProperty({ type: 'integer', example: 3 }) streamVersion: number;
  @ApiProperty({ type: 'integer', example: 2 }) complianceVersion: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastCheckedAt: string | null;
  @ApiProperty({
    type: InstalmentOutstandingSchema,
    nullable: true,
    description: 'Advisory: a participant paying in instalments still owes amount by dueBy; null when nothing is outstanding',
  })
  instalmentOutstanding: InstalmentOutstandingSchema | null;
}

@ApiSchema({ name: 'ReverificationRequested' })
export class ReverificationRequestedSchema {
  @ApiProperty({ format: 'uuid' }) projectId: string;
  @ApiProperty({ example: true, description: 'Always true' }) requested: boolean;
}

@ApiSchema({ name: 'DeadLetter' })
export class DeadLetterSchema {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'VERIFICATION_FAILED', description: 'VERIFICATION_FAILED (retryable), HELD_EVENT_EXPIRED or HELD_EVENT_REFUSED' }) kind: string;
  @ApiProperty({ example: 'verification' }) queue: string;
  @ApiProperty({ example: 'verify-0b6f4f5e-1' }) jobId: string;
  @ApiProperty({ format: 'uuid' }) projectId: string;
  @ApiProperty({ type: String, nullable: true, example: '73.07.06', description: 'Where the project was registered' }) regionCode: string | null;
  @ApiProperty({ example: 'bpjs_unavailable: the registry did not answer' }) reason: string;
  @ApiProperty({ type: 'integer', example: 8 }) attempts: number;
  @ApiProperty({ format: 'date-time' }) failedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) retriedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) retryJobId: string | null;
}

@ApiSchema({ name: 'DeadLetterList' })
export class DeadLetterListSchema {
  @ApiProperty({ type: [DeadLetterSchema], description: 'Newest first' }) items: DeadLetterSchema[];
}

@ApiSchema({ name: 'DeadLetterRetried' })
export class DeadLetterRetriedSchema {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: true, description: 'Always true' }) retried: boolean;
  @ApiProperty({ description: 'The new verification job' }) jobId: string;
}
