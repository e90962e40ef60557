import type { FieldError } from '../domain-error';

/**
 * Keys that would reach an object's prototype or shadow its methods. No DTO has a field of these names, so
 * each is refused as an unknown field (rather than dropped, or refused by the JSON parser naming no path).
 */
const PROTOTYPE_KEYS = new Set(['__proto__', ...Object.getOwnPropertyNames(Object.prototype)]);

const NUL = '\u0000';

/**
 * How deep parsed JSON may nest. No body Sinergi takes comes near it (an event's `data.workers[0].nik` is four levels);
 * anything deeper is refused here, before a recursive reader (validation, canonical JSON, the driver) meets it and
 * exhausts the stack: a body of 200 KB can nest 100,000 levels.
 */
export const MAX_JSON_DEPTH = 64;

/** Joins a path the way field errors name it: `data.workers[0].name`. */
export const joinPath = (prefix: string, key: string | number): string =>
  typeof key === 'number' ? `${prefix}[${key}]` : prefix ? `${prefix}.${key}` : key;

/**
 * Finds what PostgreSQL or canonical JSON cannot hold in parsed JSON: NUL characters (PostgreSQL text refuses
 * them), lone UTF-16 surrogates (not Unicode, so no canonical form), prototype keys, and nesting deeper than
 * MAX_JSON_DEPTH (named at the first value past it, and not read further). One entry per path; never echoes the
 * value, which may be personal data.
 * @defaultValue limit 20 entries
 */
export function findUnsafeJsonText(value: unknown, prefix = '', limit = 20): FieldError[] {
  const errors: FieldError[] = [];
  const visit = (node: unknown, path: string, depth: number): void => {
    if (errors.length >= limit) return;
    if (depth > MAX_JSON_DEPTH && node !== null && typeof node === 'object') {
      const at = path || 'body';
      errors.push({ path: at, code: 'too_deep', message: `${at} is nested deeper than ${MAX_JSON_DEPTH} levels` });
      return;
    }
    if (typeof node === 'string') {
      const at = path || 'body';
      if (node.includes(NUL)) errors.push({ path: at, code: 'invalid_character', message: `${at} contains a NUL character (\\u0000)` });
      else if (!node.isWellFormed()) errors.push({ path: at, code: 'invalid_character', message: `${at} contains a lone UTF-16 surrogate` });
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, joinPath(path, i), depth + 1));
      return;
    }
    if (node !== null && typeof node === 'object') {
      for (const key of Object.keys(node)) {
        const at = joinPath(path, key);
        if (PROTOTYPE_KEYS.has(key)) {
          errors.push({ path: at, code: 'unknown_field', message: `${at} is not a known field` });
          continue;
        }
        if (key.includes(NUL) || !key.isWellFormed()) {
          errors.push({ path: path || 'body', code: 'invalid_character', message: `${path || 'body'} has a field name with a NUL character or a lone surrogate` });
          continue;
        }
        visit((node as Record<string, unknown>)[key], at, depth + 1);
      }
    }
  };
  visit(value, prefix, 0);
  return errors;
}
