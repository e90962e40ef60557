import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a request's X-Timestamp may be from the server's clock (docs/api.md). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** `v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>` — the scheme of docs/api.md, also used for outgoing webhooks. */
export function signPayload(secret: string, timestamp: number | string, rawBody: string | Buffer): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`);
  mac.update(rawBody);
  return `v1=${mac.digest('hex')}`;
}

/** The three headers a signed request carries. */
export function signedHeaders(clientId: string, secret: string, rawBody: string | Buffer, now: Date = new Date()): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return { 'x-client-id': clientId, 'x-timestamp': String(timestamp), 'x-signature': signPayload(secret, timestamp, rawBody) };
}

/**
 * True when `signature` matches the body under any of `secrets` (two are active during rotation).
 * Every candidate is compared in constant time, and all of them are always computed.
 */
export function verifyPayloadSignature(secrets: string[], timestamp: string, rawBody: Buffer | string, signature: string): boolean {
  const given = Buffer.from(signature, 'utf8');
  let match = false;
  for (const secret of secrets) {
    const expected = Buffer.from(signPayload(secret, timestamp, rawBody), 'utf8');
    if (expected.length === given.length && timingSafeEqual(expected, given)) match = true;
  }
  return match;
}
