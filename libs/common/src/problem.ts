import { DomainError, type DomainErrorKind, type FieldError } from './domain-error';

/** RFC 9457 problem details, with Sinergi's stable `code` and the failing paths in `errors`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors: FieldError[];
  instance?: string;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const STATUS: Record<DomainErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const statusOfKind = (kind: DomainErrorKind): number => STATUS[kind];

export function problem(status: number, code: string, detail: string, errors: FieldError[] = []): Problem {
  return { type: `urn:sinergi:problem:${code}`, title: TITLES[status] ?? 'Error', status, detail, code, errors };
}

export function problemFromDomainError(error: DomainError): Problem {
  return problem(statusOfKind(error.kind), error.code, error.message, error.errors);
}

/** Carries a finished problem to the exception filter (e.g. a refused single ingest item). */
export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
    this.name = 'ProblemError';
  }
}
