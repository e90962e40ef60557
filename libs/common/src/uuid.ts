/** A UUID as Sinergi writes it (and PostgreSQL prints it): lower-case hex in the 8-4-4-4-12 groups. */
export const UUID_PATTERN = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

const UUID = new RegExp(`^${UUID_PATTERN}$`);

/** Whether `value` is a UUID in canonical (lower-case) form: the one check for ids in paths, cursors and jobs. */
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/**
 * The UUID after `prefix` in an id such as a stream id (`project-<uuid>`), or `null` when `id` is not exactly
 * `prefix` followed by a UUID. Each kind of stream id has its own parser built on this, beside its builder.
 */
export function uuidAfterPrefix(prefix: string, id: string): string | null {
  if (!id.startsWith(prefix)) return null;
  const rest = id.slice(prefix.length);
  return isUuid(rest) ? rest : null;
}
