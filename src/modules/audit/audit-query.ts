import { ALL_REGIONS, type Principal, resourceNotFound } from '@sinergi/auth';
import { invalid } from '@sinergi/common';
import { parseRegionCode } from '@sinergi/domain';
import type { EventActor } from '@sinergi/event-store';

/** The permission that lets a reader see the people behind personal-data references (and records that they did). */
export const PII_READ = 'pii:read';

/** A 400 problem naming the query parameter at fault. */
export const invalidParam = (path: string, code: string, message: string) => invalid('invalid_query', message, [{ path, code, message }]);

/** Refuses parameters the route does not know: a mistyped filter must not silently widen the answer. */
export function onlyParams(query: Record<string, unknown>, known: readonly string[]): void {
  const unknown = Object.keys(query).find((k) => !known.includes(k));
  if (unknown !== undefined) throw invalidParam(unknown, 'unknown_parameter', `${unknown} is not a parameter of this route; known: ${known.join(', ')}`);
}

/** One query parameter as a string; repeating it is refused rather than guessed at. */
export function singleParam(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidParam(name, 'repeated', `${name} may be given once`);
  return value;
}

const within = (code: string, prefix: string) => code === prefix || code.startsWith(`${prefix}.`);

/** Prefixes without those another prefix already covers ('73' makes '73.07' redundant). */
function outermost(prefixes: readonly string[]): string[] {
  const unique = [...new Set(prefixes)];
  return unique.filter((p) => !unique.some((other) => other !== p && within(p, other))).sort();
}

/**
 * The region prefixes a read covers: the reader's scope, narrowed to `regionCode` when given; `undefined` means every
 * event, including those without a region (scope '*' and no regionCode). A regionCode that does not overlap the scope
 * is 404, as if it did not exist (docs/api.md); one wider than the scope is cut down to the scope inside it.
 */
export function regionPrefixes(reader: Pick<Principal, 'regions'>, regionCode: string | undefined): string[] | undefined {
  if (regionCode !== undefined && parseRegionCode(regionCode) === null) {
    throw invalidParam('regionCode', 'invalid_region_code', 'regionCode must be a region code such as 73.07');
  }
  const everywhere = reader.regions.includes(ALL_REGIONS);
  const scope = reader.regions.filter((r) => parseRegionCode(r) !== null);
  if (regionCode === undefined) return everywhere ? undefined : outermost(scope);
  if (everywhere || scope.some((s) => within(regionCode, s))) return [regionCode];
  const inside = scope.filter((s) => within(s, regionCode));
  if (inside.length === 0) throw resourceNotFound('region');
  return outermost(inside);
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO-8601 instant with its offset (a bare date or local time is ambiguous across WIB/WITA/WIT). */
export function instantParam(query: Record<string, unknown>, name: string): Date | undefined {
  const raw = singleParam(query, name);
  if (raw === undefined) return undefined;
  const at = INSTANT.test(raw) ? new Date(raw) : null;
  if (!at || Number.isNaN(at.getTime())) {
    throw invalidParam(name, 'invalid_instant', `${name} must be an ISO-8601 instant with a UTC offset, e.g. 2025-07-01T00:00:00+08:00`);
  }
  return at;
}

/** `from` (inclusive) and `to` (exclusive) on the recorded time. */
export function timeRange(query: Record<string, unknown>): { from?: Date; to?: Date } {
  const from = instantParam(query, 'from');
  const to = instantParam(query, 'to');
  if (from && to && from.getTime() >= to.getTime()) throw invalidParam('to', 'empty_range', 'to must be later than from');
  return { from, to };
}

const EVENT_TYPE = /^[A-Z][A-Za-z0-9]{1,63}$/;
const MAX_TYPES = 30;

/** `type=A` or `type=A,B`: event type names (PascalCase); unknown names simply match nothing. */
export function typesParam(query: Record<string, unknown>): string[] | undefined {
  const raw = singleParam(query, 'type');
  if (raw === undefined) return undefined;
  const types = [...new Set(raw.split(','))];
  if (types.length > MAX_TYPES || !types.every((t) => EVENT_TYPE.test(t))) {
    throw invalidParam('type', 'invalid_type', `type must be up to ${MAX_TYPES} event type names separated by commas, e.g. CaseOpened,EscalationLevelReached`);
  }
  return types;
}

const ACTOR_KINDS: readonly EventActor['kind'][] = ['client', 'user', 'system'];
const PRINTABLE = /^[\x21-\x7e]{1,256}$/;

/** `actor=client:spse-sinjai`, `user:<sub>`, `system:escalation-timer`, or a bare id that matches any kind. */
export function actorParam(query: Record<string, unknown>): { kind?: EventActor['kind']; id: string } | undefined {
  const raw = singleParam(query, 'actor');
  if (raw === undefined) return undefined;
  if (!PRINTABLE.test(raw)) throw invalidParam('actor', 'invalid_actor', 'actor must be kind:id (client, user or system) or an id, printable ASCII');
  const colon = raw.indexOf(':');
  const kind = colon > 0 ? raw.slice(0, colon) : undefined;
  if (kind !== undefined && (ACTOR_KINDS as readonly string[]).includes(kind) && colon < raw.length - 1) {
    return { kind: kind as EventActor['kind'], id: raw.slice(colon + 1) };
  }
  return { id: raw };
}

/** The source system's project reference, as procurement clients send it (printable ASCII, at most 128). */
export function projectRefParam(query: Record<string, unknown>): string | undefined {
  const raw = singleParam(query, 'projectRef');
  if (raw !== undefined && !/^[\x21-\x7e]{1,128}$/.test(raw)) {
    throw invalidParam('projectRef', 'invalid_project_ref', 'projectRef must be printable ASCII without spaces, at most 128 characters');
  }
  return raw;
}

export const DEFAULT_SEARCH_LIMIT = 100;
export const MAX_SEARCH_LIMIT = 1000;

export function limitParam(query: Record<string, unknown>): number {
  const raw = singleParam(query, 'limit');
  if (raw === undefined) return DEFAULT_SEARCH_LIMIT;
  const limit = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= MAX_SEARCH_LIMIT)) throw invalidParam('limit', 'out_of_range', `limit must be a whole number from 1 to ${MAX_SEARCH_LIMIT}`);
  return limit;
}

/** A place in the log's commit order: the pair every consumer checkpoints (docs/architecture.md). */
export interface CommitKey {
  transactionId: string;
  position: string;
}

/** Opaque to clients: base64url of the commit key, so its shape may change without breaking anyone who echoes it. */
export const encodeCursor = (key: CommitKey): string => Buffer.from(JSON.stringify([key.transactionId, key.position])).toString('base64url');

export function cursorParam(query: Record<string, unknown>): CommitKey | null {
  const raw = singleParam(query, 'cursor');
  if (raw === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (Array.isArray(parsed) && parsed.length === 2 && parsed.every((p) => typeof p === 'string' && /^\d{1,19}$/.test(p))) {
    return { transactionId: parsed[0], position: parsed[1] };
  }
  throw invalidParam('cursor', 'invalid_cursor', 'cursor must be a nextCursor or lastCursor of an earlier page');
}

