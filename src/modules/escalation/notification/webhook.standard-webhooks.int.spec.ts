import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signStandardWebhook, standardWebhookSecret, verifyPayloadSignature } from '@sinergi/auth';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { paymentHoldRecommendedMessage } from './message-templates';
import type { NotificationMessage } from './notification.types';
import { WebhookChannel } from './webhook.channel';

// Outgoing webhooks checked the way a receiver would: with the Standard Webhooks specification's own library, keyed
// with the secret the receiver was given (a procurement client's secret, or an official's webhook secret).

interface Received {
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
}

const servers: Server[] = [];

async function receiver() {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, rawBody: Buffer.concat(chunks) });
      res.writeHead(204).end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

const channel = new WebhookChannel({ allowHosts: ['127.0.0.1'], timeoutMs: 2_000 });
/** Secrets as Sinergi issues them: 32 random bytes, base64url (clients:create, POST /v1/admin/officials). */
const issuedSecret = () => randomBytes(32).toString('base64url');

const holdMessage = paymentHoldRecommendedMessage({
  projectId: 'prj-1',
  projectRef: '10080116000',
  projectName: 'Rehabilitasi Jalan Poros',
  terminNumber: 2,
  complianceStatus: 'NON_COMPLIANT',
  reasons: ['ENROLMENT_MISSING'],
});

function headerRecord(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));
}

describe('outgoing webhooks follow Standard Webhooks', () => {
  it("a payment hold to a procurement client verifies with the standardwebhooks library under the client's secret", async () => {
    const secret = issuedSecret();
    const hook = await receiver();
    await channel.send(hook.url, { keyId: 'client:spse-sinjai', secret }, holdMessage, { deliveryId: 'c0a80101-0000-4000-8000-000000000001', now: new Date() });

    const [request] = hook.received;
    expect(request.headers['webhook-id']).toBe('c0a80101-0000-4000-8000-000000000001');
    expect(request.headers['webhook-timestamp']).toMatch(/^\d+$/);
    expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);

    // The whsec_ form of the same secret, and the secret itself as a raw key: both are the receiver's choice.
    const payload = new Webhook(standardWebhookSecret(secret)).verify(request.rawBody, headerRecord(request.headers));
    expect(payload).toEqual(JSON.parse(request.rawBody.toString('utf8')));
    expect(payload).toMatchObject({ type: 'PaymentHoldRecommended', projectRef: '10080116000', terminNumber: 2 });
    expect(() => new Webhook(secret, { format: 'raw' }).verify(request.rawBody, headerRecord(request.headers))).not.toThrow();

    // The earlier X-Signature headers still come, for receivers written before.
    expect(verifyPayloadSignature([secret], String(request.headers['x-timestamp']), request.rawBody, String(request.headers['x-signature']))).toBe(true);
    expect(request.headers['x-sinergi-delivery']).toBe(request.headers['webhook-id']);
    expect(request.headers['x-timestamp']).toBe(request.headers['webhook-timestamp']);
  });

  it("an official's case notice verifies under the official's webhook secret, and under no other", async () => {
    const secret = issuedSecret();
    const hook = await receiver();
    // The shape of a case notice's webhook copy (the channel signs whatever payload it is given alike).
    const message: NotificationMessage = {
      kind: 'CASE_ESCALATED',
      caseId: 'case-1',
      projectId: 'prj-1',
      level: 1,
      subject: 'Kasus kepatuhan BPJS: Rehabilitasi Jalan Poros',
      text: 'Proyek 10080116000 belum patuh.',
      html: '<p>Proyek 10080116000 belum patuh.</p>',
      payload: { type: 'CaseEscalated', caseId: 'case-1', projectId: 'prj-1', projectRef: '10080116000', level: 1 },
    };
    await channel.send(hook.url, { keyId: 'official:o-1', secret }, message, { deliveryId: 'delivery-2', now: new Date() });

    const [request] = hook.received;
    const headers = headerRecord(request.headers);
    expect(new Webhook(standardWebhookSecret(secret)).verify(request.rawBody, headers)).toEqual(message.payload);
    expect(() => new Webhook(standardWebhookSecret(issuedSecret())).verify(request.rawBody, headers)).toThrow(WebhookVerificationError);
    // A changed body or id breaks the signature.
    const tampered = Buffer.from(request.rawBody.toString('utf8').replace('10080116000', '10080116001'));
    expect(() => new Webhook(standardWebhookSecret(secret)).verify(tampered, headers)).toThrow(WebhookVerificationError);
    expect(() => new Webhook(standardWebhookSecret(secret)).verify(request.rawBody, { ...headers, 'webhook-id': 'another' })).toThrow(WebhookVerificationError);
  });

  it('signs as the specification computes it: the library signs the same id, time and body to the same value', () => {
    const secret = issuedSecret();
    const body = '{"type":"PaymentHoldRecommended"}';
    const at = new Date('2026-01-02T03:04:05Z');
    const seconds = at.getTime() / 1000;
    expect(signStandardWebhook(secret, 'msg_1', seconds, body)).toBe(new Webhook(standardWebhookSecret(secret)).sign('msg_1', at, body));
  });
});
