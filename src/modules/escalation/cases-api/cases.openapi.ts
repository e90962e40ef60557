import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { POSITIONS } from '@sinergi/auth';
import { ANY_OBJECT, EventActorSchema } from '../../../platform/openapi/common.schemas';
import { EscalationLevelSchema } from '../directory/directory.openapi';

/** Response schemas of GET /v1/cases/{id}, as GetCaseHandler answers (CaseDetail). */

@ApiSchema({ name: 'CaseLadder', description: 'The ladder version the case climbs, pinned when it opened' })
export class CaseLadderSchema {
  @ApiProperty({ example: '73.07' }) regionCode: string;
  @ApiProperty({ type: 'integer', example: 1 }) version: number;
  @ApiProperty({ type: [EscalationLevelSchema] }) levels: EscalationLevelSchema[];
}

@ApiSchema({ name: 'ActingOfficial' })
export class ActingOfficialSchema {
  @ApiProperty({ example: 'kadis-pupr', description: 'The JWT subject' }) sub: string;
  @ApiProperty({ type: String, enum: POSITIONS, nullable: true, example: 'KEPALA_DINAS' }) position: string | null;
}

@ApiSchema({ name: 'CaseAcknowledgement' })
export class CaseAcknowledgementSchema {
  @ApiProperty({ type: 'integer', example: 1 }) level: number;
  @ApiProperty({ type: ActingOfficialSchema }) by: ActingOfficialSchema;
  @ApiProperty({ example: 'Kontraktor sudah dihubungi; pendaftaran BPJS diproses minggu ini.' }) note: string;
  @ApiProperty({ format: 'date-time', example: '2025-05-20T02:00:00.000Z' }) acknowledgedAt: string;
}

@ApiSchema({ name: 'CaseNotification', description: 'A delivery of the case\'s notifications: no address, no name' })
export class CaseNotificationSchema {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['CASE_ESCALATED', 'PAYMENT_HOLD_RECOMMENDED', 'PAYMENT_HOLD_LIFTED'] }) kind: string;
  @ApiProperty({ enum: ['EMAIL', 'WEBHOOK', 'INBOX', 'WHATSAPP'] }) channel: string;
  @ApiProperty({ enum: ['OFFICIAL', 'CONTRACTOR', 'PPK', 'CLIENT'] }) recipientKind: string;
  @ApiProperty({ type: String, nullable: true, example: 'KEPALA_DINAS' }) position: string | null;
  @ApiProperty({ enum: ['PENDING', 'SENT', 'DELIVERED', 'READ', 'FAILED'] }) status: string;
  @ApiProperty({ type: 'integer', example: 1 }) attempts: number;
  @ApiProperty({ type: String, nullable: true, example: null }) lastErrorCode: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'WhatsApp: when the Cloud API accepted it' }) sentAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deliveredAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'WhatsApp: when it was reported read' }) readAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) failedAt: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'An e-mail sent because this WhatsApp notification was not read in time' })
  fallbackOf: string | null;
}

@ApiSchema({ name: 'CaseTimelineEntry' })
export class CaseTimelineEntrySchema {
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty({ type: 'integer', example: 1 }) version: number;
  @ApiProperty({ example: 'EscalationLevelReached', description: 'The case event type' }) type: string;
  @ApiProperty({ format: 'date-time', description: 'When it happened, as the event says' }) at: string;
  @ApiProperty({ format: 'date-time', description: 'When the log took it' }) recordedAt: string;
  @ApiProperty({ type: 'integer', nullable: true, example: 1, description: 'The level the case stood at once the event applied' }) level: number | null;
  @ApiProperty({ type: EventActorSchema }) actor: EventActorSchema;
  @ApiProperty({ ...ANY_OBJECT, description: 'What an official reading the case needs of the event; depends on type' }) details: Record<string, unknown>;
  @ApiProperty({ type: [CaseNotificationSchema] }) notifications: CaseNotificationSchema[];
}

@ApiSchema({ name: 'CaseDetail', description: 'One case folded from its stream, with its timeline and the deliveries it caused' })
export class CaseDetailSchema {
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ format: 'uuid' }) projectId: string;
  @ApiProperty({ example: '73.07.05' }) regionCode: string;
  @ApiProperty({ example: '1.03.0.00.0.00.01.0000' }) agencyCode: string;
  @ApiProperty({ enum: ['OPEN', 'RESOLVED', 'CLOSED', 'WAIVED'] }) status: string;
  @ApiProperty({ type: [String], example: ['ENROLMENT_MISSING'] }) reasons: string[];
  @ApiProperty({ type: CaseLadderSchema }) ladder: CaseLadderSchema;
  @ApiProperty({ type: 'integer', example: 1, description: 'The highest ladder level reached' }) currentLevel: number;
  @ApiProperty({ type: 'integer', isArray: true, example: [0, 1] }) reachedLevels: number[];
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) nextEscalationAt: string | null;
  @ApiProperty({ type: [CaseAcknowledgementSchema] }) acknowledgements: CaseAcknowledgementSchema[];
  @ApiProperty() acknowledgedAtCurrentLevel: boolean;
  @ApiProperty() paymentHold: boolean;
  @ApiProperty({ type: 'integer', isArray: true, example: [2] }) heldTermins: number[];
  @ApiProperty({ format: 'date-time' }) openedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) endedAt: string | null;
  @ApiProperty({ type: 'integer', example: 3, description: 'Version of the case stream' }) version: number;
  @ApiProperty({ type: [CaseTimelineEntrySchema] }) timeline: CaseTimelineEntrySchema[];
}
