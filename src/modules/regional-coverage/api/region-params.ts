import { coversCountry, type Principal } from '@sinergi/auth';
import { invalid } from '@sinergi/common';
import { parseRegionCode } from '@sinergi/domain';

/** A 400 problem naming the query or path parameter at fault. */
export const invalidParam = (path: string, code: string, message: string) => invalid('invalid_query', message, [{ path, code, message }]);

/** A path's region code, or a 400 naming `path` when it is not a Kemendagri code. */
export function regionCodeParam(value: string, path = 'regionCode'): string {
  if (parseRegionCode(value) === null) throw invalid('invalid_region_code', `${path} must be a region code such as 73.07`, [{ path, code: 'invalid_region_code', message: `${path} must be a region code such as 73.07` }]);
  return value;
}

/** One query parameter as a string; repeating it (`?status=a&status=b`) is refused rather than guessed at. */
export function singleParam(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidParam(name, 'repeated', `${name} may be given once`);
  return value;
}

/** Refuses parameters the route does not know: a mistyped filter must not silently widen the answer. */
export function onlyParams(query: Record<string, unknown>, known: readonly string[]): void {
  const unknown = Object.keys(query).find((k) => !known.includes(k));
  if (unknown !== undefined) throw invalidParam(unknown, 'unknown_parameter', `${unknown} is not a parameter of this route; known: ${known.join(', ')}`);
}

/** The caller's region prefixes for SQL, or undefined for every region ('*' or 'ID'). */
export const scopeOf = (principal: Pick<Principal, 'regions'>): string[] | undefined =>
  coversCountry(principal.regions) ? undefined : principal.regions.filter((r) => parseRegionCode(r) !== null);

/** `?format=` when given: json or csv. */
export function formatParam(query: Record<string, unknown>): string | undefined {
  const format = singleParam(query, 'format');
  if (format !== undefined && format !== 'json' && format !== 'csv') throw invalidParam('format', 'not_allowed', 'format must be json or csv');
  return format;
}
