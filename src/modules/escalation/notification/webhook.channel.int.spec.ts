import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signPayload, verifyPayloadSignature } from '@sinergi/auth';
import { paymentHoldRecommendedMessage } from './message-templates';
import { DeliveryPermanentError, DeliveryTemporaryError } from './notification.types';
import { checkWebhookUrl, type HostLookup, isPublicAddress, isUrlAllowed } from '@sinergi/common';
import { WebhookChannel } from './webhook.channel';

// A real node:http receiver on an ephemeral port; 127.0.0.1 is allow-listed as a test receiver would be.

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
}

const message = paymentHoldRecommendedMessage({
  projectId: 'prj-1',
  projectRef: '10080116000',
  projectName: 'Rehabilitasi Jalan Poros',
  terminNumber: 2,
  complianceStatus: 'NON_COMPLIANT',
  reasons: ['ENROLMENT_MISSING'],
});
const secret = { keyId: 'whk-1', secret: 'a-webhook-secret-of-the-client' };
const now = new Date('2025-05-20T02:00:00Z');
const servers: Server[] = [];

async function startReceiver(respond: (res: ServerResponse, received: Received) => void = (res) => res.writeHead(204).end()) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawBody: Buffer.concat(chunks) };
      received.push(entry);
      respond(res, entry);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received };
}

const channel = (timeoutMs = 2_000) => new WebhookChannel({ allowHosts: ['127.0.0.1'], timeoutMs });

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

describe('WebhookChannel delivery', () => {
  it('POSTs the JSON payload signed with HMAC-SHA256 over "<timestamp>.<raw body>"', async () => {
    const receiver = await startReceiver();
    const result = await channel().send(`${receiver.url}/hooks/sinergi`, secret, message, { deliveryId: 'dlv-1', now });

    expect(result).toEqual({ channel: 'WEBHOOK', deliveryId: 'dlv-1', status: 204 });
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/hooks/sinergi');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-sinergi-delivery']).toBe('dlv-1');
    expect(request.headers['x-sinergi-key-id']).toBe('whk-1');
    expect(request.headers['x-sinergi-event']).toBe('PAYMENT_HOLD_RECOMMENDED');
    expect(request.headers['x-timestamp']).toBe(String(now.getTime() / 1000));
    expect(JSON.parse(request.rawBody.toString('utf8'))).toEqual({
      type: 'PaymentHoldRecommended',
      projectId: 'prj-1',
      projectRef: '10080116000',
      terminNumber: 2,
      complianceStatus: 'NON_COMPLIANT',
      reasons: ['ENROLMENT_MISSING'],
      recommendation: 'HOLD',
    });

    const timestamp = String(request.headers['x-timestamp']);
    const expected = signPayload(secret.secret, timestamp, request.rawBody);
    expect(request.headers['x-signature']).toBe(expected);
    expect(expected).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyPayloadSignature([secret.secret], timestamp, request.rawBody, String(request.headers['x-signature']))).toBe(true);
  });

  it('treats a 500 as temporary', async () => {
    const receiver = await startReceiver((res) => res.writeHead(500).end('boom'));
    const error = await channel().send(receiver.url, secret, message, { deliveryId: 'dlv-500', now }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryTemporaryError);
    expect(error).toMatchObject({ code: 'http_server_error', details: { status: 500 } });
  });

  it('treats a 429 as temporary and passes on Retry-After', async () => {
    const receiver = await startReceiver((res) => res.writeHead(429, { 'retry-after': '30' }).end());
    const error = await channel().send(receiver.url, secret, message, { deliveryId: 'dlv-429', now }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryTemporaryError);
    expect(error).toMatchObject({ code: 'http_rate_limited', details: { status: 429, retryAfterMs: 30_000 } });
  });

  it('treats a 400 as permanent', async () => {
    const receiver = await startReceiver((res) => res.writeHead(400).end());
    const error = await channel().send(receiver.url, secret, message, { deliveryId: 'dlv-400', now }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryPermanentError);
    expect(error).toMatchObject({ code: 'http_client_error', details: { status: 400 } });
  });

  it('treats a 302 as permanent and does not follow it', async () => {
    const target = await startReceiver();
    const receiver = await startReceiver((res) => res.writeHead(302, { location: `${target.url}/elsewhere` }).end());
    const error = await channel().send(receiver.url, secret, message, { deliveryId: 'dlv-302', now }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryPermanentError);
    expect(error).toMatchObject({ code: 'http_redirect', details: { status: 302 } });
    expect(target.received).toHaveLength(0);
  });

  it('treats a receiver that does not answer in time as temporary', async () => {
    const receiver = await startReceiver(() => undefined);
    const started = Date.now();
    const error = await channel(300).send(receiver.url, secret, message, { deliveryId: 'dlv-slow', now }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryTemporaryError);
    expect(error).toMatchObject({ code: 'http_timeout' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('treats a refused connection as temporary', async () => {
    const receiver = await startReceiver();
    await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
    const error = await channel().send(receiver.url, secret, message, { deliveryId: 'dlv-down', now }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryTemporaryError);
    expect(error).toMatchObject({ code: 'network_error' });
  });

  it('refuses a URL that is not allowed before sending anything', async () => {
    const receiver = await startReceiver();
    const strict = new WebhookChannel({ timeoutMs: 2_000 });
    const error = await strict.send(receiver.url, secret, message, { deliveryId: 'dlv-ssrf', now }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryPermanentError);
    expect(error).toMatchObject({ code: 'url_not_allowed', retryable: false });
    expect(receiver.received).toHaveLength(0);
  });

  it('treats a host name that does not resolve as temporary', async () => {
    const unresolved = new WebhookChannel({
      lookup: async () => {
        throw Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' });
      },
    });
    const error = await unresolved
      .send('https://hooks.pemda.example/x', secret, message, { deliveryId: 'dlv-dns', now })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryTemporaryError);
    expect(error).toMatchObject({ code: 'dns_failure' });
  });

  it('connects only to the address that passed the check, never to what the name resolves to later', async () => {
    // "localhost" resolves to the receiver at 127.0.0.1. The injected lookup answers with a public address, as a
    // rebinding DNS server would on the first query; the socket must go there, not to a second answer.
    const receiver = await startReceiver();
    let connections = 0;
    servers[servers.length - 1].on('connection', () => connections++);
    const lookups: string[] = [];
    const rebinding = new WebhookChannel({
      timeoutMs: 500,
      lookup: async (host) => {
        lookups.push(host);
        return ['203.0.113.10'];
      },
    });
    const port = new URL(receiver.url).port;
    const error = await rebinding
      .send(`https://localhost:${port}/hook`, secret, message, { deliveryId: 'dlv-rebind', now })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryTemporaryError);
    expect(lookups).toEqual(['localhost']);
    expect(connections).toBe(0);
  });
});

