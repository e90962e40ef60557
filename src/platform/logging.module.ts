import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Module } from '@nestjs/common';
import { safeError, type SinergiConfig, SINERGI_CONFIG } from '@sinergi/common';
import { LoggerModule } from 'nestjs-pino';
import { localLogStream } from './local-log-stream';

const CORRELATION_HEADER = 'x-correlation-id';

/** Takes the caller's correlation id when it is a sane token, otherwise makes one. */
export function correlationIdOf(req: Pick<IncomingMessage, 'headers'>): string {
  const given = req.headers[CORRELATION_HEADER];
  const value = Array.isArray(given) ? given[0] : given;
  return value && /^[A-Za-z0-9._:-]{1,128}$/.test(value) ? value : randomUUID();
}

/**
 * Structured JSON logs; in local mode the same entries as short human-readable lines (local-log-stream.ts).
 * Request bodies and query strings are never logged: they may carry NIKs, names or NPWPs. Signatures and tokens
 * are redacted; errors are reduced to their kind and codes (safeError).
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
          autoLogging: { ignore: (req: IncomingMessage) => req.url?.startsWith('/health') ?? false },
        };
        return { pinoHttp: config.mode === 'local' ? [pinoHttp, localLogStream()] : pinoHttp };
      },
    }),
  ],
})
export class LoggingModule {}
