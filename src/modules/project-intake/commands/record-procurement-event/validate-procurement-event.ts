import type { FieldError } from '@sinergi/common';
import { plainToInstance } from 'class-transformer';
import { type ValidationError, validateSync } from 'class-validator';
import { DATA_DTO_BY_TYPE, ProcurementEventRequestDto } from './record-procurement-event.request.dto';

export type ProcurementEventType = keyof typeof DATA_DTO_BY_TYPE;

export interface ValidProcurementEvent {
  eventId: string;
  type: ProcurementEventType;
  occurredAt: string;
  projectRef: string;
  data: InstanceType<(typeof DATA_DTO_BY_TYPE)[ProcurementEventType]>;
}

export type ValidationOutcome = { ok: true; value: ValidProcurementEvent } | { ok: false; errors: FieldError[] };

const OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: true },
} as const;

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
};

const codeOf = (constraint: string) =>
  CODES[constraint] ?? `invalid_${constraint.replace(/^is/, '').replace(/[A-Z0-9]+/g, (m) => `_${m.toLowerCase()}`).replace(/^_/, '')}`;

/**
 * Flattens class-validator's tree into `{ path, code, message }`, one entry per failing path, with
 * array items addressed as `workers[0]`. Values are never copied into the messages (they may be NIKs).
 */
export function toFieldErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
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
    if (error.children?.length) out.push(...toFieldErrors(error.children, path));
  }
  return out;
}

function check<T extends object>(cls: new () => T, plain: unknown, prefix: string): { instance: T; errors: FieldError[] } {
  const instance = plainToInstance(cls, plain) as T;
  return { instance, errors: toFieldErrors(validateSync(instance, OPTIONS), prefix) };
}

/** Validates one procurement event: the envelope, then `data` against the DTO of its type. */
export function validateProcurementEvent(input: unknown): ValidationOutcome {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ path: '', code: 'invalid_type', message: 'the event must be a JSON object' }] };
  }
  const envelope = check(ProcurementEventRequestDto, input, '');
  if (envelope.errors.length) return { ok: false, errors: envelope.errors };
  const type = envelope.instance.type as ProcurementEventType;
  const data = check(DATA_DTO_BY_TYPE[type] as new () => object, (input as { data: unknown }).data, 'data');
  const errors = [...data.errors, ...crossFieldErrors(type, data.instance)];
  if (errors.length) return { ok: false, errors };
  return { ok: true, value: { ...(envelope.instance as object), data: data.instance } as ValidProcurementEvent };
}

function crossFieldErrors(type: ProcurementEventType, data: any): FieldError[] {
  if (type === 'ContractAmended' && data.contractValue === undefined && data.endDate === undefined && data.maintenanceEndDate === undefined) {
    return [{ path: 'data', code: 'nothing_amended', message: 'an amendment must change contractValue, endDate or maintenanceEndDate' }];
  }
  if (type === 'WorkersReported') {
    const seen = new Map<string, number>();
    const errors: FieldError[] = [];
    (data.workers as { nik: string }[]).forEach((w, i) => {
      if (seen.has(w.nik)) {
        errors.push({ path: `data.workers[${i}].nik`, code: 'duplicate', message: `data.workers[${i}].nik repeats data.workers[${seen.get(w.nik)}].nik` });
      } else seen.set(w.nik, i);
    });
    return errors;
  }
  return [];
}
