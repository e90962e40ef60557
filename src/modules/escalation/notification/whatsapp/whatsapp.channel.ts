import type { WhatsappConfig } from '@sinergi/common';
import { DeliveryPermanentError, DeliveryTemporaryError, type DeliveryResult } from '../notification.types';

/** An approved message template with its body's parameters, in order ({{1}}, {{2}}, …). */
export interface WhatsappTemplate {
  readonly name: string;
  /** Always Bahasa Indonesia: `id`. */
  readonly languageCode: 'id';
  readonly bodyParameters: readonly string[];
}

export type WhatsappDeliveryResult = Extract<DeliveryResult, { channel: 'WHATSAPP' }>;

/** Throughput limits: retried with back-off. */
const RATE_LIMIT_CODES = new Set([4, 80007, 130429, 131048, 131056]);
/** Meta's side is unwell: retried. */
const SERVER_CODES = new Set([1, 2, 131000, 131016, 133004]);

/**
 * Sends business-initiated messages through the WhatsApp Business Cloud API: `POST {apiUrl}/{version}/{phone number
 * id}/messages` with the Bearer token, always an approved template (no free text outside a conversation the user
 * opened). The token goes only into the Authorization header; errors carry the status and Meta's error code, never
 * the number or Meta's message text.
 */
export class WhatsappChannel {
  private readonly endpoint: string;

  constructor(
    private readonly config: Pick<WhatsappConfig, 'apiUrl' | 'apiVersion' | 'phoneNumberId' | 'token'>,
    private readonly timeoutMs = 10_000,
  ) {
    this.endpoint = `${config.apiUrl.replace(/\/+$/, '')}/${config.apiVersion}/${encodeURIComponent(config.phoneNumberId)}/messages`;
  }

  /** `to` is E.164 (`+628…`); answers the wamid the Cloud API gave the message. `now` reads Retry-After dates. */
  async send(to: string, template: WhatsappTemplate, now: Date): Promise<WhatsappDeliveryResult> {
    const body = JSON.stringify({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: to.replace(/^\+/, ''),
      type: 'template',
      template: {
        name: template.name,
        language: { code: template.languageCode },
        components: [{ type: 'body', parameters: template.bodyParameters.map((text) => ({ type: 'text', text })) }],
      },
    });
    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.config.token}`, 'content-type': 'application/json', 'user-agent': 'Sinergi-WhatsApp/1' },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw classifyNetworkError(error);
    }
    const text = await response.text().catch(() => '');
    const json = parseJson(text);
    if (response.status >= 200 && response.status < 300) {
      const messageId = json?.messages?.[0]?.id;
      // Accepted without an id cannot be followed up; sending again could reach the official twice.
      if (typeof messageId !== 'string' || messageId.length === 0 || messageId.length > 256) {
        throw new DeliveryPermanentError('whatsapp_rejected', `WhatsApp Cloud API answered ${response.status} without a message id`, { status: response.status });
      }
      return { channel: 'WHATSAPP', messageId, template: template.name };
    }
    const code = Number.isSafeInteger(Number(json?.error?.code)) ? Number(json.error.code) : undefined;
    throw classifyWhatsappError(response.status, code, response.headers.get('retry-after') ?? undefined, now);
  }
}

/**
 * 429 and the rate-limit codes, 5xx and Meta's transient codes are temporary; everything else (131021 / 131026 not on
 * WhatsApp, 131050 opted out, template or token problems) is permanent: retrying sends nothing more.
 */
export function classifyWhatsappError(
  status: number,
  code: number | undefined,
  retryAfter: string | undefined,
  now: Date,
): DeliveryTemporaryError | DeliveryPermanentError {
  const details = { status, ...(code === undefined ? {} : { responseCode: code }) };
  const what = `WhatsApp Cloud API answered ${status}${code === undefined ? '' : ` (code ${code})`}`;
  if (status === 429 || (code !== undefined && RATE_LIMIT_CODES.has(code))) {
    const retryAfterMs = parseRetryAfter(retryAfter, now);
    return new DeliveryTemporaryError('whatsapp_rate_limited', what, retryAfterMs === undefined ? details : { ...details, retryAfterMs });
  }
  if (status >= 500 || status === 408 || (code !== undefined && SERVER_CODES.has(code))) return new DeliveryTemporaryError('http_server_error', what, details);
  if (code === 131021 || code === 131026) return new DeliveryPermanentError('whatsapp_not_on_whatsapp', what, details);
  if (code === 131050) return new DeliveryPermanentError('whatsapp_opted_out', what, details);
  if (status >= 300 && status < 400) return new DeliveryPermanentError('http_redirect', `${what}; redirects are not followed`, details);
  return new DeliveryPermanentError('whatsapp_rejected', what, details);
}

function classifyNetworkError(error: unknown): DeliveryTemporaryError {
  const e = error as { name?: string; code?: string; cause?: { code?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return new DeliveryTemporaryError('http_timeout', 'WhatsApp Cloud API did not answer in time');
  return new DeliveryTemporaryError('network_error', `WhatsApp Cloud API request failed (${e?.cause?.code ?? e?.code ?? e?.name ?? 'error'})`);
}

function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

function parseJson(text: string): any {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}
