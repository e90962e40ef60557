import { verifyPayloadSignature } from '@sinergi/auth';
import { signingRequestInterceptor, SWAGGER_UI_OPTIONS } from './swagger-ui';

// The /docs page's request interceptor, run here as the browser runs it (WebCrypto is global in Node too).

describe('the /docs page signs procurement requests', () => {
  const secret = 'kZ3v9yJm0cQ7pXb2WnR5tHs8LdF1aGe4uVo6iKj-TqE';
  const body = '{"eventId":"spse-1","type":"ProjectCancelled","occurredAt":"2025-04-23T08:00:00+08:00","projectRef":"1","data":{"reason":"x"}}';

  it('replaces a secret given as X-Signature with the signature of the body, and sets X-Timestamp to now', async () => {
    const before = Math.floor(Date.now() / 1000);
    const request = (await signingRequestInterceptor({
      headers: { 'X-Client-Id': 'spse-sinjai', 'X-Timestamp': 'auto', 'X-Signature': secret, 'Content-Type': 'application/json' },
      body,
    })) as { headers: Record<string, string>; body: string };
    expect(request.body).toBe(body);
    expect(Number(request.headers['X-Timestamp'])).toBeGreaterThanOrEqual(before);
    expect(request.headers['X-Signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyPayloadSignature([secret], request.headers['X-Timestamp'], body, request.headers['X-Signature'])).toBe(true);
    expect(request.headers['X-Client-Id']).toBe('spse-sinjai');
  });

  it('signs an empty body for a GET, whatever the case of the header names', async () => {
    const request = (await signingRequestInterceptor({ headers: { 'x-client-id': 'c', 'x-timestamp': '0', 'x-signature': secret } })) as { headers: Record<string, string> };
    expect(request.headers['x-timestamp']).toBeUndefined();
    expect(verifyPayloadSignature([secret], request.headers['X-Timestamp'], '', request.headers['x-signature'])).toBe(true);
  });

  it('leaves alone requests without X-Signature and signatures already made', async () => {
    const bearer = { headers: { Authorization: 'Bearer t' }, body };
    expect(await signingRequestInterceptor(bearer)).toBe(bearer);
    const signed = { headers: { 'X-Signature': `v1=${'ab'.repeat(32)}`, 'X-Timestamp': '1' }, body };
    expect(await signingRequestInterceptor(signed)).toEqual({ headers: { 'X-Signature': `v1=${'ab'.repeat(32)}`, 'X-Timestamp': '1' }, body });
  });

  it('is handed to Swagger UI as the request interceptor, source as written', () => {
    expect(SWAGGER_UI_OPTIONS.swaggerOptions?.requestInterceptor).toBe(signingRequestInterceptor);
    expect(signingRequestInterceptor.toString()).toMatch(/^function anonymous\(request\s*\) \{/);
  });
});
