import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { type Principal, withinRegionsSql } from '@sinergi/auth';

export const INBOX_ITEM_COLUMNS = `i.id, i.recipient_official_id, i.position, i.region_code, i.case_id, i.project_id, i.subject, i.body,
  i.created_at, i.read_at, to_json(i.created_at) #>> '{}' AS created_key`;

export interface InboxItemRow {
  id: string;
  recipient_official_id: string | null;
  position: string;
  region_code: string;
  case_id: string;
  project_id: string;
  subject: string;
  body: string;
  created_at: Date;
  read_at: Date | null;
  created_key: string;
}

/**
 * Which inbox items are the reader's (alias `i`): those addressed to the directory official whose sign-in is the
 * reader's subject, and the mailbox of the reader's position in the reader's regions (items addressed to no one
 * official). A position mailbox item for an agency reaches only a reader of that agency, or one whose token names none.
 */
export function addressedToReaderSql(reader: Principal, params: unknown[]): string {
  params.push(reader.sub);
  const bySubject = `i.recipient_official_id IN (SELECT o.id FROM officials o WHERE o.subject = $${params.length})`;
  if (reader.position === null) return `(${bySubject})`;
  params.push(reader.position);
  const position = `$${params.length}`;
  params.push(reader.agency);
  const agency = `$${params.length}::text`;
  const byPosition = `(i.recipient_official_id IS NULL AND i.position = ${position} AND ${withinRegionsSql('i.region_code', reader.regions, params)}
    AND (i.agency_code IS NULL OR ${agency} IS NULL OR i.agency_code = ${agency}))`;
  return `(${bySubject} OR ${byPosition})`;
}

export interface InboxItemView {
  id: string;
  /** OFFICIAL: addressed to the reader as a directory official; POSITION: to the mailbox of the reader's position. */
  addressedTo: 'OFFICIAL' | 'POSITION';
  position: string;
  regionCode: string;
  caseId: string;
  projectId: string;
  subject: string;
  body: string;
  createdAt: string;
  readAt: string | null;
}

export const toInboxItemView = (r: InboxItemRow): InboxItemView => ({
  id: r.id,
  addressedTo: r.recipient_official_id === null ? 'POSITION' : 'OFFICIAL',
  position: r.position,
  regionCode: r.region_code,
  caseId: r.case_id,
  projectId: r.project_id,
  subject: r.subject,
  body: r.body,
  createdAt: new Date(r.created_at).toISOString(),
  readAt: r.read_at === null ? null : new Date(r.read_at).toISOString(),
});

export class InboxItemDto implements InboxItemView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ['OFFICIAL', 'POSITION'] })
  addressedTo: 'OFFICIAL' | 'POSITION';

  @ApiProperty({ example: 'PPK' })
  position: string;

  @ApiProperty({ example: '73.07.05' })
  regionCode: string;

  @ApiProperty({ format: 'uuid' })
  caseId: string;

  @ApiProperty({ format: 'uuid' })
  projectId: string;

  @ApiProperty({ description: 'In Bahasa Indonesia' })
  subject: string;

  @ApiProperty({ description: 'In Bahasa Indonesia' })
  body: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  readAt: string | null;
}

export class InboxPageDto {
  @ApiProperty({ type: [InboxItemDto] })
  items: InboxItemDto[];

  @ApiPropertyOptional({ type: String, nullable: true })
  nextCursor: string | null;
}