describe('webhook URL checks', () => {
  const resolvesTo =
    (...addresses: string[]): HostLookup =>
    async () =>
      addresses;
  const failing: HostLookup = async () => {
    throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
  };

  it('refuses http://localhost without an allow-list', async () => {
    await expect(isUrlAllowed('http://localhost/x', [], resolvesTo('127.0.0.1'))).resolves.toBe(false);
    await expect(isUrlAllowed('https://localhost/x', [], resolvesTo('127.0.0.1', '::1'))).resolves.toBe(false);
  });

  it.each([
    'https://10.0.0.5/',
    'https://169.254.169.254/latest/meta-data/',
    'https://[::1]/',
    'https://[fc00::1]/',
    'https://[fe80::1]/',
    'https://[::ffff:192.168.1.1]/',
    'https://[::ffff:7f00:1]/',
    'https://127.1/',
    'https://0x7f000001/',
    'https://2130706433/',
    'https://0.0.0.0/',
    'https://100.64.1.1/',
    'https://172.16.5.4/',
    'https://172.31.255.255/',
    'https://192.168.0.1/',
    'https://224.0.0.1/',
    'https://[ff02::1]/',
    'https://[::]/',
    'https://[64:ff9b::a00:1]/',
    'https://[64:ff9b:1::a9fe:a9fe]/',
    'https://[::ffff:0:a9fe:a9fe]/',
    'https://[2002:c0a8:0101::1]/',
  ])('refuses %s', async (url) => {
    await expect(isUrlAllowed(url, [], failing)).resolves.toBe(false);
  });

  it('refuses a host name whose lookup returns a private address', async () => {
    await expect(isUrlAllowed('https://hooks.pemda.example/x', [], resolvesTo('192.168.1.10'))).resolves.toBe(false);
    await expect(checkWebhookUrl('https://hooks.pemda.example/x', [], resolvesTo('192.168.1.10'))).resolves.toEqual({
      allowed: false,
      reason: 'address_not_allowed',
    });
  });

  it('refuses a host name when any one of its addresses is private', async () => {
    await expect(isUrlAllowed('https://mixed.example/x', [], resolvesTo('8.8.8.8', '10.1.2.3'))).resolves.toBe(false);
  });

  it('allows an https host name that resolves to public addresses', async () => {
    await expect(isUrlAllowed('https://bpjs.example/hook', [], resolvesTo('203.0.113.10'))).resolves.toBe(true);
    await expect(isUrlAllowed('https://bpjs.example/hook', [], resolvesTo('8.8.8.8', '2001:4860:4860::8888'))).resolves.toBe(true);
    await expect(isUrlAllowed('https://172.32.0.1/hook', [], failing)).resolves.toBe(true);
  });

  it('refuses plain http to a public host, credentials in the URL, other schemes and unresolvable hosts', async () => {
    await expect(checkWebhookUrl('http://bpjs.example/hook', [], resolvesTo('8.8.8.8'))).resolves.toMatchObject({ reason: 'scheme_not_allowed' });
    await expect(checkWebhookUrl('https://user:pw@bpjs.example/hook', [], resolvesTo('8.8.8.8'))).resolves.toMatchObject({
      reason: 'credentials_in_url',
    });
    await expect(checkWebhookUrl('file:///etc/passwd', [], failing)).resolves.toMatchObject({ reason: 'scheme_not_allowed' });
    await expect(checkWebhookUrl('not a url', [], failing)).resolves.toMatchObject({ reason: 'invalid_url' });
    await expect(checkWebhookUrl('https://nowhere.example/', [], failing)).resolves.toMatchObject({ reason: 'unresolvable' });
  });

  it('allows http and internal addresses only for allow-listed hosts', async () => {
    await expect(isUrlAllowed('http://127.0.0.1:8080/x', ['127.0.0.1'], failing)).resolves.toBe(true);
    await expect(isUrlAllowed('http://[::1]:8080/x', ['::1'], failing)).resolves.toBe(true);
    await expect(isUrlAllowed('http://127.0.0.2:8080/x', ['127.0.0.1'], failing)).resolves.toBe(false);
  });

  it('classifies addresses of both families', () => {
    expect(isPublicAddress('8.8.8.8')).toBe(true);
    expect(isPublicAddress('100.63.255.255')).toBe(true);
    expect(isPublicAddress('100.128.0.0')).toBe(true);
    expect(isPublicAddress('2001:4860:4860::8888')).toBe(true);
    expect(isPublicAddress('::ffff:8.8.8.8')).toBe(true);
    expect(isPublicAddress('169.254.169.254')).toBe(false);
    expect(isPublicAddress('fd00:ec2::254')).toBe(false);
    expect(isPublicAddress('::ffff:169.254.169.254')).toBe(false);
    expect(isPublicAddress('fe80::1%eth0')).toBe(false);
    expect(isPublicAddress('not-an-ip')).toBe(false);
    // Translation ranges that reach an internal IPv4 address (NAT64 local use, SIIT, IPv4-mapped), and tunnels.
    expect(isPublicAddress('64:ff9b:1::a9fe:a9fe')).toBe(false);
    expect(isPublicAddress('64:ff9b::a9fe:a9fe')).toBe(false);
    expect(isPublicAddress('64:ff9b::808:808')).toBe(true);
    expect(isPublicAddress('::ffff:0:a9fe:a9fe')).toBe(false);
    expect(isPublicAddress('::ffff:0:0')).toBe(false);
    expect(isPublicAddress('::ffff:7f00:1')).toBe(false);
    expect(isPublicAddress('2002:a9fe:a9fe::1')).toBe(false);
    expect(isPublicAddress('2001:0:4136:e378:8000:63bf:3fff:fdd2')).toBe(false);
    expect(isPublicAddress('100::1')).toBe(false);
    expect(isPublicAddress('2001:db8::1')).toBe(false);
  });
});
