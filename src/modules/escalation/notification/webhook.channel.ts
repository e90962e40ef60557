import type { LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { signPayload, standardWebhookHeaders } from '@sinergi/auth';
import { checkWebhookUrl, defaultHostLookup, type HostLookup } from '@sinergi/common';
import {
  DeliveryPermanentError,
  DeliveryTemporaryError,
  type DeliveryResult,
  type NotificationMessage,
} from './notification.types';

export interface WebhookChannelOptions {
  /** Host names or IPs exempt from the address check and allowed over plain http (tests, a local receiver). @defaultValue [] */
  readonly allowHosts?: readonly string[];
  /** Limit for the whole request, connection to response headers. @defaultValue 10000 */
  readonly timeoutMs?: number;
  /** @defaultValue node:dns `lookup` with `all: true` */
  readonly lookup?: HostLookup;
}

export interface WebhookSecret {
  readonly keyId: string;
  readonly secret: string;
}

/**
 * POSTs `message.payload` as JSON, signed twice with the receiver's secret (docs/api.md, "Webhooks"): by the Standard
 * Webhooks specification (`webhook-id` = the delivery id, the same on every retry; `webhook-timestamp`;
 * `webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`, the key being the secret's bytes), and,
 * for receivers written before that, as Sinergi's requests are (`X-Timestamp`, `X-Signature: v1=<hex
 * HMAC-SHA256(secret, "<timestamp>.<raw body>")>`), plus `X-Sinergi-Key-Id` for rotation and `X-Sinergi-Delivery`
 * (= webhook-id) for de-duplication. Redirects are never followed; the connection goes only to the addresses that
 * passed the check.
 */
export class WebhookChannel {
  private readonly allowHosts: readonly string[];
  private readonly timeoutMs: number;
  private readonly lookup: HostLookup;

  constructor(options: WebhookChannelOptions = {}) {
    this.allowHosts = options.allowHosts ?? [];
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.lookup = options.lookup ?? defaultHostLookup;
  }

  async send(
    url: string,
    secret: WebhookSecret,
    message: NotificationMessage,
    /** `now`: the delivery's time from the worker's clock, for X-Timestamp and Retry-After dates. */
    opts: { deliveryId: string; now: Date },
  ): Promise<DeliveryResult> {
    const check = await checkWebhookUrl(url, this.allowHosts, this.lookup);
    if (!check.allowed) {
      // An unresolvable host may be a passing DNS failure; every other refusal is about the URL itself.
      if (check.reason === 'unresolvable') throw new DeliveryTemporaryError('dns_failure', 'Webhook host could not be resolved');
      throw new DeliveryPermanentError('url_not_allowed', `Webhook URL not allowed (${check.reason})`);
    }

    const body = Buffer.from(JSON.stringify(message.payload), 'utf8');
    const timestamp = Math.floor(opts.now.getTime() / 1000);
    const headers = {
      'content-type': 'application/json',
      'content-length': String(body.length),
      'user-agent': 'Sinergi-Webhook/1',
      'x-sinergi-delivery': opts.deliveryId,
      'x-sinergi-event': message.kind,
      'x-sinergi-key-id': secret.keyId,
      'x-timestamp': String(timestamp),
      'x-signature': signPayload(secret.secret, timestamp, body),
      ...standardWebhookHeaders(secret.secret, opts.deliveryId, timestamp, body),
    };

    const response = await this.post(check.url, check.addresses, headers, body);
    if (response.status >= 200 && response.status < 300) {
      return { channel: 'WEBHOOK', deliveryId: opts.deliveryId, status: response.status };
    }
    throw classifyWebhookResponse(response.status, response.retryAfter, opts.now);
  }

  private post(
    url: URL,
    addresses: readonly string[] | null,
    headers: Record<string, string>,
    body: Buffer,
  ): Promise<{ status: number; retryAfter: string | undefined }> {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          headers,
          // A fresh connection per delivery: a pooled socket may lead to an address this check never saw.
          agent: false,
          signal: AbortSignal.timeout(this.timeoutMs),
          ...(addresses ? { lookup: pinnedLookup(addresses) } : {}),
        },
        (res: IncomingMessage) => {
          const retryAfter = res.headers['retry-after'];
          resolve({ status: res.statusCode ?? 0, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter });
          // Only the status matters; drain the body so the socket can close (the timeout still bounds it).
          res.on('error', () => undefined);
          res.resume();
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) => reject(classifyNetworkError(error)));
      req.end(body);
    });
  }
}

/** 2xx is handled by the caller; 3xx and 4xx (but 408 and 429) are permanent; the rest is worth a retry. */
export function classifyWebhookResponse(
  status: number,
  retryAfter: string | undefined,
  now: Date,
): DeliveryTemporaryError | DeliveryPermanentError {
  if (status >= 300 && status < 400) {
    return new DeliveryPermanentError('http_redirect', `Webhook answered ${status}; redirects are not followed`, { status });
  }
  if (status === 429 || status === 408) {
    const retryAfterMs = parseRetryAfter(retryAfter, now);
    return new DeliveryTemporaryError(
      status === 429 ? 'http_rate_limited' : 'http_timeout',
      `Webhook answered ${status}`,
      retryAfterMs === undefined ? { status } : { status, retryAfterMs },
    );
  }
  if (status >= 400 && status < 500) return new DeliveryPermanentError('http_client_error', `Webhook answered ${status}`, { status });
  return new DeliveryTemporaryError('http_server_error', `Webhook answered ${status}`, { status });
}

function classifyNetworkError(error: NodeJS.ErrnoException): DeliveryTemporaryError {
  if (error.name === 'AbortError' || error.name === 'TimeoutError' || error.code === 'ABORT_ERR' || error.code === 'ETIMEDOUT') {
    return new DeliveryTemporaryError('http_timeout', 'Webhook did not answer in time');
  }
  return new DeliveryTemporaryError('network_error', `Webhook request failed (${error.code ?? error.name})`);
}

function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/** Hands the socket exactly the addresses that passed the check instead of resolving the name again. */
function pinnedLookup(addresses: readonly string[]): LookupFunction {
  return (_hostname, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
    const entries: LookupAddress[] = addresses
      .map((address) => ({ address, family: isIP(address) }))
      .filter((entry) => !family || entry.family === family);
    if (entries.length === 0) {
      const error: NodeJS.ErrnoException = new Error('No allowed address of the requested family');
      error.code = 'ENOTFOUND';
      callback(error, '', 0);
    } else if (options.all) {
      callback(null, entries);
    } else {
      callback(null, entries[0].address, entries[0].family);
    }
  };
}
