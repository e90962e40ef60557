import { startBpjsSimulator } from './bpjs-simulator';

async function main(): Promise<void> {
  const port = Number(process.env.BPJS_SIMULATOR_PORT || 3999);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`BPJS_SIMULATOR_PORT must be a port number 0-65535, got "${process.env.BPJS_SIMULATOR_PORT}"`);
  }
  // BPJS_SIMULATOR_STATE_FILE keeps the enrolled projects across restarts (a JSON file, rewritten atomically).
  const stateFile = process.env.BPJS_SIMULATOR_STATE_FILE || undefined;
  const simulator = await startBpjsSimulator({ port, host: process.env.BPJS_SIMULATOR_HOST || '127.0.0.1', stateFile });
  console.log(
    `BPJS simulator listening on ${simulator.url}` +
      (stateFile ? ` (${simulator.projectCount()} project(s) kept in ${stateFile})` : ' (projects in memory only; BPJS_SIMULATOR_STATE_FILE keeps them)'),
  );
  const stop = () => {
    simulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('BPJS simulator failed to close', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
