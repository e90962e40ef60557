import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { OperationObject, ReferenceObject, ResponseObject } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from '@sinergi/common';
import { namedSchemas } from './named-schemas';
import { FieldErrorSchema, problemContent, ProblemSchema } from './problem.schema';
import { BEARER_SCHEME, PUBLIC_EXTENSION, SECURITY_SCHEMES } from './security';

const DESCRIPTION = [
  'BPJS Ketenagakerjaan construction cover (Jakon) compliance: procurement ingest, verification, escalation, coverage, audit.',
  '',
  'Procurement systems sign every request (X-Client-Id, X-Timestamp, X-Signature: see the security schemes); officials, auditors and',
  'admins send a bearer JWT. Every error is an RFC 9457 problem document (`application/problem+json`) with a stable `code` and the',
  'failing paths in `errors`. Request bodies are JSON: another Content-Type is refused with 415. Money is integer rupiah as a digit',
  'string. The full guide is docs/api.md in the repository.',
].join('\n');

/** Error answers that the platform gives on any route, whatever the controller says (components.responses). */
const COMMON_RESPONSES: Record<string, ResponseObject> = {
  BadRequest: {
    description:
      'The request is invalid: `validation_failed` (a parameter, the query or the body; `errors[]` names each path at fault), ' +
      '`invalid_json` (a body that is not JSON) or `invalid_query`',
    content: problemContent(),
  },
  Unauthenticated: {
    description: 'No credentials, or credentials that do not check out (`missing_token`, `invalid_token`, `missing_signature`, `invalid_signature`, `stale_timestamp`, `unknown_client`)',
    content: problemContent(),
  },
  Forbidden: { description: 'Authenticated, but not allowed this (`forbidden_role`, or outside the caller\'s regions)', content: problemContent() },
  PayloadTooLarge: { description: '`payload_too_large`: the body is larger than 1 MiB', content: problemContent() },
  UnsupportedMediaType: {
    description: '`unsupported_media_type`: the body is not sent as `Content-Type: application/json`',
    content: problemContent(),
  },
  InternalError: { description: '`internal_error`: an unexpected error, logged with the correlation id (X-Correlation-Id)', content: problemContent() },
  Unavailable: {
    description: '`shutting_down` (this server is stopping: retry, see Retry-After) or a dependency that does not answer',
    content: problemContent(),
  },
};

const ref = (name: keyof typeof COMMON_RESPONSES): ReferenceObject => ({ $ref: `#/components/responses/${name}` });

/** The API's OpenAPI document: what the app's controllers declare, finished by the platform's rules (finishDocument). */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder().setTitle('Sinergi API').setDescription(DESCRIPTION).setVersion('1').addServer('/', 'The server this document is served from');
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) builder.addSecurity(name, scheme);
  const document = SwaggerModule.createDocument(app, builder.build(), { extraModels: [ProblemSchema, FieldErrorSchema] });
  return finishDocument(document);
}

/**
 * Adds what holds for every route because the platform does it, not the controller: problem documents for every error
 * (the exception filter), 400 for any parameter, query or body (the validation and text hooks), 413 and 415 for
 * bodies (the body limit and the JSON-only rule), 401 / 403 where credentials are checked, 500 and 503 everywhere.
 */
export function finishDocument(document: OpenAPIObject): OpenAPIObject {
  document.info.license = { name: 'UNLICENSED: proprietary, not licensed for reuse' };
  delete (document.info as { contact?: unknown }).contact;
  document.components = {
    ...document.components,
    schemas: sortByName({ ...document.components?.schemas, ...namedSchemas() }),
    responses: { ...COMMON_RESPONSES, ...document.components?.responses },
  };
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (operation) finishOperation(operation);
    }
  }
  return document;
}

function finishOperation(operation: OperationObject): void {
  const extensions = operation as unknown as Record<string, unknown>;
  if (extensions[PUBLIC_EXTENSION]) {
    delete extensions[PUBLIC_EXTENSION];
    operation.security = [];
  }
  const responses = operation.responses;
  for (const [status, response] of Object.entries(responses)) {
    if (response && Number(status) >= 400 && !('$ref' in response)) {
      // The exception filter answers every error so: whatever a decorator said about the body is replaced.
      response.content = problemContent();
    }
  }
  const add = (status: string, name: keyof typeof COMMON_RESPONSES) => {
    if (!responses[status]) responses[status] = ref(name);
  };
  // The text hook checks parameters, query and body of every route, so any operation can answer 400.
  add('400', 'BadRequest');
  const security = operation.security ?? [];
  if (security.length > 0) add('401', 'Unauthenticated');
  if (security.some((requirement) => BEARER_SCHEME in requirement)) add('403', 'Forbidden');
  if (operation.requestBody) {
    add('413', 'PayloadTooLarge');
    add('415', 'UnsupportedMediaType');
  }
  add('500', 'InternalError');
  add('503', 'Unavailable');
  operation.responses = sortResponses(responses);
}

function sortByName<T>(entries: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(entries).sort(([a], [b]) => a.localeCompare(b)));
}

function sortResponses(responses: OperationObject['responses']): OperationObject['responses'] {
  return Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
}

/** openapi.json as committed: two-space JSON with a final newline. */
export function serializeOpenApiDocument(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

export { PROBLEM_CONTENT_TYPE };
