import { invalid, isUuid } from '@sinergi/common';

/** Where a page ended, newest first: the sort time as PostgreSQL printed it (microseconds kept) and the row id. */
export interface Keyset {
  at: string;
  id: string;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}(:\d{2})?)$/;

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** A 400 problem naming the query parameter at fault. */
export const invalidQuery = (path: string, code: string, message: string) => invalid('invalid_query', message, [{ path, code, message }]);

/** One query parameter as a string; repeating it (`?status=a&status=b`) is refused rather than guessed at. */
export function singleParam(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidQuery(name, 'repeated', `${name} may be given once`);
  return value;
}

export function pageSize(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_PAGE_SIZE;
  const limit = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= MAX_PAGE_SIZE)) throw invalidQuery('limit', 'out_of_range', `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  return limit;
}

/** Opaque to clients: base64url of the keyset, so its shape may change without breaking anyone who only echoes it. */
export const encodeCursor = ({ at, id }: Keyset): string => Buffer.from(JSON.stringify([at, id])).toString('base64url');

export function decodeCursor(raw: string | undefined): Keyset | null {
  if (raw === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (Array.isArray(parsed) && parsed.length === 2) {
    const [at, id] = parsed as unknown[];
    if (typeof at === 'string' && TIMESTAMP.test(at) && !Number.isNaN(Date.parse(at)) && isUuid(id)) return { at, id };
  }
  throw invalidQuery('cursor', 'invalid_cursor', 'cursor must be the nextCursor of an earlier page');
}

/**
 * Cuts `limit + 1` fetched rows to a page: the extra row only says that another page follows. `keyOf` gives the
 * keyset of a row, taken from the last row returned.
 */
export function toPage<R, T>(rows: R[], limit: number, keyOf: (row: R) => Keyset, view: (row: R) => T): { items: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  return { items: page.map(view), nextCursor: rows.length > limit ? encodeCursor(keyOf(page[page.length - 1])) : null };
}
