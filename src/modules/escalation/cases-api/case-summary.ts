import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Pool, PoolClient } from 'pg';
import type { CaseStatus } from '../case-decider/escalation-case.decider';

/** Columns of `escalation_cases` a summary needs; `opened_key` is the keyset time with PostgreSQL's full precision. */
export const CASE_SUMMARY_COLUMNS = `case_id, project_id, region_code, agency_code, status, reasons, current_level, next_escalation_at,
  ladder_region_code, ladder_version, held_termins, acknowledged_level, opened_at, ended_at, stream_version,
  to_json(opened_at) #>> '{}' AS opened_key`;

export interface CaseSummaryRow {
  case_id: string;
  project_id: string;
  region_code: string;
  agency_code: string;
  status: CaseStatus;
  reasons: string[];
  current_level: number;
  next_escalation_at: Date | null;
  ladder_region_code: string;
  ladder_version: number;
  held_termins: number[];
  acknowledged_level: number | null;
  opened_at: Date;
  ended_at: Date | null;
  stream_version: number;
  opened_key: string;
}

/** A case as the officials' list shows it (`escalation_cases`). */
export interface CaseSummary {
  caseId: string;
  projectId: string;
  regionCode: string;
  agencyCode: string;
  status: CaseStatus;
  reasons: string[];
  currentLevel: number;
  nextEscalationAt: string | null;
  acknowledgedAtCurrentLevel: boolean;
  paymentHold: boolean;
  heldTermins: number[];
  ladder: { regionCode: string; version: number };
  openedAt: string;
  endedAt: string | null;
  version: number;
}

const iso = (value: Date | null) => (value === null ? null : new Date(value).toISOString());

export function toCaseSummary(row: CaseSummaryRow): CaseSummary {
  return {
    caseId: row.case_id,
    projectId: row.project_id,
    regionCode: row.region_code,
    agencyCode: row.agency_code,
    status: row.status,
    reasons: row.reasons,
    currentLevel: row.current_level,
    nextEscalationAt: iso(row.next_escalation_at),
    acknowledgedAtCurrentLevel: row.acknowledged_level !== null && row.acknowledged_level === row.current_level,
    paymentHold: row.held_termins.length > 0,
    heldTermins: row.held_termins,
    ladder: { regionCode: row.ladder_region_code, version: row.ladder_version },
    openedAt: iso(row.opened_at)!,
    endedAt: iso(row.ended_at),
    version: row.stream_version,
  };
}

/** The read-model row of one case, or null when it has none yet. */
export async function findCaseSummary(db: Pool | PoolClient, caseId: string): Promise<CaseSummary | null> {
  const { rows } = await db.query<CaseSummaryRow>(`SELECT ${CASE_SUMMARY_COLUMNS} FROM escalation_cases WHERE case_id = $1`, [caseId]);
  return rows.length ? toCaseSummary(rows[0]) : null;
}

class LadderRefDto {
  @ApiProperty({ example: '73.07' })
  regionCode: string;

  @ApiProperty({ example: 1 })
  version: number;
}

export class CaseSummaryDto implements CaseSummary {
  @ApiProperty({ format: 'uuid' })
  caseId: string;

  @ApiProperty({ format: 'uuid' })
  projectId: string;

  @ApiProperty({ example: '73.07.05' })
  regionCode: string;

  @ApiProperty({ example: '1.03.0.00.0.00.01.0000' })
  agencyCode: string;

  @ApiProperty({ enum: ['OPEN', 'RESOLVED', 'CLOSED', 'WAIVED'] })
  status: CaseStatus;

  @ApiProperty({ type: [String], example: ['ENROLMENT_MISSING'] })
  reasons: string[];

  @ApiProperty({ example: 0, description: 'The highest ladder level reached' })
  currentLevel: number;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'When the case climbs unless it ends first; null on the last level and once ended' })
  nextEscalationAt: string | null;

  @ApiProperty({ description: 'Whether an official acknowledged the current level' })
  acknowledgedAtCurrentLevel: boolean;

  @ApiProperty({ description: 'Whether a payment (termin) is held' })
  paymentHold: boolean;

  @ApiProperty({ type: [Number], example: [2] })
  heldTermins: number[];

  @ApiProperty({ type: LadderRefDto, description: 'The ladder version the case climbs (pinned when it opened)' })
  ladder: { regionCode: string; version: number };

  @ApiProperty({ format: 'date-time' })
  openedAt: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  endedAt: string | null;

  @ApiProperty({ description: 'Version of the case stream this summary reflects' })
  version: number;
}

export class CaseListDto {
  @ApiProperty({ type: [CaseSummaryDto] })
  items: CaseSummaryDto[];

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page' })
  nextCursor: string | null;
}
