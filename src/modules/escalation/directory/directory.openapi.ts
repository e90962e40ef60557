import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { POSITIONS } from '@sinergi/auth';

/** Response schemas of the escalation directory (officials, ladders), as the handlers answer them. */

@ApiSchema({ name: 'Official', description: 'An entry of the officials directory; never with its webhook secret' })
export class OfficialSchema {
  @ApiProperty({ format: 'uuid', example: '5f1b7c9e-3a2d-4e8f-9b6a-1c2d3e4f5a6b' }) id: string;
  @ApiProperty({ example: 'Contoh Sekretaris Daerah' }) name: string;
  @ApiProperty({ enum: POSITIONS, example: 'SEKDA' }) position: string;
  @ApiProperty({ example: '73.07', description: 'Region-code prefix the official answers for' }) regionScope: string;
  @ApiProperty({ type: String, nullable: true, example: '1.03.0.00.0.00.01.0000', description: 'Agency (SKPD) code, for heads of agency' }) agencyCode: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'sekda@sinjaikab.example' }) email: string | null;
  @ApiProperty({ type: String, nullable: true, example: '+6281234567890', description: 'E.164' }) whatsapp: string | null;
  @ApiProperty({ example: false }) whatsappOptIn: boolean;
  @ApiProperty({ type: String, nullable: true, example: 'https://hooks.example.org/sinergi' }) webhookUrl: string | null;
  @ApiProperty({ example: true }) hasWebhookSecret: boolean;
  @ApiProperty({ type: String, nullable: true, example: 'sekda-sinjai', description: "The JWT subject of the official's sign-in" }) subject: string | null;
  @ApiProperty({ example: true }) active: boolean;
  @ApiProperty({ format: 'date-time', example: '2025-04-01T02:00:00.000Z' }) createdAt: string;
  @ApiProperty({ format: 'date-time', example: '2025-04-01T02:00:00.000Z' }) updatedAt: string;
}

@ApiSchema({ name: 'OfficialWithSecret', description: 'The official, plus its webhook signing secret when one was just generated' })
export class OfficialWithSecretSchema extends OfficialSchema {
  @ApiPropertyOptional({
    example: 'kZ3v9yJm0cQ7pXb2WnR5tHs8LdF1aGe4uVo6iKj-TqE',
    description:
      'Shown in this answer only: the key of the webhooks to this official (Standard Webhooks: whsec_ + base64 of these bytes, or this string as a raw key)',
  })
  webhookSecret?: string;
}

@ApiSchema({ name: 'OfficialList' })
export class OfficialListSchema {
  @ApiProperty({ type: [OfficialSchema] }) items: OfficialSchema[];
}

@ApiSchema({ name: 'EscalationLevel' })
export class EscalationLevelSchema {
  @ApiProperty({ type: 'integer', minimum: 0, example: 0, description: '0 for the first level, then 1, 2, … in order' }) level: number;
  @ApiProperty({ enum: POSITIONS, isArray: true, example: ['CONTRACTOR', 'PPK'] }) recipients: string[];
  @ApiProperty({ type: String, nullable: true, example: 'P3D', description: 'ISO-8601 duration (days, weeks or time); null on the last level' })
  waitBeforeNext: string | null;
}

@ApiSchema({ name: 'Ladder', description: 'A version of a region\'s escalation ladder' })
export class LadderSchema {
  @ApiProperty({ example: '73.07', description: 'The region the ladder belongs to' }) regionCode: string;
  @ApiProperty({ type: 'integer', example: 2 }) version: number;
  @ApiProperty({ type: [EscalationLevelSchema] }) levels: EscalationLevelSchema[];
  @ApiProperty({ example: '73.07.05', description: 'The region asked about' }) appliesTo: string;
  @ApiProperty({ example: true, description: 'The ladder belongs to an ancestor of appliesTo' }) inherited: boolean;
  @ApiProperty({ format: 'date-time', example: '2025-04-01T02:00:00.000Z' }) createdAt: string;
  @ApiProperty({ type: String, nullable: true, example: 'admin-sinjai' }) createdBy: string | null;
}

@ApiSchema({ name: 'LadderVersions' })
export class LadderVersionsSchema {
  @ApiProperty({ example: '73.07' }) regionCode: string;
  @ApiProperty({ type: [LadderSchema], description: 'Oldest first' }) items: LadderSchema[];
}

@ApiSchema({ name: 'SetLadderRequest' })
export class SetLadderRequestSchema {
  @ApiProperty({ type: [EscalationLevelSchema], minItems: 1 }) levels: EscalationLevelSchema[];
}
