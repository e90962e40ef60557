import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions, ApiExtraModels, getSchemaPath } from '@nestjs/swagger';
import { IsIsoDate, IsKnownRegion, IsNik, IsNpwp, IsRegionCode, IsRupiah, MAX_CONTRACT_VALUE, NestedDto } from '@sinergi/common/validation';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsNotEmptyObject,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { FUNDING_SOURCES } from '../../construction-project.events';

const TEXT = 500;
const DATE_TIME = { strict: true, strictSeparator: true } as const;
/** A date, or a date-time that says its offset: a bare local time would be read in the server's zone. */
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;
/** Money on the wire: a positive integer rupiah in canonical form, at most Rp 1.000 triliun. */
const CONTRACT_VALUE_SCHEMA: ApiPropertyOptions = {
  example: '2500000000',
  description: `Integer rupiah, 1 to ${MAX_CONTRACT_VALUE} (Rp 1.000 triliun), as a digit string without leading zeros or a safe integer`,
  oneOf: [{ type: 'string', pattern: '^[1-9][0-9]{0,15}$' }, { type: 'integer', minimum: 1, maximum: Number(MAX_CONTRACT_VALUE) }],
};
const OFFSET_MESSAGE = { message: '$property must be a date, or a date-time with its offset (e.g. +08:00)' };

export class AgencyDto {
  @ApiProperty({ example: '1.03.0.00.0.00.01.0000', description: 'The agency (satker / SKPD) code in the source system' })
  @IsString() @IsNotEmpty() @MaxLength(64)
  code: string;

  @ApiProperty({ example: 'Dinas Pekerjaan Umum dan Penataan Ruang' })
  @IsString() @IsNotEmpty() @MaxLength(TEXT)
  name: string;
}

export class ContractorDto {
  @ApiProperty({ example: '0012345674901000', description: 'NPWP, 16 digits (15-digit old form accepted and normalised)' })
  @IsNpwp()
  npwp: string;

  @ApiPropertyOptional({ example: '9120001234567', description: 'NIB, 13 digits' })
  @IsOptional() @Matches(/^\d{13}$/, { message: 'nib must be 13 digits' })
  nib?: string;

  @ApiProperty({ example: 'CV Karya Sinjai Mandiri' })
  @IsString() @IsNotEmpty() @MaxLength(TEXT)
  name: string;

  @ApiPropertyOptional({ example: 'kontak@karyasinjai.co.id' })
  @IsOptional() @IsEmail() @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ example: '+6281234567890' })
  @IsOptional() @Matches(/^\+?[0-9 ()-]{6,20}$/, { message: 'phone must be a telephone number' })
  phone?: string;

  @ApiPropertyOptional({ example: true, description: 'The contractor agreed to escalation notices by WhatsApp at phone (a mobile number)' })
  @IsOptional() @IsBoolean()
  whatsappOptIn?: boolean;
}

export class PpkDto {
  @ApiPropertyOptional({ example: '198001012005011001', description: 'NIP, 18 digits' })
  @IsOptional() @Matches(/^\d{18}$/, { message: 'nip must be 18 digits' })
  nip?: string;

  @ApiProperty({ example: 'Ir. Andi Baso' })
  @IsString() @IsNotEmpty() @MaxLength(TEXT)
  name: string;

  @ApiPropertyOptional({ example: 'ppk.pupr@sinjaikab.go.id' })
  @IsOptional() @IsEmail() @MaxLength(254)
  email?: string;
}

export class ProjectRegisteredDataDto {
  @ApiProperty({ example: 'Rehabilitasi Jalan Poros Sinjai–Bulupoddo' })
  @IsString() @IsNotEmpty() @MaxLength(TEXT)
  name: string;

  @ApiProperty({ type: AgencyDto })
  @NestedDto(() => AgencyDto) @IsNotEmptyObject()
  agency: AgencyDto;

  @ApiProperty({ example: '73.07.05', description: 'Kemendagri region code, regency or finer, that exists in the vendored hierarchy (unknown_region otherwise)' })
  @IsRegionCode({ minLevel: 'regency' }) @IsKnownRegion()
  regionCode: string;

