import type { FieldError } from '@sinergi/common';
import { type DtoClass, findUnsafeJsonText, nestedDtoOf, toFieldErrors } from '@sinergi/common/validation';
import { validateSync } from 'class-validator';
import { DATA_DTO_BY_TYPE, MAX_ROSTER, ProcurementEventRequestDto } from './record-procurement-event.request.dto';

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

const nestedTypes = new Map<DtoClass, Map<string, DtoClass | null>>();

/** The class `@NestedDto(() => X)` declares for a property, cached. */
function nestedType(cls: DtoClass, property: string): DtoClass | null {
  let byProperty = nestedTypes.get(cls);
  if (!byProperty) nestedTypes.set(cls, (byProperty = new Map()));
  let nested = byProperty.get(property);
  if (nested === undefined) {
    nested = nestedDtoOf(cls, property);
    byProperty.set(property, nested);
  }
  return nested;
}

/**
 * Gives parsed JSON the DTO classes class-validator needs, following the DTOs' `@NestedDto` declarations.
 * It does only that (plainToInstance also copies, converts and applies exposure rules, at several
 * times the cost, and ingest validates every event of every batch).
 */
function instantiate(cls: DtoClass, plain: unknown): unknown {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) return plain;
  const instance = Object.create(cls.prototype) as Record<string, unknown>;
  for (const key of Object.keys(plain)) {
    if (key === '__proto__' || key === 'constructor') continue;
    const value = (plain as Record<string, unknown>)[key];
    const nested = nestedType(cls, key);
    instance[key] = nested === null ? value : Array.isArray(value) ? value.map((v) => instantiate(nested, v)) : instantiate(nested, value);
  }
  return instance;
}

function check<T extends object>(cls: new () => T, plain: unknown, prefix: string): { instance: T; errors: FieldError[] } {
  const instance = instantiate(cls, plain) as T;
  return { instance, errors: toFieldErrors(validateSync(instance, OPTIONS), prefix) };
}

/** Validates one procurement event: the envelope, then `data` against the DTO of its type. */
export function validateProcurementEvent(input: unknown): ValidationOutcome {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ path: '', code: 'invalid_type', message: 'the event must be a JSON object' }] };
  }
  // Text PostgreSQL or canonical JSON cannot hold, and prototype keys, are refused before anything reads them.
  const unsafe = findUnsafeJsonText(input);
  if (unsafe.length) return { ok: false, errors: unsafe };
  const envelope = check(ProcurementEventRequestDto, input, '');
  if (envelope.errors.length) return { ok: false, errors: envelope.errors };
  const type = envelope.instance.type as ProcurementEventType;
  // A roster past its bound is refused before each of its items is validated (a 1 MiB body holds 100,000 of them).
  const workers = ((input as { data?: unknown }).data as { workers?: unknown } | null | undefined)?.workers;
  if (type === 'WorkersReported' && Array.isArray(workers) && workers.length > MAX_ROSTER) {
    return { ok: false, errors: [{ path: 'data.workers', code: 'too_many', message: `data.workers must hold at most ${MAX_ROSTER} workers` }] };
  }
  const data = check(DATA_DTO_BY_TYPE[type] as new () => object, (input as { data: unknown }).data, 'data');
  // Cross-field rules read the fields' types, so they run only once every field is valid.
  if (data.errors.length) return { ok: false, errors: data.errors };
  const errors = crossFieldErrors(type, data.instance);
  if (errors.length) return { ok: false, errors };
  return { ok: true, value: { ...(envelope.instance as object), data: data.instance } as ValidProcurementEvent };
}

function crossFieldErrors(type: ProcurementEventType, data: any): FieldError[] {
  // null is absent too (IsOptional lets it through): an amendment of three nulls amends nothing.
  if (type === 'ContractAmended' && data.contractValue == null && data.endDate == null && data.maintenanceEndDate == null) {
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
