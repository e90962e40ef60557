/**
 * How long a process asked to stop (SIGTERM, SIGINT) may take before it exits anyway: below `docker compose down`'s
 * 10 s, so the process ends on its own terms rather than by SIGKILL.
 */
export const SHUTDOWN_GRACE_MS = 8_000;

/**
 * Bounds the shutdown: on the first SIGTERM or SIGINT, a timer (that keeps nothing alive) exits the process with code 1
 * once `graceMs` have passed. Closing a queue worker or a pool waits for Redis or PostgreSQL, and never settles when one
 * of them is already gone (`docker compose down` stops them all at once); what was in flight then is at least once
 * anyway: a job whose worker left runs again, a request without an answer is sent again. The graceful path, when it
 * finishes first, exits as before.
 */
export function exitAfterShutdownGrace(name: string, graceMs = SHUTDOWN_GRACE_MS): void {
  const arm = (signal: NodeJS.Signals) => {
    process.off('SIGTERM', arm);
    process.off('SIGINT', arm);
    setTimeout(() => {
      process.stderr.write(`sinergi ${name}: ${signal}: shutdown did not finish within ${graceMs / 1000} s (Redis or PostgreSQL unreachable?); exiting\n`);
      process.exit(1);
    }, graceMs).unref();
  };
  process.on('SIGTERM', arm);
  process.on('SIGINT', arm);
}
