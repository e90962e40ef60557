import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { SinergiConfig } from '@sinergi/common';

/**
 * The console's signing key, derived (HKDF-SHA256) from SECRETS_KEY, which every mode already requires: no new
 * secret to manage, and a key that signs CSRF tokens can never decrypt a stored client secret (different `info`).
 */
export function consoleSigningKey(config: Pick<SinergiConfig, 'secretsKey'>): Buffer {
  return Buffer.from(hkdfSync('sha256', config.secretsKey, Buffer.alloc(0), 'sinergi console signing key v1', 32));
}

/** HMAC-SHA256 of `purpose` and `value` as base64url. */
export function sign(key: Buffer, purpose: string, value: string): string {
  return createHmac('sha256', key).update(`${purpose}\n${value}`).digest('base64url');
}

/** Constant-time comparison of two tokens of any length. */
export function sameToken(a: string | undefined, b: string): boolean {
  if (typeof a !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
