import { createCipheriv, createDecipheriv, createHmac, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';

/**
 * Authenticated encryption (AES-256-GCM) for secrets the server must be able to read back, such as
 * procurement clients' HMAC secrets: they cannot be hashed because the server recomputes the HMAC.
 */
export class SecretBox {
  /**
   * A KeyObject made once: handed a Buffer, node:crypto makes a new key object on every call, which cost several
   * times the HMAC or the encryption itself (two of each per worker on a roster).
   */
  private readonly key: KeyObject;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('SECRETS_KEY must be 32 bytes');
    this.key = createSecretKey(key);
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('unrecognised sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** A stable pseudonymous reference for a personal identifier (e.g. a NIK), keyed so it cannot be reversed by brute force. */
  pseudonym(kind: string, value: string): string {
    return createHmac('sha256', this.key).update(`${kind}:${value}`).digest('base64url').slice(0, 26);
  }
}

/** Accepts 64 hex characters or base64 of 32 bytes. */
export function parseSecretsKey(raw: string): Buffer | null {
  const trimmed = raw.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  const b = Buffer.from(trimmed, 'base64');
  return b.length === 32 ? b : null;
}
