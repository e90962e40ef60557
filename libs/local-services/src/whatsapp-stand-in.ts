import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An answer the stand-in gives instead of accepting, once: an HTTP status and a Graph API error code. */
export interface GraphFault {
  status: number;
  code?: number;
  retryAfter?: string;
}

/** A message the stand-in accepted or refused, as the Cloud API request carried it. */
export interface GraphMessageRequest {
  path: string;
  authorised: boolean;
  to: string;
  template: { name: string; language: { code: string }; components: { type: string; parameters: { type: string; text: string }[] }[] };
  body: Record<string, unknown>;
  /** The wamid given, when accepted. */
  messageId: string | null;
  status: number;
  at: number;
}

export type StatusName = 'sent' | 'delivered' | 'read' | 'failed';

export interface WhatsappStandInOptions {
  /** @defaultValue v22.0 */
  version?: string;
  /** @defaultValue 0 (a free port) */
  port?: number;
  /**
   * Plays WhatsApp's side after each accepted message: signed status webhooks `sent`, `delivered`, `read` to
   * `callbackUrl`, after these delays (ms from acceptance). For start:local, where no phone reads the message.
   */
  autoStatuses?: { callbackUrl: string; delaysMs?: readonly [number, number, number] };
  /** Told of each accepted message: its template and the running count, never the number. */
  onMessage?: (message: { template: string; count: number; messageId: string }) => void;
}

