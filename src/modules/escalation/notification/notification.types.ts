/** What the escalation workflow asks a channel to deliver; `payload` is the JSON a webhook receives. */
export interface NotificationMessage {
  readonly kind: NotificationKind;
  readonly caseId?: string;
  readonly projectId: string;
  readonly level?: number;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly payload: Record<string, unknown>;
}

/** PAYMENT_REQUEST_CLEARED: a termin requested before any verdict, and the verdict that came was compliant (no case). */
export type NotificationKind = 'CASE_ESCALATED' | 'PAYMENT_HOLD_RECOMMENDED' | 'PAYMENT_HOLD_LIFTED' | 'PAYMENT_REQUEST_CLEARED';

/** A delivery the remote side accepted. Holds no personal data, so it can go into an event as it is. */
export type DeliveryResult =
  | {
      readonly channel: 'EMAIL';
      /** The Message-ID header sent, with angle brackets. */
      readonly messageId: string;
      /** The SMTP server's final reply, with e-mail addresses redacted. */
      readonly response: string;
    }
  | {
      readonly channel: 'WEBHOOK';
      readonly deliveryId: string;
      readonly status: number;
    }
  | {
      readonly channel: 'WHATSAPP';
      /** The Cloud API's message id (wamid): what status webhooks name. */
      readonly messageId: string;
      /** The approved template sent. */
      readonly template: string;
    };

export type TemporaryDeliveryCode =
  | 'smtp_transient'
  | 'smtp_unreachable'
  | 'smtp_error'
  | 'http_server_error'
  | 'http_rate_limited'
  | 'http_timeout'
  | 'network_error'
  | 'dns_failure'
  /** WhatsApp Cloud API: HTTP 429, or throughput / pair rate limits (130429, 131056, 80007, 4). */
  | 'whatsapp_rate_limited';

export type PermanentDeliveryCode =
  | 'smtp_rejected'
  | 'smtp_invalid_message'
  | 'http_client_error'
  | 'http_redirect'
  | 'url_not_allowed'
  /** WhatsApp Cloud API: the number is not on WhatsApp or cannot receive the message (131021, 131026). */
  | 'whatsapp_not_on_whatsapp'
  /** WhatsApp Cloud API: the recipient stopped the business's messages (131050). */
  | 'whatsapp_opted_out'
  /** WhatsApp Cloud API: any other refusal (template, parameters, token, account). */
  | 'whatsapp_rejected';

/** Common shape of delivery failures: a stable `code` for events and metrics, and a message free of personal data. */
export abstract class DeliveryError extends Error {
  abstract readonly retryable: boolean;
  abstract readonly code: TemporaryDeliveryCode | PermanentDeliveryCode;
}

/** Worth retrying later: SMTP 4xx, refused connections, timeouts, webhook 5xx / 408 / 429, network errors. */
export class DeliveryTemporaryError extends DeliveryError {
  override readonly name = 'DeliveryTemporaryError';
  readonly retryable = true;

  constructor(
    readonly code: TemporaryDeliveryCode,
    message: string,
    readonly details: { readonly responseCode?: number; readonly status?: number; readonly retryAfterMs?: number } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Retrying cannot help: SMTP 5xx (recipient rejected), webhook 4xx other than 408/429, a 3xx, a URL that is not allowed. */
export class DeliveryPermanentError extends DeliveryError {
  override readonly name = 'DeliveryPermanentError';
  readonly retryable = false;

  constructor(
    readonly code: PermanentDeliveryCode,
    message: string,
    readonly details: { readonly responseCode?: number; readonly status?: number } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
