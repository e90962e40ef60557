import { faultPoint } from '@sinergi/common';
import { inSpan, SpanKind, traceparentOf } from '@sinergi/common/tracing';
import { isIsoDate, isValidBpjsProjectNumber, isValidNpp, normaliseNpwp, parseRupiah } from '@sinergi/domain';
import { CircuitOpenError, CircuitState, ConsecutiveCircuitBreaker } from './circuit-breaker';
import {
  EnrolmentQuery,
  EnrolmentRecord,
  EnrolmentRegistry,
  RegistryRateLimitedError,
  RegistryRejectedError,
  RegistryUnavailableError,
} from './enrolment-registry.port';

export type BpjsOperation = 'findProject' | 'lookupWorkers';

/** One HTTP call to BPJS as metrics see it: never a query, a body or a NIK. */
export interface BpjsCallOutcome {
  operation: BpjsOperation;
  status: number | 'timeout' | 'error';
  durationMs: number;
}

export interface BpjsHttpRegistryOptions {
  /** Base URL of the Jakon API, e.g. `http://127.0.0.1:3999`; a path prefix is kept. */
  baseUrl: string;
  /** Per HTTP call, body included. @defaultValue 5000 */
  timeoutMs?: number;
  /** @defaultValue `{ failureThreshold: 5, halfOpenAfterMs: 10000 }` */
  breaker?: { failureThreshold?: number; halfOpenAfterMs?: number };
  /** Called once per HTTP call made (not for calls refused by the open circuit), for metrics. */
  onCall?: (outcome: BpjsCallOutcome) => void;
}

/** The workers lookup accepts at most this many NIKs per call. */
export const MAX_NIKS_PER_LOOKUP = 5000;

const STATUSES: readonly EnrolmentRecord['status'][] = ['ACTIVE', 'REGISTERED_UNPAID', 'ENDED'];
const RETRY_AFTER_DEFAULT_MS = 1000;

/**
 * The BPJS Ketenagakerjaan Jakon API adapter (docs/api.md). It never retries: the verification job does, with back-off.
 * A circuit breaker fails calls fast while BPJS keeps failing; 404, 429 and other 4xx show BPJS is answering.
 */
export class BpjsHttpRegistry implements EnrolmentRegistry {
  readonly source = 'bpjs_api' as const;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly breaker: ConsecutiveCircuitBreaker;
  private readonly onCall?: (outcome: BpjsCallOutcome) => void;

  constructor(options: BpjsHttpRegistryOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.onCall = options.onCall;
    this.breaker = new ConsecutiveCircuitBreaker({
      failureThreshold: options.breaker?.failureThreshold,
      halfOpenAfterMs: options.breaker?.halfOpenAfterMs,
      isFailure: (error) => error instanceof RegistryUnavailableError,
    });
  }

  get circuitState(): CircuitState {
    return this.breaker.state;
  }

  async findProject(query: EnrolmentQuery): Promise<EnrolmentRecord | null> {
    await faultPoint('verification.before-registry-call');
    const npwp = normaliseNpwp(query.npwp);
    const params = new URLSearchParams({ npwp: npwp.ok ? npwp.value : query.npwp, contractNumber: query.contractNumber });
    const found = await this.call('findProject', `/jakon/v1/projects?${params}`, { method: 'GET' }, readProject);
    return found === null ? null : { source: this.source, ...found };
  }

