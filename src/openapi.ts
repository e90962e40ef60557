import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { loadConfig } from '@sinergi/common';
import { ApiModule } from './api.module';
import { buildOpenApiDocument } from './platform/openapi/openapi-document';

/**
 * The API's OpenAPI document without PostgreSQL or Redis: the composition root in Nest's preview mode (modules and
 * controllers are read, no provider is created), so `npm run openapi` runs on a machine with nothing started. The
 * running API serves the same document at /docs-json (test/openapi.e2e.spec.ts compares both with openapi.json).
 */
export async function createApiDocument(): Promise<OpenAPIObject> {
  // Never used to connect: preview mode creates no provider. Only the shape of the configuration is needed.
  const config = loadConfig({
    SINERGI_MODE: 'test',
    SECRETS_KEY: '00'.repeat(32),
    JWT_SECRET: 'openapi-document-only',
    DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused',
    REDIS_URL: 'redis://127.0.0.1:1',
    LOG_LEVEL: 'silent',
  });
  const app = await NestFactory.create(ApiModule.forRoot(config), new FastifyAdapter(), { preview: true, logger: false, abortOnError: false });
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}