  @ApiProperty({ example: 'KONSTRUKSI', description: 'Work type as the source names it (construction, supervision, planning …)' })
  @IsString() @IsNotEmpty() @MaxLength(64)
  workType: string;

  @ApiProperty({ enum: FUNDING_SOURCES })
  @IsIn(FUNDING_SOURCES)
  fundingSource: string;

  @ApiProperty({ example: 2025 })
  @IsInt() @Min(2000) @Max(2100)
  fiscalYear: number;

  @ApiProperty({ example: '027/SPK/PUPR-SJ/IV/2025' })
  @IsString() @IsNotEmpty() @MaxLength(128)
  contractNumber: string;

  @ApiProperty({ example: '2025-04-21', description: 'The SPK (contract) date' })
  @IsIsoDate()
  contractDate: string;

  @ApiProperty(CONTRACT_VALUE_SCHEMA)
  @IsRupiah({ min: 1n })
  contractValue: string | number;

  @ApiPropertyOptional({ default: true, description: 'Whether contractValue includes VAT (PPN)' })
  @IsOptional() @IsBoolean()
  valueIncludesVat?: boolean;

  @ApiProperty({ example: '2025-04-28' })
  @IsIsoDate()
  startDate: string;

  @ApiProperty({ example: '2025-10-24' })
  @IsIsoDate()
  endDate: string;

  @ApiPropertyOptional({ example: '2026-04-22' })
  @IsOptional() @IsIsoDate()
  maintenanceEndDate?: string;

  @ApiProperty({ type: ContractorDto })
  @NestedDto(() => ContractorDto) @IsNotEmptyObject()
  contractor: ContractorDto;

  @ApiProperty({ type: PpkDto })
  @NestedDto(() => PpkDto) @IsNotEmptyObject()
  ppk: PpkDto;

  @ApiPropertyOptional({ example: 35 })
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000)
  estimatedWorkers?: number;
}

export class ContractAmendedDataDto {
  @ApiProperty({ example: 'ADD-01/PUPR-SJ/2025' })
  @IsString() @IsNotEmpty() @MaxLength(128)
  addendumNumber: string;

  @ApiPropertyOptional({ ...CONTRACT_VALUE_SCHEMA, example: '2750000000' } as ApiPropertyOptions)
  @IsOptional() @IsRupiah({ min: 1n })
  contractValue?: string | number;

  @ApiPropertyOptional({ example: '2025-11-30' })
  @IsOptional() @IsIsoDate()
  endDate?: string;

  @ApiPropertyOptional({ example: '2026-05-30' })
  @IsOptional() @IsIsoDate()
  maintenanceEndDate?: string;

  @ApiProperty({ example: 'Pekerjaan tambah kurang (CCO)' })
  @IsString() @IsNotEmpty() @MaxLength(2000)
  reason: string;
}

export class WorkerDto {
  @ApiProperty({ example: '7307051203850002', description: 'NIK, 16 digits' })
  @IsNik()
  nik: string;

  @ApiProperty({ example: 'Baharuddin' })
  @IsString() @IsNotEmpty() @MaxLength(TEXT)
  name: string;

  @ApiPropertyOptional({ example: 'TUKANG_BATU' })
  @IsOptional() @IsString() @MaxLength(64)
  role?: string;

  @ApiPropertyOptional({ example: '2025-05-01' })
  @IsOptional() @IsIsoDate()
  startDate?: string;

  @ApiPropertyOptional({ example: '2025-10-24' })
  @IsOptional() @IsIsoDate()
  endDate?: string;
}

/** The longest roster one WorkersReported may carry. */
export const MAX_ROSTER = 5000;

export class WorkersReportedDataDto {
  @ApiProperty({ example: '2025-05-31' })
  @IsIsoDate()
  asOf: string;

  @ApiProperty({ type: [WorkerDto], maxItems: MAX_ROSTER })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_ROSTER) @NestedDto(() => WorkerDto, { each: true })
  workers: WorkerDto[];
}

export class WorkStartedDataDto {
  @ApiProperty({ example: '2025-04-28T07:30:00+08:00', description: 'ISO 8601 date or date-time with offset' })
  @IsISO8601(DATE_TIME) @Matches(WITH_OFFSET, OFFSET_MESSAGE)
  startedAt: string;
}

