import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfig, type SinergiConfig } from '@sinergi/common';
import { Logger } from 'nestjs-pino';
import { exitAfterShutdownGrace } from './platform/shutdown-deadline';
import { startTracingFromConfig } from './platform/tracing';
import { WorkerModule } from './worker.module';

/** Starts the worker; shutdown hooks close queue workers (finishing in-flight jobs) before the pool. */
export async function startWorker(config: SinergiConfig) {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
  app.get(Logger).log('worker started');
  return app;
}

if (require.main === module) {
  try {
    const config = loadConfig();
    startTracingFromConfig(config, 'worker');
    exitAfterShutdownGrace('worker');
    void startWorker(config);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`sinergi: invalid configuration: ${error.message}\n`);
    process.exit(78);
  }
}
