/** What of an error may be logged: its kind, codes and where it was thrown, never the data it was about. */
export interface SafeError {
  type: string;
  /** PostgreSQL's SQLSTATE, or Node's / a library's error code. */
  code?: string;
  message?: string;
  /** For database errors: which constraint, table, column or server routine refused (names, not values). */
  constraint?: string;
  table?: string;
  column?: string;
  routine?: string;
  stack?: string;
}

const MAX_MESSAGE = 300;

/** A PostgreSQL error as `pg` reports it: a SQLSTATE and a severity beside the message. */
function isDatabaseError(error: Record<string, unknown>): boolean {
  return typeof error.code === 'string' && /^[0-9A-Z]{5}$/.test(error.code) && typeof error.severity === 'string';
}

/**
 * Reduces an error to what a log line may carry. A database error's message, `detail`, `where` and `hint` quote
 * the values of the row or statement (a roster's NIK and name, once), so of those only the names survive; the
 * stack keeps its frames without the message line.
 */
export function safeError(error: unknown): SafeError {
  if (!(error instanceof Error)) return { type: typeof error };
  const e = error as unknown as Record<string, unknown>;
  const frames = error.stack?.split('\n').filter((line) => /^\s+at /.test(line)).slice(0, 12).join('\n');
  const out: SafeError = { type: error.constructor?.name ?? error.name, stack: frames || undefined };
  if (typeof e.code === 'string' || typeof e.code === 'number') out.code = String(e.code);
  if (isDatabaseError(e)) {
    for (const key of ['constraint', 'table', 'column', 'routine'] as const) if (typeof e[key] === 'string') out[key] = e[key] as string;
    out.message = `database error ${e.code}`;
  } else {
    out.message = error.message.length > MAX_MESSAGE ? `${error.message.slice(0, MAX_MESSAGE)}…` : error.message;
  }
  return out;
}
