import { createTransport, type Transporter } from 'nodemailer';
import {
  DeliveryPermanentError,
  DeliveryTemporaryError,
  type DeliveryResult,
  type NotificationMessage,
} from './notification.types';

export interface EmailChannelOptions {
  /** `smtp://host:port` (STARTTLS when offered) or `smtps://host:465`; credentials may sit in the URL. */
  readonly smtpUrl: string;
  /** e.g. `Sinergi <no-reply@sinergi.local>`. */
  readonly from: string;
  /** Connection, greeting and socket inactivity limit. @defaultValue 15000 */
  readonly timeoutMs?: number;
  /** Pooled SMTP connections. @defaultValue 3 */
  readonly maxConnections?: number;
}

// Nodemailer's codes for failures before the server gave a reply: the network, not the message, is at fault.
const CONNECTION_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ETLS',
  'EPROXY',
  'EMAXLIMIT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
]);
// Failures the same message would meet again: a malformed envelope or message, or a configuration the operator must fix.
const MESSAGE_CODES = new Set(['EENVELOPE', 'EMESSAGE', 'ECONFIG', 'EAUTH', 'ENOAUTH', 'EMAXRECIPIENTS', 'EFILEACCESS', 'EURLACCESS']);

/**
 * Sends notifications through one pooled SMTP transport. Errors come back classified: retry a
 * {@link DeliveryTemporaryError}, record a {@link DeliveryPermanentError}. No message or error names a recipient.
 */
export class EmailChannel {
  private readonly transport: Transporter;
  private readonly fromDomain: string;

  constructor(private readonly options: EmailChannelOptions) {
    const timeoutMs = options.timeoutMs ?? 15_000;
    this.transport = createTransport({
      url: options.smtpUrl,
      pool: true,
      maxConnections: options.maxConnections ?? 3,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      dnsTimeout: timeoutMs,
      // Message content never needs local files or remote URLs; refusing them closes a file-read/SSRF path.
      disableFileAccess: true,
      disableUrlAccess: true,
      logger: false,
    });
    this.fromDomain = /@([^>\s]+)>?\s*$/.exec(options.from)?.[1] ?? 'sinergi.local';
  }

  /** `opts.messageId` is deterministic (e.g. case, level and recipient), so a retried delivery carries the same Message-ID. */
  async send(to: string, message: NotificationMessage, opts: { messageId: string }): Promise<DeliveryResult> {
    const messageId = this.normaliseMessageId(opts.messageId);
    try {
      const info = await this.transport.sendMail({
        from: this.options.from,
        to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId,
        headers: { 'Content-Language': 'id', 'X-Sinergi-Kind': message.kind },
      });
      return { channel: 'EMAIL', messageId, response: redactAddresses(String(info.response ?? '')) };
    } catch (error) {
      throw classifySmtpError(error);
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }

  private normaliseMessageId(id: string): string {
    const bare = id.trim().replace(/^<|>$/g, '');
    if (!bare || /[\s<>]/.test(bare)) throw new RangeError('messageId must be a non-empty token without spaces or angle brackets');
    return `<${bare.includes('@') ? bare : `${bare}@${this.fromDomain}`}>`;
  }
}

interface SmtpErrorShape {
  code?: unknown;
  responseCode?: unknown;
  command?: unknown;
  response?: unknown;
}

/**
 * SMTP reply code first (4xx retry, 5xx give up), then the failure kind when there was no reply.
 * The original error is not kept as `cause`: its message and `rejected` list name the recipient.
 */
export function classifySmtpError(error: unknown): DeliveryTemporaryError | DeliveryPermanentError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SmtpErrorShape;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const command = typeof e.command === 'string' ? e.command.split(' ')[0] : undefined;
  const reply = typeof e.response === 'string' ? redactAddresses(e.response).slice(0, 300) : undefined;
  const describe = (what: string) => {
    const context = [responseCode && `reply ${responseCode}`, command && `after ${command}`, code && `(${code})`].filter(Boolean).join(' ');
    return [what, context, reply].filter(Boolean).join(': ');
  };

  if (responseCode !== undefined && responseCode >= 500 && responseCode < 600) {
    return new DeliveryPermanentError('smtp_rejected', describe('SMTP server refused the message'), { responseCode });
  }
  if (responseCode !== undefined && responseCode >= 400 && responseCode < 500) {
    return new DeliveryTemporaryError('smtp_transient', describe('SMTP server deferred the message'), { responseCode });
  }
  if (code !== undefined && CONNECTION_CODES.has(code)) {
    return new DeliveryTemporaryError('smtp_unreachable', describe('SMTP server unreachable'), {});
  }
  if (code !== undefined && MESSAGE_CODES.has(code)) {
    return new DeliveryPermanentError('smtp_invalid_message', describe('SMTP delivery cannot succeed'), {});
  }
  // Unknown failures are retried: the queue's attempt limit bounds the cost, and a lost notification is worse.
  return new DeliveryTemporaryError('smtp_error', describe('SMTP delivery failed'), {});
}

/** Servers echo addresses in replies ("550 <someone@example.org> unknown"); those must not reach logs or events. */
export function redactAddresses(text: string): string {
  return text.replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, '[address]');
}
