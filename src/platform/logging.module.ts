import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Module } from '@nestjs/common';
import { safeError, type SinergiConfig, SINERGI_CONFIG } from '@sinergi/common';
import type { FastifyInstance } from 'fastify';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import { localLogStream } from './local-log-stream';

const CORRELATION_HEADER = 'x-correlation-id';

/** Takes the caller's correlation id when it is a sane token, otherwise makes one. */
export function correlationIdOf(req: Pick<IncomingMessage, 'headers'>): string {
  const given = req.headers[CORRELATION_HEADER];
  const value = Array.isArray(given) ? given[0] : given;
  return value && /^[A-Za-z0-9._:-]{1,128}$/.test(value) ? value : randomUUID();
}

/** Probes that come every few seconds from the orchestrator and the scraper: counted in the metrics, not logged. */
const UNLOGGED_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * One info line per HTTP request once its response is sent (docs/operations.md, Logs): the method, the route template
 * (`/v1/projects/:id`, `unmatched` for a 404; never the URL, whose query string can carry a name or a NIK), the
 * status, the time taken in ms and the correlation id; no header, no body.
 * Written from a Fastify hook rather than by pino-http's autoLogging: nestjs-pino's middleware does not run for this
 * app's requests (Fastify, Nest 12), so production wrote no request line at all.
 */
export function logRequests(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions?.url ?? 'unmatched';
    if (!UNLOGGED_ROUTES.has(route)) {
      // Flat fields: pino-http rebuilds whatever is logged under `req` and `res` from the raw request (its URL, query included).
      PinoLogger.root?.info(
        { method: req.method, route, statusCode: reply.statusCode, responseTime: Math.round(reply.elapsedTime), correlationId: req.id },
        'request completed',
      );
    }
    done();
  });
}

/**
 * Structured JSON logs; in local mode the same entries as short human-readable lines (local-log-stream.ts), one per
 * request (logRequests). Request bodies and query strings are never logged: they may carry NIKs, names or NPWPs.
 * Signatures, tokens and cookies are redacted; errors are reduced to their kind and codes (safeError).
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [SINERGI_CONFIG],
      useFactory: (config: SinergiConfig) => {
        const pinoHttp = {
          level: config.logLevel,
          genReqId: (req: IncomingMessage) => correlationIdOf(req),
          customAttributeKeys: { reqId: 'correlationId' },
          redact: ['req.headers.authorization', 'req.headers["x-signature"]', 'req.headers.cookie'],
          serializers: {
            req: (req: { id: string; method: string; url: string; headers: Record<string, string> }) => ({
              id: req.id,
              method: req.method,
              path: req.url?.split('?')[0],
              clientId: req.headers?.['x-client-id'],
            }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            // An error object logged anywhere keeps its kind and codes, never a database error's quoted values.
            err: (err: unknown) => (err instanceof Error ? safeError(err) : err),
          },
          // The request line is logRequests' (one per request, whether or not this middleware runs).
          autoLogging: false,
        };
        return { pinoHttp: config.mode === 'local' ? [pinoHttp, localLogStream()] : pinoHttp };
      },
    }),
  ],
})
export class LoggingModule {}
