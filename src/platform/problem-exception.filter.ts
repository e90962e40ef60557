import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { DomainError, type Problem, problem, PROBLEM_CONTENT_TYPE, ProblemError, problemFromDomainError, safeError } from '@sinergi/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

const FASTIFY_ERRORS: Record<string, [number, string, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'payload_too_large', 'the request body is larger than 1 MiB'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type', 'send the body as application/json'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'invalid_json', 'the request body is empty'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid_json', 'the request body is not valid JSON'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'invalid_content_length', 'Content-Length does not match the body'],
};

const HTTP_CODES: Record<number, [string, string]> = {
  400: ['invalid_body', 'the request body could not be read as JSON'],
  404: ['not_found', 'no such resource'],
  405: ['method_not_allowed', 'method not allowed here'],
  413: ['payload_too_large', 'the request body is larger than 1 MiB'],
  415: ['unsupported_media_type', 'send the body as application/json'],
};

/** SQLSTATEs of a database that is restarting, down or out of connections (not of a bad statement). */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '53400']);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);

/**
 * Whether `error` says PostgreSQL is unreachable, restarting or out of connections (pg's, TypeORM's wrapper's, or the
 * socket's own), rather than that a statement failed: the client may send the request again.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown; driverError?: unknown }).driverError ?? (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08') || UNREACHABLE_CODES.has(code))) return true;
    if (typeof message === 'string' && /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/.test(message)) return true;
    if (e instanceof AggregateError && e.errors.some(isDatabaseUnavailable)) return true;
  }
  return false;
}

/** Seconds a client is asked to wait before sending a request again that the database could not take. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Maps any error to an RFC 9457 problem; the only place that knows HTTP status codes. */
export function toProblem(error: unknown): Problem {
  if (error instanceof ProblemError) return error.problem;
  if (error instanceof DomainError) return problemFromDomainError(error);
  if (isDatabaseUnavailable(error)) {
    return problem(
      503,
      'database_unavailable',
      'the database is unreachable or out of connections; the request may not have been recorded: send it again after the time in Retry-After (a repeat is recognised, never recorded twice)',
    );
  }
  if (error instanceof ThrottlerException) return problem(429, 'rate_limited', 'too many requests from this client; retry after the time in Retry-After');
  const fastify = error as { code?: string; statusCode?: number };
  if (fastify.code && FASTIFY_ERRORS[fastify.code]) {
    const [status, code, detail] = FASTIFY_ERRORS[fastify.code];
    return problem(status, code, detail);
  }
  if (error instanceof SyntaxError || fastify.code?.startsWith('FST_ERR_CTP')) {
    return problem(fastify.statusCode ?? 400, 'invalid_body', 'the request body could not be read');
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const [code, detail] = HTTP_CODES[status] ?? [`http_${status}`, error.message];
    return problem(status, code, detail);
  }
  return problem(500, 'internal_error', 'an unexpected error occurred; it has been logged');
}

@Catch()
export class ProblemExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const req = ctx.getRequest<FastifyRequest>();
    const body = toProblem(error);
    // Never the request body, its parameters or a database error's context: they can hold NIKs and names.
    if (body.status >= 500) this.logger.error({ err: safeError(error), reqId: req.id, path: req.routeOptions?.url }, 'request failed');
    if (body.code === 'database_unavailable') reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
    sendProblem(reply, body, req.url);
  }
}

export function sendProblem(reply: FastifyReply, body: Problem, instance?: string): void {
  reply.status(body.status).header('content-type', PROBLEM_CONTENT_TYPE).send({ ...body, instance: instance?.split('?')[0] });
}
