/**
 * How a refusal maps to the edge. Domain code never throws HTTP exceptions (CONTRIBUTING.md): it throws a
 * DomainError with a stable code, and the one exception filter turns the kind into a status.
 */
export type DomainErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'rate_limited'
  | 'unavailable';

export interface FieldError {
  path: string;
  code: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalid = (code: string, message: string, errors: FieldError[] = []) =>
  new DomainError('invalid', code, message, errors);
export const conflict = (code: string, message: string) => new DomainError('conflict', code, message);
export const forbidden = (code: string, message: string) => new DomainError('forbidden', code, message);
export const notFound = (code: string, message: string) => new DomainError('not_found', code, message);
export const unprocessable = (code: string, message: string) =>
  new DomainError('unprocessable', code, message);
