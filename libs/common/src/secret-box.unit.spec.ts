import { createHmac } from 'node:crypto';
import { parseSecretsKey, SecretBox } from './secret-box';

const KEY = Buffer.from('0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'hex');

describe('SecretBox', () => {
  const box = new SecretBox(KEY);

  it('opens what it sealed, and a sealing is different every time', () => {
    const a = box.seal('{"nik":"7307011203850001","name":"Pekerja"}');
    const b = box.seal('{"nik":"7307011203850001","name":"Pekerja"}');
    expect(a).not.toBe(b);
    expect(box.open(a)).toBe('{"nik":"7307011203850001","name":"Pekerja"}');
    expect(box.open(b)).toBe('{"nik":"7307011203850001","name":"Pekerja"}');
  });

  it('refuses a sealing that was changed or made under another key', () => {
    const sealed = box.seal('rahasia');
    const [v, iv, tag, body] = sealed.split('.');
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] ^= 1;
    expect(() => box.open([v, iv, tag, flipped.toString('base64url')].join('.'))).toThrow();
    expect(() => new SecretBox(Buffer.alloc(32, 7)).open(sealed)).toThrow();
    expect(() => box.open('v2.a.b.c')).toThrow('unrecognised sealed secret');
  });

  it('keeps pseudonyms stable: HMAC-SHA256 of "kind:value" under the key, as stored references were made', () => {
    const expected = createHmac('sha256', KEY).update('worker:7307011203850001').digest('base64url').slice(0, 26);
    expect(box.pseudonym('worker', '7307011203850001')).toBe(expected);
    expect(box.pseudonym('ppk', '7307011203850001')).not.toBe(expected);
  });

  it('takes a 32-byte key only, as 64 hex characters or base64', () => {
    expect(() => new SecretBox(Buffer.alloc(16))).toThrow('SECRETS_KEY must be 32 bytes');
    expect(parseSecretsKey(KEY.toString('hex'))).toEqual(KEY);
    expect(parseSecretsKey(KEY.toString('base64'))).toEqual(KEY);
    expect(parseSecretsKey('abc')).toBeNull();
  });
});
