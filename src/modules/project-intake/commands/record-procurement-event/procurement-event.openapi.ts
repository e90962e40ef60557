import type { Type } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import { namedSchema } from '../../../../platform/openapi/named-schemas';
import { ProblemSchema } from '../../../../platform/openapi/problem.schema';
import { DATA_DTO_BY_TYPE, PROCUREMENT_EVENT_TYPES } from './record-procurement-event.request.dto';

type EventType = (typeof PROCUREMENT_EVENT_TYPES)[number];

/** What every procurement event carries besides its type and data. */
class ProcurementEventEnvelopeSchema {
  @ApiProperty({ example: 'spse-7307-10080116000-1', description: "The source's unique id of this event: (client, eventId) is the idempotency key", maxLength: 200 })
  eventId: string;

  @ApiProperty({ example: '2025-04-23T08:00:00+08:00', description: 'When it happened in the source, ISO 8601 with offset' })
  occurredAt: string;

  @ApiProperty({ example: '10080116000', description: "The source's project key (SPSE tender code, RUP code …)", maxLength: 128 })
  projectRef: string;
}

/** One schema per event type, `type` fixed to its name and `data` that type's body: `ProjectRegisteredEvent` … */
function eventSchema(type: EventType): Type<unknown> {
  const schema = { [`${type}Event`]: class extends ProcurementEventEnvelopeSchema {} }[`${type}Event`];
  ApiProperty({ enum: [type], example: type, description: 'The event type: selects the shape of data' })(schema.prototype, 'type');
  ApiProperty({ type: DATA_DTO_BY_TYPE[type] })(schema.prototype, 'data');
  ApiSchema({ name: `${type}Event` })(schema);
  return schema;
}

/** The event schemas, by type; listed as extra models by the controller. */
export const PROCUREMENT_EVENT_SCHEMAS: Type<unknown>[] = PROCUREMENT_EVENT_TYPES.map(eventSchema);

/** A procurement event: a union discriminated by `type` (the value names the schema of `data`). */
export const PROCUREMENT_EVENT_REF = namedSchema('ProcurementEvent', {
  description: 'A procurement event; `type` says which one, and so the shape of `data`',
  oneOf: PROCUREMENT_EVENT_TYPES.map((type) => ({ $ref: getSchemaPath(`${type}Event`) })),
  discriminator: {
    propertyName: 'type',
    mapping: Object.fromEntries(PROCUREMENT_EVENT_TYPES.map((type) => [type, getSchemaPath(`${type}Event`)])),
  },
});

@ApiSchema({ name: 'ProcurementEventBatch' })
export class ProcurementEventBatchSchema {
  @ApiProperty({ type: 'array', items: PROCUREMENT_EVENT_REF, minItems: 1, maxItems: 500, description: 'Answered one by one, in this order' })
  events: unknown[];
}

@ApiSchema({ name: 'ProcurementEventAccepted', description: 'A recorded event; or a held one (held: true, without streamVersion and position)' })
export class ProcurementEventAcceptedSchema {
  @ApiProperty({ format: 'uuid', example: '0b6f4f5e-2c1d-4a51-9a3e-5f0c8c7d9e21' }) projectId: string;
  @ApiProperty({ example: 'spse-7307-10080116000-1' }) eventId: string;
  @ApiPropertyOptional({ type: 'integer', example: 1, description: "The event's version in the project's stream (absent when held)" }) streamVersion?: number;
  @ApiPropertyOptional({ type: 'integer', example: 1042, description: 'The global position in the log (absent when held)' }) position?: number;
  @ApiPropertyOptional({ description: 'true when this answers a repeat of an already accepted event' }) duplicate?: boolean;
  @ApiPropertyOptional({ description: 'true when the project is not registered yet and the event is held until it is' }) held?: boolean;
}

@ApiSchema({ name: 'ProcurementEventBatchAccepted', description: 'An item of a batch that was recorded (202), held (202) or already recorded (200)' })
export class ProcurementEventBatchAcceptedSchema extends ProcurementEventAcceptedSchema {
  @ApiProperty({ type: 'integer', enum: [200, 202], example: 202, description: 'What the single-event route would have answered' }) status: number;
}

@ApiSchema({ name: 'ProcurementEventBatchResult' })
@ApiExtraModels(ProcurementEventBatchAcceptedSchema, ProblemSchema)
export class ProcurementEventBatchResultSchema {
  @ApiProperty({
    type: 'array',
    description: 'One per event, in the order sent: an accepted item, or the problem the single-event route would have answered (status 4xx)',
    items: { oneOf: [{ $ref: getSchemaPath(ProcurementEventBatchAcceptedSchema) }, { $ref: getSchemaPath(ProblemSchema) }] },
  })
  results: (ProcurementEventBatchAcceptedSchema | ProblemSchema)[];
}
