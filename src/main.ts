import 'reflect-metadata';
import { ConfigError, loadConfig } from '@sinergi/common';
import { createApiApp } from './api';
import { exitAfterShutdownGrace } from './platform/shutdown-deadline';
import { startTracingFromConfig } from './platform/tracing';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`sinergi: invalid configuration: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  startTracingFromConfig(config, 'api');
  exitAfterShutdownGrace('api');
  const app = await createApiApp(config);
  await app.listen({ port: config.port, host: config.host });
}

void main();
