import type { InaprocConfig } from '@sinergi/common';
import { INAPROC_MAX_PAGE, type InaprocEndpoint } from './inaproc.endpoints';

export interface InaprocPage {
  rows: unknown[];
  hasMore: boolean;
  nextCursor: string | null;
}

export interface InaprocClientOptions {
  /** One HTTP exchange. @defaultValue 30 s */
  timeoutMs?: number;
  /** Tries of one page, the first included, on 429, 5xx, a timeout or a dropped connection. @defaultValue 6 */
  attempts?: number;
  /** First back-off when the answer says no Retry-After; doubles each try, with jitter. @defaultValue 1 s */
  backoffMs?: number;
  /** The longest wait between tries, Retry-After included. @defaultValue 5 min */
  maxWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Told of each retry (no URL, no token: what a log line may carry). */
  onRetry?: (info: { endpoint: string; attempt: number; status: number | null; waitMs: number }) => void;
}

/** Why a page could not be read; `status` is INAPROC's HTTP status when it answered. */
export class InaprocApiError extends Error {
  constructor(
    readonly code: 'inaproc_unauthorized' | 'inaproc_refused' | 'inaproc_unavailable' | 'inaproc_malformed_response',
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'InaprocApiError';
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref?.());

/**
 * Reads INAPROC pages: `GET {INAPROC_API_URL}/api/v1/{group}/{endpoint}?kode_klpd=&tahun=&limit=&cursor=` with the
 * bearer token. 429 and 5xx (and timeouts, dropped connections) are tried again, after Retry-After when INAPROC
 * sends it (seconds or an HTTP date), else after an exponential back-off with jitter; other 4xx are final. The
 * token is only ever put in the Authorization header: no error, log line or report carries it, nor the URL.
 */
export class InaprocApiClient {
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly maxWaitMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly config: Pick<InaprocConfig, 'apiUrl' | 'token' | 'klpd'>,
    private readonly options: InaprocClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.attempts = options.attempts ?? 6;
    this.backoffMs = options.backoffMs ?? 1000;
    this.maxWaitMs = options.maxWaitMs ?? 300_000;
    this.sleep = options.sleep ?? sleep;
  }

  async page(endpoint: InaprocEndpoint, year: number, cursor: string | null, limit: number, signal?: AbortSignal): Promise<InaprocPage> {
    const url = new URL(`${this.config.apiUrl}/api/v1/${endpoint.id}`);
    url.searchParams.set('kode_klpd', this.config.klpd);
    url.searchParams.set('tahun', String(year));
    url.searchParams.set('limit', String(Math.min(Math.max(1, limit), INAPROC_MAX_PAGE)));
    if (cursor !== null) url.searchParams.set('cursor', cursor);

    for (let attempt = 1; ; attempt += 1) {
      signal?.throwIfAborted();
      let status: number | null = null;
      let retryAfterMs: number | null = null;
      let failure: InaprocApiError;
      try {
        const res = await fetch(url, {
          headers: { authorization: `Bearer ${this.config.token}`, accept: 'application/json' },
          redirect: 'error',
          signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]) : AbortSignal.timeout(this.timeoutMs),
        });
        status = res.status;
        if (res.ok) return parsePage(await res.text(), endpoint.id);
        await res.body?.cancel().catch(() => undefined);
        if (status === 401 || status === 403) throw new InaprocApiError('inaproc_unauthorized', `INAPROC refused the token for ${endpoint.id} (HTTP ${status})`, status);
        if (status !== 429 && status !== 408 && status < 500) throw new InaprocApiError('inaproc_refused', `INAPROC refused ${endpoint.id} (HTTP ${status})`, status);
        retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
        failure = new InaprocApiError('inaproc_unavailable', `INAPROC answered ${endpoint.id} with HTTP ${status}`, status);
      } catch (error) {
        if (error instanceof InaprocApiError) throw error;
        if (signal?.aborted) throw signal.reason;
        // A timeout or a dropped connection: its message may name the host, never the token.
        failure = new InaprocApiError('inaproc_unavailable', `INAPROC could not be reached for ${endpoint.id} (${(error as Error).name})`);
      }
      if (attempt >= this.attempts) throw failure;
      const backoff = this.backoffMs * 2 ** (attempt - 1);
      const waitMs = Math.min(this.maxWaitMs, retryAfterMs ?? Math.round(backoff / 2 + Math.random() * backoff));
      this.options.onRetry?.({ endpoint: endpoint.id, attempt, status, waitMs });
      await this.sleep(waitMs);
    }
  }
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds from now; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** `{ data: [...], meta: { has_more, next_cursor } }`; anything else is a malformed answer, not an empty page. */
function parsePage(body: string, endpoint: string): InaprocPage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new InaprocApiError('inaproc_malformed_response', `INAPROC answered ${endpoint} with something that is not JSON`);
  }
  const page = parsed as { data?: unknown; meta?: { has_more?: unknown; next_cursor?: unknown } } | null;
  const meta = page?.meta;
  if (!page || !Array.isArray(page.data) || typeof meta !== 'object' || meta === null || typeof meta.has_more !== 'boolean') {
    throw new InaprocApiError('inaproc_malformed_response', `INAPROC answered ${endpoint} without { data: [...], meta: { has_more } }`);
  }
  const next = meta.next_cursor;
  if (next !== null && next !== undefined && typeof next !== 'string' && typeof next !== 'number') {
    throw new InaprocApiError('inaproc_malformed_response', `INAPROC answered ${endpoint} with a next_cursor that is not a string`);
  }
  const nextCursor = next === null || next === undefined || next === '' ? null : String(next);
  if (meta.has_more && nextCursor === null) {
    throw new InaprocApiError('inaproc_malformed_response', `INAPROC answered ${endpoint} with has_more but no next_cursor`);
  }
  return { rows: page.data, hasMore: meta.has_more, nextCursor };
}
