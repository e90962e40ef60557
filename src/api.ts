import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type Clock, type SinergiConfig, systemClock } from '@sinergi/common';
import { ApiModule } from './api.module';
import { mountConsole } from './modules/console/console-http';
import { createHttpApp } from './platform/http-app';

/**
 * The API process's application, not yet listening: the composition root (ApiModule) on the HTTP platform, with
 * the console's identity provider mounted. main, start:local and the end-to-end tests build it here.
 */
export function createApiApp(config?: SinergiConfig, clock: Clock = systemClock): Promise<NestFastifyApplication> {
  return createHttpApp(ApiModule.forRoot(config, clock), { mount: mountConsole });
}
