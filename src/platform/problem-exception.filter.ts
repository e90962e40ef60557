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

/** Maps any error to an RFC 9457 problem; the only place that knows HTTP status codes. */
export function toProblem(error: unknown): Problem {
  if (error instanceof ProblemError) return error.problem;
  if (error instanceof DomainError) return problemFromDomainError(error);
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
    sendProblem(reply, body, req.url);
  }
}

export function sendProblem(reply: FastifyReply, body: Problem, instance?: string): void {
  reply.status(body.status).header('content-type', PROBLEM_CONTENT_TYPE).send({ ...body, instance: instance?.split('?')[0] });
}
