import type { IncomingMessage } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { type Clock, type SinergiConfig, systemClock } from '@sinergi/common';
import { Logger } from 'nestjs-pino';
import { ApiModule } from '../api.module';
import { correlationIdOf } from './logging.module';
import { ProblemExceptionFilter } from './problem-exception.filter';

export const BODY_LIMIT_BYTES = 1024 * 1024;

/** Builds the API application (not yet listening): used by main, start:local and the end-to-end tests. */
export async function createHttpApp(config?: SinergiConfig, clock: Clock = systemClock): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: (req: IncomingMessage) => correlationIdOf(req),
    requestIdHeader: false,
    trustProxy: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(config, clock), adapter, {
    rawBody: true,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new ProblemExceptionFilter());
  app.getHttpAdapter().getInstance().addHook('onSend', async (req, reply, payload) => {
    reply.header('x-correlation-id', req.id);
    return payload;
  });
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Sinergi API')
      .setDescription('BPJS Ketenagakerjaan construction cover (Jakon) compliance: procurement ingest, verification, escalation, coverage, audit.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
