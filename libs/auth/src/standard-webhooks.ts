import { createHmac } from 'node:crypto';

/**
 * Outgoing webhooks follow the Standard Webhooks specification (docs/api.md, "Webhooks"): `webhook-id`,
 * `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`.
 *
 * The key is the receiver's existing secret (the client secret, or the official's webhook secret) taken as bytes, its
 * UTF-8 encoding: nothing new is issued or stored. In the specification's `whsec_<base64 key>` form it is
 * standardWebhookSecret(secret), which every Standard Webhooks library takes as it is; they also take the secret
 * itself as a raw key (`new Webhook(secret, { format: 'raw' })` in JavaScript).
 */
export function standardWebhookKey(secret: string): Buffer {
  return Buffer.from(secret, 'utf8');
}

/** The receiver's secret in the specification's form: `whsec_` and the base64 of the key. */
export function standardWebhookSecret(secret: string): string {
  return `whsec_${standardWebhookKey(secret).toString('base64')}`;
}

/** The value of `webhook-signature` for one message: `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`. */
export function signStandardWebhook(secret: string, id: string, timestamp: number, body: string | Buffer): string {
  const mac = createHmac('sha256', standardWebhookKey(secret)).update(`${id}.${timestamp}.`);
  mac.update(body);
  return `v1,${mac.digest('base64')}`;
}

/** The three Standard Webhooks headers of one message (lowercase names, as node:http sends them). */
export function standardWebhookHeaders(secret: string, id: string, timestamp: number, body: string | Buffer): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signStandardWebhook(secret, id, timestamp, body),
  };
}
