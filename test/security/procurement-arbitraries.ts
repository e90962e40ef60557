import fc from 'fast-check';

/**
 * fast-check generators of procurement events as a client posts them (docs/api.md): valid ones of every type, the
 * same with one field mutated (near-valid), and garbage. Shared by the unit properties (validation, decider) and the
 * property over real HTTP.
 */

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A calendar date between 2024 and 2027 (the bundled holiday decrees cover these years). */
export const isoDate = fc
  .record({ y: fc.integer({ min: 2024, max: 2027 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }) })
  .map(({ y, m, d }) => `${y}-${pad(m)}-${pad(d)}`);

/** A date-time with an Indonesian offset (WIB, WITA, WIT) or Z. */
export const isoDateTime = fc
  .tuple(isoDate, fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.constantFrom('+07:00', '+08:00', '+09:00', 'Z'))
  .map(([date, h, min, offset]) => `${date}T${pad(h)}:${pad(min)}:00${offset}`);

/** Integer rupiah, 1 to 10^15, as a string or (when exact) a number. */
export const rupiah = (max = 10n ** 15n) =>
  fc.bigInt({ min: 1n, max }).chain((v) => (v <= BigInt(Number.MAX_SAFE_INTEGER) ? fc.constantFrom<string | number>(v.toString(), Number(v)) : fc.constant(v.toString())));

/** Printable ASCII without spaces, as eventId and projectRef must be. */
export const token = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,23}$/);

/** Free text: names, reasons, addendum numbers. */
export const text = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0);

/** A well-formed NIK: a Sinjai district, a birth date (+40 on the day for women), a sequence that is not 0000. */
export const nik = fc
  .record({
    region: fc.constantFrom('730701', '730705', '730706', '730709'),
    day: fc.integer({ min: 1, max: 28 }),
    woman: fc.boolean(),
    month: fc.integer({ min: 1, max: 12 }),
    year: fc.integer({ min: 60, max: 99 }),
    seq: fc.integer({ min: 1, max: 9999 }),
  })
  .map((n) => `${n.region}${pad(n.day + (n.woman ? 40 : 0))}${pad(n.month)}${pad(n.year)}${pad(n.seq, 4)}`);

export const regionCode = fc.constantFrom('73.07', '73.07.05', '73.07.06', '73.07.09', '73.07.01.2003');

/** Four dates in order: contract ≤ start ≤ end ≤ end of maintenance. */
const contractDates = fc.array(isoDate, { minLength: 4, maxLength: 4 }).map((d) => [...d].sort());

export const projectRegisteredData = fc
  .record({
    dates: contractDates,
    name: text,
    regionCode,
    contractValue: rupiah(),
    valueIncludesVat: fc.option(fc.boolean(), { nil: undefined }),
    contractNumber: token,
    ppkName: text,
    estimatedWorkers: fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: undefined }),
    withMaintenance: fc.boolean(),
  })
  .map((r) => ({
    name: r.name,
    agency: { code: '1.03.0.00.0.00.01.0000', name: 'Dinas PUPR' },
    regionCode: r.regionCode,
    workType: 'KONSTRUKSI',
    fundingSource: 'APBD',
    fiscalYear: Number(r.dates[0].slice(0, 4)),
    contractNumber: r.contractNumber,
    contractDate: r.dates[0],
    contractValue: r.contractValue,
    ...(r.valueIncludesVat === undefined ? {} : { valueIncludesVat: r.valueIncludesVat }),
    startDate: r.dates[1],
    endDate: r.dates[2],
    ...(r.withMaintenance ? { maintenanceEndDate: r.dates[3] } : {}),
    contractor: { npwp: '0012345674901000', name: 'CV Karya Sinjai Mandiri' },
    ppk: { name: r.ppkName },
    ...(r.estimatedWorkers === undefined ? {} : { estimatedWorkers: r.estimatedWorkers }),
  }));

const contractAmendedData = fc
  .record(
    { addendumNumber: token, contractValue: rupiah(), endDate: isoDate, maintenanceEndDate: isoDate, reason: text },
    { requiredKeys: ['addendumNumber', 'reason'] },
  )
  .filter((d) => d.contractValue !== undefined || d.endDate !== undefined || d.maintenanceEndDate !== undefined)
  .map((d) => (d.endDate && d.maintenanceEndDate && d.maintenanceEndDate < d.endDate ? { ...d, maintenanceEndDate: d.endDate } : d));

const workersReportedData = fc.record({
  asOf: isoDate,
  workers: fc.uniqueArray(fc.record({ nik, name: text }), { minLength: 1, maxLength: 12, selector: (w) => w.nik }),
});

