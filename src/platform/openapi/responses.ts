import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, getSchemaPath } from '@nestjs/swagger';
import { CSV_CONTENT_TYPE } from '@sinergi/common';

/** media types of the routes that stream or render text */
export const NDJSON_CONTENT_TYPE = 'application/x-ndjson';

/**
 * 200 with `type` as JSON, or the same data as CSV (`Accept: text/csv` or `?format=csv`): a header row, one row per
 * item, formula-safe. Use it instead of @ApiProduces, which would claim the JSON schema for the CSV too.
 */
export function ApiJsonOrCsvOkResponse(type: Type<unknown>, description: string, csvExample?: string): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(type),
    ApiOkResponse({
      description,
      content: {
        'application/json': { schema: { $ref: getSchemaPath(type) } },
        [CSV_CONTENT_TYPE.split(';')[0]]: { schema: { type: 'string', description: 'RFC 4180 CSV, UTF-8, CRLF line ends' }, ...(csvExample ? { example: csvExample } : {}) },
      },
    }),
  );
}
