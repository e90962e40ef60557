import { ApiProperty, ApiSchema } from '@nestjs/swagger';

/** Who caused an event: a procurement client, a signed-in user or Sinergi itself. */
@ApiSchema({ name: 'EventActor' })
export class EventActorSchema {
  @ApiProperty({ enum: ['client', 'user', 'system'], example: 'user' }) kind: string;
  @ApiProperty({ example: 'kadis-pupr' }) id: string;
}

/** A free-form JSON object (an event's data, a document whose shape depends on its kind). */
export const ANY_OBJECT = { type: 'object', additionalProperties: true } as const;
