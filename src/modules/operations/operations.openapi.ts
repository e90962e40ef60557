import { ApiProperty, ApiSchema } from '@nestjs/swagger';

/** Response schemas of the operations API: parked events and connector rejects. */

@ApiSchema({ name: 'ParkedEventError' })
class ParkedEventErrorSchema {
  @ApiProperty({ example: 'DomainError' }) type: string;
  @ApiProperty({ type: String, nullable: true, example: 'unknown_region' }) code: string | null;
  @ApiProperty({ example: 'region 73.99 is not in the hierarchy' }) message: string;
}

@ApiSchema({ name: 'ParkedEvent', description: 'An event a consumer could not apply and set aside (it goes on with the next)' })
class ParkedEventSchema {
  @ApiProperty({ example: 'projection:coverage' }) consumer: string;
  @ApiProperty({ type: 'string', pattern: '^[0-9]+$', example: '1042' }) globalPosition: string;
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty({ example: 'project-0b6f4f5e-2c1d-4a51-9a3e-5f0c8c7d9e21' }) streamId: string;
  @ApiProperty({ example: 'ProjectRegistered' }) type: string;
  @ApiProperty({ type: String, nullable: true, example: '73.07.06' }) regionCode: string | null;
  @ApiProperty({ type: 'integer', example: 5 }) attempts: number;
  @ApiProperty({ type: ParkedEventErrorSchema }) error: ParkedEventErrorSchema;
  @ApiProperty({ format: 'date-time' }) parkedAt: string;
}

@ApiSchema({ name: 'ParkedEventList' })
export class ParkedEventListSchema {
  @ApiProperty({ type: [ParkedEventSchema] }) items: ParkedEventSchema[];
}

@ApiSchema({ name: 'ConnectorRejectError' })
class ConnectorRejectErrorSchema {
  @ApiProperty({ example: 'data.contractor.npwp' }) path: string;
  @ApiProperty({ example: 'invalid_npwp' }) code: string;
}

@ApiSchema({ name: 'ConnectorReject', description: 'A row a pull connector could not turn into an event, or whose event the ingest refused' })
class ConnectorRejectSchema {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'inaproc-d123' }) connector: string;
  @ApiProperty({ example: 'tender/tender-ekontrak-kontrak' }) endpoint: string;
  @ApiProperty({ type: 'integer', example: 2025 }) fiscalYear: number;
  @ApiProperty({ example: 'inaproc-d123-10080116000-kontrak', description: 'The event id it maps to, or unidentified-<digest>' }) rowKey: string;
  @ApiProperty({ type: String, nullable: true, example: '10080116000' }) sourceRef: string | null;
  @ApiProperty({ type: String, nullable: true }) eventId: string | null;
  @ApiProperty({ enum: ['UNMAPPABLE', 'REFUSED'] }) kind: string;
  @ApiProperty({ example: 'missing_npwp' }) reason: string;
  @ApiProperty({ type: 'integer', nullable: true, example: null, description: "The ingest's HTTP status for a refusal" }) status: number | null;
  @ApiProperty({ type: [ConnectorRejectErrorSchema] }) errors: ConnectorRejectErrorSchema[];
  @ApiProperty({ example: '73.07' }) regionCode: string;
  @ApiProperty({ type: 'integer', example: 1 }) timesSeen: number;
  @ApiProperty({ format: 'date-time' }) firstSeenAt: string;
  @ApiProperty({ format: 'date-time' }) lastSeenAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) resolvedAt: string | null;
}

@ApiSchema({ name: 'ConnectorRejectList' })
export class ConnectorRejectListSchema {
  @ApiProperty({ type: [ConnectorRejectSchema], description: 'Most recently seen first' }) items: ConnectorRejectSchema[];
}
