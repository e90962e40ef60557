import { ValidationPipe } from '@nestjs/common';
import { invalid } from '../domain-error';
import { toFieldErrors } from './field-errors';

/**
 * Validates a request body against its DTO class, refusing unknown fields; a refusal is a 400 problem document
 * naming each failing path, the same `{ path, code, message }` shape the ingest API answers with.
 */
export const validatedBody = () =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => invalid('validation_failed', 'the request body is not valid', toFieldErrors(errors)),
  });
