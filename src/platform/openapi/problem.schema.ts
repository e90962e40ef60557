import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from '@sinergi/common';

/** One failing field of a refused request: the path into the body, query or parameters, a stable code and a message. */
@ApiSchema({ name: 'FieldError' })
export class FieldErrorSchema {
  @ApiProperty({ example: 'data.contractor.npwp', description: 'Dotted path to the value at fault ("" for the body as a whole)' })
  path: string;

  @ApiProperty({ example: 'invalid_npwp', description: 'Stable, machine-readable' })
  code: string;

  @ApiProperty({ example: 'npwp must be 15 or 16 digits' })
  message: string;
}

/** RFC 9457 problem details, as every error of the API is answered (`application/problem+json`). */
@ApiSchema({ name: 'Problem', description: 'RFC 9457 problem details with Sinergi\'s stable `code` and the failing paths in `errors`' })
export class ProblemSchema {
  @ApiProperty({ example: 'urn:sinergi:problem:validation_failed', description: '`urn:sinergi:problem:<code>`' })
  type: string;

  @ApiProperty({ example: 'Bad Request', description: 'The HTTP status phrase' })
  title: string;

  @ApiProperty({ example: 400, minimum: 400, maximum: 599, type: 'integer' })
  status: number;

  @ApiProperty({ example: 'the event is invalid', description: 'For people; may change' })
  detail: string;

  @ApiProperty({ example: 'validation_failed', description: 'Stable, machine-readable: branch on this' })
  code: string;

  @ApiProperty({ type: [FieldErrorSchema], description: 'The failing fields; empty when the refusal is not about a field' })
  errors: FieldErrorSchema[];

  @ApiPropertyOptional({ example: '/v1/procurement/events', description: 'The request path (without the query)' })
  instance?: string;
}

export const PROBLEM_SCHEMA_NAME = 'Problem';
export { PROBLEM_CONTENT_TYPE };

/** `content` of a response answered with a problem document. */
export const problemContent = () => ({ [PROBLEM_CONTENT_TYPE]: { schema: { $ref: `#/components/schemas/${PROBLEM_SCHEMA_NAME}` } } });
