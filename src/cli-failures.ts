import { types } from 'node:util';
import { ConfigError, DomainError } from '@sinergi/common';

/**
 * A failure the CLI expects and can say in plain words (a missing setting, an unknown client, a database that does
 * not answer): printed as its message and `hint`, never as a stack trace.
 */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CliFailure';
  }
}

/** A command line the parser accepted that the command still cannot act on (e.g. `--year 20x5`). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Where the command was looking: named in messages about an unreachable or unprepared system. */
export interface FailureContext {
  databaseUrl?: string;
  redisUrl?: string;
  /** Whether the configuration came from a running `npm run start:local`. */
  fromLocalSystem?: boolean;
  /** The folder a running `start:local` would have left its runtime file in. */
  localDir?: string;
}

/** Hides the password of a connection URL. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.href;
  } catch {
    return '(an unreadable URL)';
  }
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused: nothing listens there',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved',
  ETIMEDOUT: 'no answer in time',
  EHOSTUNREACH: 'the host is unreachable',
  ECONNRESET: 'the connection was reset',
};

/** PostgreSQL error codes (SQLSTATE) a command can meet before it does anything. */
const POSTGRES_CODES: Record<string, (error: Error) => string> = {
  '28P01': () => 'the password was refused',
  '28000': (e) => `the login was refused (${e.message})`,
  '3D000': (e) => e.message,
  '57P03': () => 'the server is starting up or shutting down',
  '53300': () => 'the server has no free connection slots',
};

const codeOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

const isError = (error: unknown): error is Error => error instanceof Error || types.isNativeError(error);

/**
 * What went wrong, in lines for stderr: expected failures as one plain sentence and what to do; anything else as an
 * unexpected failure with its stack (a bug to report). `command` names the command in the first line.
 */
export function explainFailure(command: string, error: unknown, context: FailureContext = {}): { lines: string[]; expected: boolean } {
  const say = (message: string, ...hints: (string | undefined)[]) => ({
    lines: [`sinergi ${command}: ${message}`, ...hints.filter((h): h is string => !!h).map((h) => `  ${h}`)],
    expected: true,
  });
  if (error instanceof CliFailure) return say(error.message, error.hint);
  if (error instanceof UsageError) return { lines: [`error: ${error.message}`, `(run \`npm run cli -- ${command} --help\` for usage)`], expected: true };
  if (error instanceof ConfigError) {
    return say(
      `this command needs the system's configuration, and ${error.message}.`,
      context.fromLocalSystem
        ? 'The configuration came from the running `npm run start:local`; restart it, or set SINERGI_MODE to use your own environment.'
        : `No \`npm run start:local\` is running in ${context.localDir ?? '.local'} to take it from: start one, or set the variables (.env.example lists them, docs/operations.md explains them).`,
    );
  }
  if (error instanceof DomainError) {
    return { lines: [`sinergi ${command}: ${error.message}`, ...error.errors.map((e) => `  ${e.path ? `${e.path}: ` : ''}${e.message}`)], expected: true };
  }
  const network = networkFailure(error, context);
  if (network) return say(network.message, network.hint);
  const code = codeOf(error);
  if (isError(error) && code && POSTGRES_CODES[code]) {
    return say(`PostgreSQL at ${context.databaseUrl ? redactUrl(context.databaseUrl) : 'DATABASE_URL'} refused the connection: ${POSTGRES_CODES[code](error)}.`, 'Check DATABASE_URL.');
  }
  if (isError(error) && code === '42P01') {
    return say(
      `the database ${context.databaseUrl ? `at ${redactUrl(context.databaseUrl)} ` : ''}has no Sinergi schema yet (${error.message}).`,
      'Run `npm run cli -- migrate` first.',
    );
  }
  const path = (error as { path?: unknown } | null)?.path;
  if (isError(error) && typeof path === 'string' && code) {
    if (code === 'ENOENT') return say(`no such file: ${path}`);
    if (code === 'EISDIR') return say(`${path} is a folder, not a file`);
    if (code === 'EACCES' || code === 'EPERM') return say(`${path} cannot be opened: permission denied`);
  }
  if (error instanceof SyntaxError) return say(`a file is not valid JSON: ${error.message}`);
  const text = isError(error) ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  return { lines: [`sinergi ${command} failed unexpectedly (a bug; please report it with this output):`, ...text.split('\n').map((l) => `  ${l}`)], expected: false };
}

/** A connection that never opened: which service (by its configured address), and why, in words. */
function networkFailure(error: unknown, context: FailureContext): { message: string; hint: string } | null {
  const errors = error instanceof AggregateError ? [error, ...error.errors] : [error];
  const found = errors.find((e) => {
    const code = codeOf(e);
    return code !== undefined && code in NETWORK_CODES;
  }) as (Error & { code: string; address?: string; port?: number; hostname?: string }) | undefined;
  if (!found) return null;
  const why = NETWORK_CODES[found.code];
  const port = found.port ?? (error as { port?: number }).port;
  const where = found.address ? `${found.address}${port ? `:${port}` : ''}` : (found.hostname ?? '');
  const service = serviceAt(found, port, context);
  const local = context.fromLocalSystem ? 'the `npm run start:local` whose configuration this used may have stopped: start it again' : undefined;
  if (service === 'postgres') {
    return {
      message: `cannot reach PostgreSQL at ${redactUrl(context.databaseUrl!)} (${why}).`,
      hint: local ?? 'Is it running? DATABASE_URL names it; `npm run start:local` starts one for local work.',
    };
  }
  if (service === 'redis') {
    return { message: `cannot reach Redis at ${redactUrl(context.redisUrl!)} (${why}).`, hint: local ?? 'Is it running? REDIS_URL names it.' };
  }
  return { message: `cannot connect to ${where || 'a service'} (${why}).`, hint: local ?? 'Is the service it names running and reachable?' };
}

function serviceAt(error: { address?: string; hostname?: string }, port: number | undefined, context: FailureContext): 'postgres' | 'redis' | null {
  const matches = (url: string | undefined) => {
    if (!url) return false;
    try {
      const parsed = new URL(url);
      const defaultPort = parsed.protocol.startsWith('redis') ? '6379' : '5432';
      const samePort = port === undefined || String(port) === (parsed.port || defaultPort);
      const host = parsed.hostname.replace(/^\[|\]$/g, '');
      const sameHost = [error.address, error.hostname].some((h) => h === host) || (host === 'localhost' && ['127.0.0.1', '::1'].includes(error.address ?? ''));
      return samePort && (sameHost || error.address === undefined);
    } catch {
      return false;
    }
  };
  if (matches(context.databaseUrl)) return 'postgres';
  if (matches(context.redisUrl)) return 'redis';
  return null;
}
