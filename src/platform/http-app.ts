import type { IncomingMessage } from 'node:http';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { type FieldError, problem, PROBLEM_CONTENT_TYPE } from '@sinergi/common';
import { findUnsafeJsonText } from '@sinergi/common/validation';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import { contextFrom, markError, type Span, SpanKind, startSpan, withActiveSpan } from '@sinergi/common/tracing';
import { correlationIdOf, logRequests } from './logging.module';
import { HttpShutdownState } from './http-shutdown.state';
import { requireJsonBodies } from './json-body';
import { SinergiMetrics } from './metrics';
import { buildOpenApiDocument } from './openapi/openapi-document';
import { SWAGGER_UI_OPTIONS } from './openapi/swagger-ui';
import { ProblemExceptionFilter, sendProblem } from './problem-exception.filter';

/** Routes whose body is checked per event (a batch answers a bad item alone), not as a whole. */
const PER_ITEM_BODIES = new Set(['/v1/procurement/events', '/v1/procurement/events/batch']);

/** NUL characters, lone surrogates and prototype keys in the path parameters, the query or the body. */
function unsafeRequestText(req: FastifyRequest): FieldError[] {
  const route = req.routeOptions?.url ?? '';
  return [
    ...findUnsafeJsonText(req.params ?? {}, ''),
    ...findUnsafeJsonText(req.query ?? {}, ''),
    ...(PER_ITEM_BODIES.has(route) ? [] : findUnsafeJsonText(req.body ?? null, '')),
  ];
}

export const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * A SERVER span per request (a no-op while tracing is off), continuing the caller's `traceparent`. It is made active
 * for the handler from preHandler on (after the body is read), so the events the request appends carry its trace.
 * Attributes: the method, the route template and the status; never the URL, its query, a header or the body.
 */
function traceRequests(app: NestFastifyApplication): void {
  const spans = new WeakMap<FastifyRequest, Span>();
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (req, _reply, done) => {
    const traceparent = req.headers.traceparent;
    spans.set(req, startSpan(req.method, { kind: SpanKind.SERVER, parent: contextFrom(Array.isArray(traceparent) ? traceparent[0] : traceparent), attributes: { 'http.request.method': req.method } }));
    done();
  });
  fastify.addHook('preHandler', (req, _reply, done) => {
    const span = spans.get(req);
    if (!span) return done();
    const route = req.routeOptions?.url;
    if (route) {
      span.updateName(`${req.method} ${route}`);
      span.setAttribute('http.route', route);
    }
    withActiveSpan(span, done);
  });
  fastify.addHook('onResponse', (req, reply, done) => {
    const span = spans.get(req);
    if (span) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) markError(span, { name: String(reply.statusCode) });
      span.end();
      spans.delete(req);
    }
    done();
  });
}

export interface HttpAppOptions {
  /** Routes the root module cannot declare (a foreign app under a path), added after the platform's own hooks. */
  readonly mount?: (app: NestFastifyApplication) => void;
}

/**
 * Builds an HTTP application (not yet listening) around `root`, the composition root the caller chooses: Fastify with
 * the body limit, correlation ids, problem documents for every error, metrics, graceful shutdown and the OpenAPI UI.
 */
export async function createHttpApp(root: DynamicModule, options: HttpAppOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: (req: IncomingMessage) => correlationIdOf(req),
    requestIdHeader: false,
    // Parsed as plain JSON (which never touches prototypes): a `__proto__` or `constructor` key is then refused
    // as an unknown field with its path, by the hook below or per item by the ingest validation.
    onProtoPoisoning: 'ignore',
    onConstructorPoisoning: 'ignore',
    trustProxy: true,
    // Fastify's own closing answer bypasses hooks; requests during shutdown are answered below instead.
    return503OnClosing: false,
    // The router refuses a path whose percent-encoding is not UTF-8 before any hook or filter runs, with Fastify's own
    // JSON quoting the URL: answer it as a problem document like every other error, without the URL (it may hold a NIK).
    frameworkErrors: (error: FastifyError, _req: FastifyRequest, reply: FastifyReply) => {
      sendProblem(reply, error.code === 'FST_ERR_BAD_URL' ? problem(400, 'invalid_url', 'the URL path is not valid percent-encoded UTF-8') : problem(400, 'bad_request', 'the request could not be routed'));
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(root, adapter, {
    rawBody: true,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new ProblemExceptionFilter());
  const shutdown = app.get(HttpShutdownState);
  const metrics = app.get(SinergiMetrics);
  traceRequests(app);
  logRequests(app.getHttpAdapter().getInstance());
  app.getHttpAdapter().getInstance().addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions?.url ?? 'unmatched';
    metrics.httpDuration.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  app.getHttpAdapter().getInstance().addHook('onRequest', async (req, reply) => {
    if (shutdown.closing) await reply.code(503).send();
  });
  requireJsonBodies(app.getHttpAdapter().getInstance());
  app.getHttpAdapter().getInstance().addHook('preValidation', async (req, reply) => {
    const errors = unsafeRequestText(req);
    if (errors.length) sendProblem(reply, problem(400, 'validation_failed', 'the request carries text that cannot be stored', errors), req.url);
  });
  app.getHttpAdapter().getInstance().addHook('onSend', async (req, reply, payload) => {
    reply.header('x-correlation-id', req.id);
    if (shutdown.closing) reply.header('connection', 'close');
    // The adapter answers 503 on its own while the server closes; keep every error a problem document.
    if (reply.statusCode === 503 && !String(reply.getHeader('content-type') ?? '').includes('problem')) {
      reply.header('content-type', PROBLEM_CONTENT_TYPE).header('retry-after', '5');
      return JSON.stringify(problem(503, 'shutting_down', 'this server is shutting down; retry the request'));
    }
    return payload;
  });
  options.mount?.(app);
  app.enableShutdownHooks();

  // The same document `npm run openapi` writes to openapi.json (src/openapi.ts).
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), SWAGGER_UI_OPTIONS);
  return app;
}
