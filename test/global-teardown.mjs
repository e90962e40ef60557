// Stops what global-setup.mjs started and removes its temporary directory.
import { rm } from 'node:fs/promises';

export default async function globalTeardown() {
  const state = globalThis.__SINERGI_TEST_SERVICES__;
  if (!state) return;
  globalThis.__SINERGI_TEST_SERVICES__ = undefined;
  await Promise.all([state.pg?.stop(), stopChild(state.redis)]);
  if (state.tempDir) await rm(state.tempDir, { recursive: true, force: true });
}

async function stopChild(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