export interface WhatsappStandIn {
  /** The Graph API base (`WHATSAPP_API_URL`). */
  url: string;
  token: string;
  phoneNumberId: string;
  appSecret: string;
  verifyToken: string;
  /** WHATSAPP_* settings that point Sinergi at this stand-in (fixed test credentials, not secrets). */
  env: Record<string, string>;
  requests: GraphMessageRequest[];
  /** The next messages to `to` (digits, as sent) get these answers, in order, before one is accepted. */
  fail(to: string, ...faults: GraphFault[]): void;
  /** Every message to `to` is refused with this, until cleared with null. */
  refuse(to: string, fault: GraphFault | null): void;
  /** Runs before an accepted message is answered (e.g. a status webhook that overtakes the answer). */
  onAccept: ((request: GraphMessageRequest) => Promise<void> | void) | null;
  /** The body of a `messages` status webhook about `messageId`, as Meta sends it. */
  statusPayload(messageId: string, status: StatusName, options?: { at?: Date; recipientId?: string; errorCode?: number }): string;
  /** POSTs a status webhook to `callbackUrl`, signed with the app secret (or `signature`, for a forgery). */
  postStatus(callbackUrl: string, body: string, signature?: string): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

const ERROR_TITLES: Record<number, string> = {
  131021: 'Recipient cannot be sender',
  131026: 'Message undeliverable',
  131050: 'User has stopped receiving marketing messages',
  130429: 'Rate limit hit',
  131000: 'Something went wrong',
};

/**
 * A local stand-in for the WhatsApp Business Cloud API (for tests, and `start:local -- --whatsapp`) (Meta's Graph API) as Sinergi uses it:
 * `POST /{version}/{phone number id}/messages` with a Bearer token and a template message, answering
 * `{ messaging_product, contacts: [{ input, wa_id }], messages: [{ id: "wamid.…" }] }` or a Graph error
 * `{ error: { message, type, code, error_data: { messaging_product, details }, fbtrace_id } }`; and the webhook side,
 * building status notifications (`entry[].changes[].value.statuses[]`) signed with `X-Hub-Signature-256`.
 */
export async function startWhatsappStandIn(options: WhatsappStandInOptions = {}): Promise<WhatsappStandIn> {
  const version = options.version ?? 'v22.0';
  const token = 'EAAG-stand-in-token-7307';
  const phoneNumberId = '106540352242922';
  const appSecret = 'stand-in-app-secret-7307';
  const verifyToken = 'stand-in-verify-token-7307';
  const requests: GraphMessageRequest[] = [];
  const faults = new Map<string, GraphFault[]>();
  const refusals = new Map<string, GraphFault>();

  const answer = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  const graphError = (fault: GraphFault) => ({
    error: {
      message: `(#${fault.code ?? fault.status}) ${ERROR_TITLES[fault.code ?? 0] ?? 'Error'}`,
      type: 'OAuthException',
      code: fault.code ?? fault.status,
      error_data: { messaging_product: 'whatsapp', details: ERROR_TITLES[fault.code ?? 0] ?? 'error' },
      fbtrace_id: randomBytes(8).toString('base64url'),
    },
  });

  const fixture = { onAccept: null as WhatsappStandIn['onAccept'] };
  let accepted = 0;
  const timers = new Set<NodeJS.Timeout>();
  const playStatuses = (messageId: string, to: string, auto: NonNullable<WhatsappStandInOptions['autoStatuses']>) => {
    const [sent, delivered, read] = auto.delaysMs ?? [500, 1500, 4000];
    (['sent', 'delivered', 'read'] as const).forEach((status, i) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        void api.postStatus(auto.callbackUrl, api.statusPayload(messageId, status, { recipientId: to.replace(/^\+/, '') })).catch(() => undefined);
      }, [sent, delivered, read][i]);
      timers.add(timer);
    });
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://stand-in').pathname;
      if (req.method !== 'POST' || path !== `/${version}/${phoneNumberId}/messages`) {
        return answer(res, 404, graphError({ status: 404, code: 803 }));
      }
      const authorised = req.headers.authorization === `Bearer ${token}`;
      let body: Record<string, any> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = {};
      }
      const to = String(body.to ?? '');
      const request: GraphMessageRequest = { path, authorised, to, template: body.template, body, messageId: null, status: 0, at: Date.now() };
      requests.push(request);
      const valid = body.messaging_product === 'whatsapp' && body.type === 'template' && typeof body.template?.name === 'string' && /^\+?\d{8,15}$/.test(to);
      const fault = !authorised ? { status: 401, code: 190 } : !valid ? { status: 400, code: 100 } : (faults.get(to)?.shift() ?? refusals.get(to));
      if (fault) {
        request.status = fault.status;
        return answer(res, fault.status, graphError(fault), fault.retryAfter ? { 'retry-after': fault.retryAfter } : {});
      }
      const messageId = `wamid.${randomBytes(24).toString('base64url')}`;
      request.messageId = messageId;
      request.status = 200;
      void Promise.resolve(fixture.onAccept?.(request)).finally(() => {
        answer(res, 200, { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to.replace(/^\+/, '') }], messages: [{ id: messageId, message_status: 'accepted' }] });
        accepted += 1;
        options.onMessage?.({ template: String(body.template?.name), count: accepted, messageId });
        if (options.autoStatuses) playStatuses(messageId, to, options.autoStatuses);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const api: Omit<WhatsappStandIn, 'onAccept'> = {
    url,
    token,
    phoneNumberId,
    appSecret,
    verifyToken,
    env: {
      WHATSAPP_API_URL: url,
      WHATSAPP_API_VERSION: version,
      WHATSAPP_PHONE_NUMBER_ID: phoneNumberId,
      WHATSAPP_TOKEN: token,
      WHATSAPP_APP_SECRET: appSecret,
      WHATSAPP_VERIFY_TOKEN: verifyToken,
    },
    requests,
    fail: (to, ...more) => faults.set(to, [...(faults.get(to) ?? []), ...more]),
    refuse: (to, fault) => (fault ? refusals.set(to, fault) : refusals.delete(to)),
    statusPayload(messageId, status, o = {}) {
      const at = o.at ?? new Date();
      const entry: Record<string, unknown> = {
        id: messageId,
        status,
        timestamp: String(Math.floor(at.getTime() / 1000)),
        recipient_id: o.recipientId ?? '6281234567890',
      };
      if (status === 'failed') {
        const code = o.errorCode ?? 131026;
        entry.errors = [{ code, title: ERROR_TITLES[code] ?? 'Error', message: ERROR_TITLES[code] ?? 'Error', error_data: { details: 'stand-in' } }];
      } else {
        entry.conversation = { id: randomBytes(8).toString('hex'), origin: { type: 'utility' } };
        entry.pricing = { billable: true, pricing_model: 'PMP', category: 'utility' };
      }
      return JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '102290129340398',
            changes: [
              {
                value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '6241100000', phone_number_id: phoneNumberId }, statuses: [entry] },
                field: 'messages',
              },
            ],
          },
        ],
      });
    },
    async postStatus(callbackUrl, body, signature) {
      const res = await fetch(callbackUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature ?? `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}` },
        body,
      });
      return { status: res.status, body: await res.text() };
    },
    close: () => {
      for (const timer of timers) clearTimeout(timer);
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return Object.assign(fixture, api);
}