/** `data` of each event type a procurement system may post. */
export const DATA_BY_TYPE = {
  ProjectRegistered: projectRegisteredData,
  ContractAmended: contractAmendedData,
  WorkersReported: workersReportedData,
  WorkStarted: fc.record({ startedAt: isoDateTime }),
  PaymentRequested: fc.record({ terminNumber: fc.integer({ min: 1, max: 100 }), amount: rupiah(10n ** 10n), requestedAt: isoDateTime }),
  ProjectCompleted: fc.record({ completedAt: isoDateTime }),
  ProjectCancelled: fc.record({ reason: text }),
} as const;

export type EventType = keyof typeof DATA_BY_TYPE;
export const EVENT_TYPES = Object.keys(DATA_BY_TYPE) as EventType[];

/** Fields each `data` must have: removing one must be refused naming it. */
export const REQUIRED_DATA: Record<EventType, string[]> = {
  ProjectRegistered: ['name', 'agency', 'regionCode', 'workType', 'fundingSource', 'fiscalYear', 'contractNumber', 'contractDate', 'contractValue', 'startDate', 'endDate', 'contractor', 'ppk'],
  ContractAmended: ['addendumNumber', 'reason'],
  WorkersReported: ['asOf', 'workers'],
  WorkStarted: ['startedAt'],
  PaymentRequested: ['terminNumber', 'amount', 'requestedAt'],
  ProjectCompleted: ['completedAt'],
  ProjectCancelled: ['reason'],
};

export interface PostedEvent {
  eventId: string;
  type: EventType;
  occurredAt: string;
  projectRef: string;
  data: Record<string, unknown>;
}

/** A valid event of `type` (any type when not given) for `projectRef` (a generated one when not given). */
export const validEvent = (type?: EventType, projectRef?: string): fc.Arbitrary<PostedEvent> =>
  (type ? fc.constant(type) : fc.constantFrom(...EVENT_TYPES)).chain((t) =>
    fc.record({
      eventId: token,
      type: fc.constant(t),
      occurredAt: isoDateTime,
      projectRef: projectRef === undefined ? token : fc.constant(projectRef),
      data: DATA_BY_TYPE[t] as fc.Arbitrary<Record<string, unknown>>,
    }),
  );

/** Values nobody should send in a field: wrong types, NUL, lone surrogates, huge numbers, deep or prototype-named objects. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, '', ' ', 0, -1, 1.5, 1e308, -0, true, [], {}, '0000-01-01', '2025-02-30', '9223372036854775808', '__proto__'),
  fc.constantFrom('A\u0000B', '\ud800', 'x\udc00y', "' OR 1=1 --", '%', '_', '\\', 'x'.repeat(5000)),
  fc.constantFrom(JSON.parse('{"__proto__":{"polluted":true}}') as unknown, { constructor: { prototype: {} } }, [[[[[[]]]]]]),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Every path to a value in `value` (objects and arrays walked), as segments. */
export function leafPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => leafPaths(v, [...prefix, i]))];
  if (value !== null && typeof value === 'object') return [prefix, ...Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...prefix, k]))];
  return [prefix];
}

/** A deep copy of `value` with the value at `path` replaced (or removed, with `remove`). */
export function withValueAt(value: unknown, path: (string | number)[], next: unknown, remove = false): unknown {
  if (path.length === 0) return next;
  const copy = (Array.isArray(value) ? [...(value as unknown[])] : { ...(value as object) }) as Record<string | number, unknown>;
  const [head, ...rest] = path;
  if (rest.length === 0 && remove) {
    if (Array.isArray(copy)) (copy as unknown[]).splice(Number(head), 1);
    else delete copy[head];
  } else copy[head] = withValueAt(copy[head], rest, next, remove);
  return copy;
}

/** The dotted form validation errors use: `data.workers[0].nik`. */
export const dotted = (path: (string | number)[]) => path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');

/** A valid event with one field (anywhere in it) replaced by a hostile value, and where. */
export const mutatedEvent = (base: fc.Arbitrary<PostedEvent> = validEvent()) =>
  base.chain((event) =>
    fc.record({
      event: fc.constant(event),
      path: fc.constantFrom(...leafPaths(event).filter((p) => p.length > 0)),
      value: hostileValue,
    }),
  ).map(({ event, path, value }) => ({ original: event, path, value, event: withValueAt(event, path, value) as Record<string, unknown> }));

/** Anything at all where an event should be. */
export const garbage: fc.Arbitrary<unknown> = fc.oneof(fc.anything({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 4 }), hostileValue);