export class PaymentRequestedDataDto {
  @ApiProperty({ example: 1 })
  @IsInt() @Min(1) @Max(100)
  terminNumber: number;

  @ApiProperty({ ...CONTRACT_VALUE_SCHEMA, example: '750000000', description: 'Integer rupiah requested in this termin, 1 to 10^15' } as ApiPropertyOptions)
  @IsRupiah({ min: 1n })
  amount: string | number;

  @ApiProperty({ example: '2025-06-15T10:00:00+08:00' })
  @IsISO8601(DATE_TIME) @Matches(WITH_OFFSET, OFFSET_MESSAGE)
  requestedAt: string;
}

export class ProjectCompletedDataDto {
  @ApiProperty({ example: '2025-10-20T09:00:00+08:00', description: 'Hand-over (BAST) time' })
  @IsISO8601(DATE_TIME) @Matches(WITH_OFFSET, OFFSET_MESSAGE)
  completedAt: string;
}

export class ProjectCancelledDataDto {
  @ApiProperty({ example: 'Pemutusan kontrak' })
  @IsString() @IsNotEmpty() @MaxLength(2000)
  reason: string;
}

export const DATA_DTO_BY_TYPE = {
  ProjectRegistered: ProjectRegisteredDataDto,
  ContractAmended: ContractAmendedDataDto,
  WorkersReported: WorkersReportedDataDto,
  WorkStarted: WorkStartedDataDto,
  PaymentRequested: PaymentRequestedDataDto,
  ProjectCompleted: ProjectCompletedDataDto,
  ProjectCancelled: ProjectCancelledDataDto,
} as const;

/** The event types a procurement system may post (the project stream also holds events Sinergi records itself). */
export const PROCUREMENT_EVENT_TYPES = Object.keys(DATA_DTO_BY_TYPE) as (keyof typeof DATA_DTO_BY_TYPE)[];

@ApiExtraModels(...Object.values(DATA_DTO_BY_TYPE))
export class ProcurementEventRequestDto {
  @ApiProperty({ example: 'spse-7307-10080116000-1', description: "The source's unique id of this event: (client, eventId) is the idempotency key" })
  @IsString() @IsNotEmpty() @MaxLength(200) @Matches(/^[\x21-\x7e]+$/, { message: 'eventId must be printable ASCII without spaces' })
  eventId: string;

  @ApiProperty({ enum: PROCUREMENT_EVENT_TYPES })
  @IsIn(PROCUREMENT_EVENT_TYPES)
  type: string;

  @ApiProperty({ example: '2025-04-23T08:00:00+08:00', description: 'When it happened in the source, ISO 8601 with offset' })
  @IsISO8601(DATE_TIME) @Matches(WITH_OFFSET, OFFSET_MESSAGE)
  occurredAt: string;

  @ApiProperty({ example: '10080116000', description: "The source's project key (SPSE tender code, RUP code …)" })
  @IsString() @IsNotEmpty() @MaxLength(128) @Matches(/^[\x21-\x7e]+$/, { message: 'projectRef must be printable ASCII without spaces' })
  projectRef: string;

  @ApiProperty({ description: 'Depends on type', oneOf: Object.values(DATA_DTO_BY_TYPE).map((m) => ({ $ref: getSchemaPath(m) })) })
  @IsObject()
  data: Record<string, unknown>;
}

export class ProcurementEventBatchRequestDto {
  @ApiProperty({ type: [ProcurementEventRequestDto], maxItems: 500 })
  events: unknown[];
}

export class ProcurementEventAcceptedDto {
  @ApiProperty({ format: 'uuid' }) projectId: string;
  @ApiProperty() eventId: string;
  @ApiProperty() streamVersion: number;
  @ApiProperty() position: number;
  @ApiPropertyOptional({ description: 'true when this answers a repeat of an already accepted event' }) duplicate?: boolean;
  @ApiPropertyOptional({ description: 'true when the project is not registered yet and the event is held until it is (then no streamVersion or position)' }) held?: boolean;
}
