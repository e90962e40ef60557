import type { ValidationError } from 'class-validator';
import type { FieldError } from '../domain-error';

const CODES: Record<string, string> = {
  whitelistValidation: 'unknown_field',
  isNotEmpty: 'required',
  isNotEmptyObject: 'required',
  matches: 'invalid_format',
  isIn: 'not_allowed',
  maxLength: 'too_long',
  min: 'too_small',
  max: 'too_large',
  arrayMaxSize: 'too_many',
  arrayMinSize: 'too_few',
  isKnownRegion: 'unknown_region',
};

const codeOf = (constraint: string) =>
  CODES[constraint] ?? `invalid_${constraint.replace(/^is/, '').replace(/[A-Z0-9]+/g, (m) => `_${m.toLowerCase()}`).replace(/^_/, '')}`;

/**
 * The most field errors one answer lists: enough to fix a request by, and a 1 MiB body of 100,000 bad items cannot
 * turn into an answer of many megabytes.
 */
export const MAX_FIELD_ERRORS = 100;

/**
 * Flattens class-validator's tree into `{ path, code, message }`, one entry per failing path (the first
 * MAX_FIELD_ERRORS of them), with array items addressed as `workers[0]`. Values are never copied into the messages
 * (they may be NIKs).
 */
export function toFieldErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  collect(errors, prefix, out);
  return out;
}

function collect(errors: ValidationError[], prefix: string, out: FieldError[]): void {
  for (const error of errors) {
    if (out.length >= MAX_FIELD_ERRORS) return;
    const path = /^\d+$/.test(error.property) ? `${prefix}[${error.property}]` : prefix ? `${prefix}.${error.property}` : error.property;
    const constraints = Object.keys(error.constraints ?? {});
    if (constraints.includes('whitelistValidation')) {
      out.push({ path, code: 'unknown_field', message: `${path} is not a known field` });
    } else if (constraints.length && (error.value === undefined || error.value === null)) {
      out.push({ path, code: 'required', message: `${path} is required` });
    } else if (constraints.length) {
      const first = constraints[0];
      out.push({ path, code: codeOf(first), message: error.constraints![first].replace(error.property, path) });
    }
    if (error.children?.length) collect(error.children, path, out);
  }
  out.length = Math.min(out.length, MAX_FIELD_ERRORS);
}