  async lookupWorkers(projectNumber: string, niks: string[]): Promise<Map<string, boolean> | null> {
    const asked = [...new Set(niks)];
    const covered = new Map<string, boolean>();
    for (let start = 0; start < asked.length; start += MAX_NIKS_PER_LOOKUP) {
      const chunk = asked.slice(start, start + MAX_NIKS_PER_LOOKUP);
      const answered = await this.call(
        'lookupWorkers',
        '/jakon/v1/workers/lookup',
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ projectNumber, niks: chunk }) },
        (body) => readLookup(body, chunk),
      );
      if (answered === null) return null;
      for (const [nik, isCovered] of answered) covered.set(nik, isCovered);
    }
    return covered;
  }

  /**
   * One HTTP call through the breaker; null for 404. A 200 body that `read` cannot make sense of is a failure
   * (BPJS is not answering sensibly), never a crash.
   */
  private async call<T>(operation: BpjsOperation, path: string, init: RequestInit, read: (body: unknown) => T | null): Promise<T | null> {
    try {
      return await this.breaker.execute(async () => {
        const { status, text, retryAfter } = await this.send(operation, path, init);
        if (status === 200) {
          const value = read(parseJson(text));
          if (value === null) throw new RegistryUnavailableError(`BPJS ${operation} answered 200 with a malformed body`);
          return value;
        }
        if (status === 404) return null;
        if (status === 429) throw new RegistryRateLimitedError(retryAfterMs(retryAfter));
        if (status >= 400 && status < 500) {
          throw new RegistryRejectedError(status, `BPJS ${operation} refused the request with ${status}${errorCode(text)}`);
        }
        throw new RegistryUnavailableError(`BPJS ${operation} answered ${status}`);
      });
    } catch (error) {
      if (error instanceof CircuitOpenError) throw new RegistryUnavailableError('circuit open', error);
      throw error;
    }
  }

  /** Sends the request and reads the whole body within the timeout; reports the outcome to `onCall`. */
  private send(operation: BpjsOperation, path: string, init: RequestInit): Promise<{ status: number; text: string; retryAfter: string | null }> {
    // A CLIENT span: the operation, the method and the status only (the query names an NPWP, the body NIKs).
    const attributes = { 'http.request.method': init.method ?? 'GET', 'server.address': new URL(this.baseUrl).hostname, 'sinergi.bpjs.operation': operation };
    return inSpan(`bpjs ${operation}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
      const answer = await this.sendOnce(operation, path, init);
      span.setAttribute('http.response.status_code', answer.status);
      return answer;
    });
  }

  private async sendOnce(
    operation: BpjsOperation,
    path: string,
    init: RequestInit,
  ): Promise<{ status: number; text: string; retryAfter: string | null }> {
    const started = performance.now();
    const traceparent = traceparentOf();
    let status: BpjsCallOutcome['status'] = 'error';
    try {
      const response = await fetch(`${this.baseUrl}${path}`, {
        ...init,
        headers: { accept: 'application/json', ...(traceparent ? { traceparent } : {}), ...(init.headers as Record<string, string> | undefined) },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await response.text();
      status = response.status;
      return { status, text, retryAfter: response.headers.get('retry-after') };
    } catch (error) {
      // Checked by name: the DOMException thrown on timeout need not be an `Error` of this realm.
      const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      status = timedOut ? 'timeout' : 'error';
      throw new RegistryUnavailableError(
        timedOut ? `BPJS ${operation} timed out after ${this.timeoutMs} ms` : `BPJS ${operation} could not be reached`,
        error,
      );
    } finally {
      this.report({ operation, status, durationMs: performance.now() - started });
    }
  }

  private report(outcome: BpjsCallOutcome): void {
    try {
      this.onCall?.(outcome);
    } catch {
      // A failing metrics hook must not turn an answer into an error.
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Retry-After is seconds or an HTTP date; missing or unreadable means one second. */
function retryAfterMs(header: string | null, now = Date.now()): number {
  if (header === null || header.trim() === '') return RETRY_AFTER_DEFAULT_MS;
  if (/^\s*\d+\s*$/.test(header)) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? RETRY_AFTER_DEFAULT_MS : Math.max(0, at - now);
}

/** BPJS's own error code when it sent a short one; never the message, which might echo what we sent. */
function errorCode(text: string): string {
  const body = parseJson(text);
  const code = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).code : undefined;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,39}$/.test(code) ? ` ${code}` : '';
}

const rupiahText = (value: unknown): string | null => {
  const amount = parseRupiah(value);
  return amount === null ? null : amount.toString();
};

/** The 200 answer of `GET /jakon/v1/projects`, or null when it is not the contract's shape. */
function readProject(body: unknown): Omit<EnrolmentRecord, 'source'> | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const b = body as Record<string, unknown>;
  if (typeof b.projectNumber !== 'string' || !isValidBpjsProjectNumber(b.projectNumber)) return null;
  if (typeof b.npp !== 'string' || !isValidNpp(b.npp)) return null;
  if (!STATUSES.includes(b.status as EnrolmentRecord['status'])) return null;
  if (!isIsoDate(b.coveredFrom) || !isIsoDate(b.coveredTo) || b.coveredTo < b.coveredFrom) return null;
  const premiumPaid = rupiahText(b.premiumPaid);
  if (premiumPaid === null) return null;
  const premiumAssessed = b.premiumAssessed === null || b.premiumAssessed === undefined ? null : rupiahText(b.premiumAssessed);
  if (premiumAssessed === null && b.premiumAssessed !== null && b.premiumAssessed !== undefined) return null;
  const workers = b.workersRegistered;
  if (workers !== null && workers !== undefined && !(Number.isSafeInteger(workers) && (workers as number) >= 0)) return null;
  return {
    projectNumber: b.projectNumber,
    npp: b.npp,
    status: b.status as EnrolmentRecord['status'],
    coveredFrom: b.coveredFrom,
    coveredTo: b.coveredTo,
    premiumAssessed,
    premiumPaid,
    workersRegistered: (workers as number | null | undefined) ?? null,
  };
}

/** The 200 answer of `POST /jakon/v1/workers/lookup`: every NIK asked answered, and no other; in the order asked. */
function readLookup(body: unknown, asked: readonly string[]): Map<string, boolean> | null {
  if (typeof body !== 'object' || body === null) return null;
  const results = (body as Record<string, unknown>).results;
  if (!Array.isArray(results)) return null;
  const wanted = new Set(asked);
  const answered = new Map<string, boolean>();
  for (const result of results as unknown[]) {
    if (typeof result !== 'object' || result === null) return null;
    const { nik, covered } = result as Record<string, unknown>;
    if (typeof nik !== 'string' || !wanted.has(nik) || typeof covered !== 'boolean') return null;
    if (answered.has(nik) && answered.get(nik) !== covered) return null;
    answered.set(nik, covered);
  }
  return answered.size === wanted.size ? new Map(asked.map((nik) => [nik, answered.get(nik) as boolean])) : null;
}
