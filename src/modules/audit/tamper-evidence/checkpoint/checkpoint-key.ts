import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign } from 'node:crypto';
import { ConfigError } from '@sinergi/common';

/** A checkpoint-signing public key as auditors receive it: PEM (SPKI), JWK, and its id. */
export interface CheckpointPublicKey {
  /** SHA-256 of the key's DER SubjectPublicKeyInfo, hex: the same key always has the same id. */
  keyId: string;
  algorithm: 'Ed25519';
  pem: string;
  jwk: { kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string };
}

export interface CheckpointSigner {
  readonly publicKey: CheckpointPublicKey;
  /** Ed25519 signature of the UTF-8 text, base64. */
  sign(text: string): string;
}

export const CHECKPOINT_SIGNER = Symbol('CHECKPOINT_SIGNER');

export function describePublicKey(key: KeyObject): CheckpointPublicKey {
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`checkpoint keys are Ed25519, not ${key.asymmetricKeyType}`);
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const keyId = createHash('sha256').update(spki).digest('hex');
  const { x } = publicKey.export({ format: 'jwk' }) as { x: string };
  return {
    keyId,
    algorithm: 'Ed25519',
    pem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    jwk: { kty: 'OKP', crv: 'Ed25519', x, kid: keyId },
  };
}

/** Reads a public key given as PEM (SPKI, or a private key's PEM) or as an Ed25519 JWK. */
export function parsePublicKey(text: string | { kty?: string; crv?: string; x?: string }): KeyObject {
  if (typeof text === 'string') {
    const pem = unescapePem(text);
    const key = pem.includes('PRIVATE KEY') ? createPublicKey(createPrivateKey(pem)) : createPublicKey(pem);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`the key is ${key.asymmetricKeyType}, not Ed25519`);
    return key;
  }
  if (text.kty !== 'OKP' || text.crv !== 'Ed25519' || typeof text.x !== 'string') throw new Error('the JWK is not an Ed25519 (OKP) public key');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: text.x }, format: 'jwk' });
}

/**
 * The signer of AUDIT_SIGNING_KEY (an Ed25519 PKCS#8 PEM; `\n` escapes of a one-line env value are accepted), or
 * null when it is not set: then no checkpoints are written and the API says so. A key that is set but unusable
 * stops the process at boot.
 */
export function loadCheckpointSigner(pem: string | undefined): CheckpointSigner | null {
  if (!pem) return null;
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(unescapePem(pem));
  } catch (error) {
    throw new ConfigError(`AUDIT_SIGNING_KEY is not a PEM private key (${(error as Error).message})`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new ConfigError(`AUDIT_SIGNING_KEY must be an Ed25519 key, not ${privateKey.asymmetricKeyType}`);
  }
  const publicKey = describePublicKey(privateKey);
  return { publicKey, sign: (text) => sign(null, Buffer.from(text, 'utf8'), privateKey).toString('base64') };
}

const unescapePem = (pem: string) => (pem.includes('\\n') ? pem.replace(/\\n/g, '\n') : pem).trim();
