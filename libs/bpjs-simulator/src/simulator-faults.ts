import { SimulatorInputError } from './simulated-project';

/** Faults injected into `/jakon/*` answers; `/__sim/*` is never faulted. */
export interface SimulatorFaults {
  /** Delay before every answer. @defaultValue 0 */
  latencyMs: number;
  /** When above `latencyMs`, each answer's delay is drawn evenly from `latencyMs`..`latencyMaxMs`. @defaultValue 0 */
  latencyMaxMs: number;
  /** Share of calls answered with `errorStatus`, 0..1. @defaultValue 0 */
  errorRate: number;
  /** The status of those answers, 500..599. @defaultValue 503 */
  errorStatus: number;
  /** Share of calls answered 200 with a body that is not the JSON asked for (cut short), 0..1. @defaultValue 0 */
  malformedRate: number;
  /** Share of calls never answered (the socket stays open until the client gives up), 0..1. @defaultValue 0 */
  timeoutRate: number;
  /** Calls accepted per sliding second before answering 429; 0 means unlimited. @defaultValue 0 */
  rateLimitPerSecond: number;
}

export const NO_FAULTS: SimulatorFaults = { latencyMs: 0, latencyMaxMs: 0, errorRate: 0, errorStatus: 503, malformedRate: 0, timeoutRate: 0, rateLimitPerSecond: 0 };

const RULES: Record<keyof SimulatorFaults, { ok: (value: number) => boolean; expected: string }> = {
  latencyMs: { ok: (v) => Number.isSafeInteger(v) && v >= 0, expected: 'a non-negative integer' },
  latencyMaxMs: { ok: (v) => Number.isSafeInteger(v) && v >= 0, expected: 'a non-negative integer' },
  errorRate: { ok: (v) => v >= 0 && v <= 1, expected: 'a number from 0 to 1' },
  errorStatus: { ok: (v) => Number.isSafeInteger(v) && v >= 500 && v <= 599, expected: 'an HTTP status from 500 to 599' },
  malformedRate: { ok: (v) => v >= 0 && v <= 1, expected: 'a number from 0 to 1' },
  timeoutRate: { ok: (v) => v >= 0 && v <= 1, expected: 'a number from 0 to 1' },
  rateLimitPerSecond: { ok: (v) => Number.isSafeInteger(v) && v >= 0, expected: 'a non-negative integer' },
};

/** Applies a partial fault update to `current`, or throws {@link SimulatorInputError} naming the bad field. */
export function mergeFaults(current: SimulatorFaults, update: unknown): SimulatorFaults {
  if (typeof update !== 'object' || update === null || Array.isArray(update)) {
    throw new SimulatorInputError('faults must be an object');
  }
  const next = { ...current };
  for (const [field, value] of Object.entries(update)) {
    if (value === undefined) continue;
    if (!(field in RULES)) throw new SimulatorInputError(`unknown fault ${field}; expected one of ${Object.keys(RULES).join(', ')}`);
    const rule = RULES[field as keyof SimulatorFaults];
    if (typeof value !== 'number' || !rule.ok(value)) throw new SimulatorInputError(`${field} must be ${rule.expected}`);
    next[field as keyof SimulatorFaults] = value;
  }
  return next;
}

/** Sliding one-second window over accepted calls; answers how long to wait when the limit is reached. */
export class RateWindow {
  private accepted: number[] = [];

  /** Returns 0 when the call is accepted, otherwise the whole seconds until a slot frees up. */
  admit(limitPerSecond: number, now: number): number {
    if (limitPerSecond === 0) return 0;
    this.accepted = this.accepted.filter((at) => now - at < 1000);
    if (this.accepted.length >= limitPerSecond) {
      return Math.max(1, Math.ceil((this.accepted[0] + 1000 - now) / 1000));
    }
    this.accepted.push(now);
    return 0;
  }
}
