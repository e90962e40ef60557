import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DomainError, FixedClock } from '@sinergi/common';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { JwtVerifier, mintLocalToken, type SinergiClaims } from './jwt-verifier';
import { assertCanRead, assertCanWrite, canSeeRegion, hasRole, type Principal } from './principal';

const SECRET = 'unit-test-secret-that-is-long-enough-for-hs256';
const official: SinergiClaims = {
  sub: 'official-1',
  name: 'Andi Official',
  roles: ['official'],
  regions: ['73.07'],
  position: 'KEPALA_DINAS',
  agency: 'Dinas PUPR Sinjai',
  permissions: ['pii:read'],
};

const nowSec = () => Math.floor(Date.now() / 1000);

/** Signs any payload, for tokens mintLocalToken rightly refuses to make. */
function signRaw(payload: JWTPayload, secret = SECRET): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
}

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect(error).toMatchObject({ kind: 'unauthenticated', code: 'invalid_token' });
  return error as DomainError;
}

describe('JwtVerifier (HS256)', () => {
  const verifier = new JwtVerifier({ secret: SECRET });

  it('turns a valid token into a principal', async () => {
    const token = await mintLocalToken(SECRET, official);
    await expect(verifier.verify(token)).resolves.toEqual({
      kind: 'user',
      sub: 'official-1',
      name: 'Andi Official',
      roles: ['official'],
      regions: ['73.07'],
      position: 'KEPALA_DINAS',
      agency: 'Dinas PUPR Sinjai',
      permissions: ['pii:read'],
    });
  });

  it('fills absent optional claims with null and empty lists', async () => {
    const token = await signRaw({ sub: 'auditor-1', roles: ['auditor'], regions: ['73'], exp: nowSec() + 60 });
    await expect(verifier.verify(token)).resolves.toEqual({
      kind: 'user',
      sub: 'auditor-1',
      name: null,
      roles: ['auditor'],
      regions: ['73'],
      position: null,
      agency: null,
      permissions: [],
    });
  });

  it('refuses an expired token, honouring the 30 s clock tolerance', async () => {
    const token = await mintLocalToken(SECRET, official, { expiresIn: '1h' });
    const clock = new FixedClock(new Date(Date.now() + 3600_000 + 20_000));
    const lenient = new JwtVerifier({ secret: SECRET, clock });
    await expect(lenient.verify(token)).resolves.toMatchObject({ sub: 'official-1' });
    clock.advance(60_000);
    expect((await refusal(lenient.verify(token))).message).toBe('the token has expired');
  });

  it('refuses a token whose exp is in the past', async () => {
    const token = await signRaw({ ...official, exp: nowSec() - 120 });
    expect((await refusal(verifier.verify(token))).message).toBe('the token has expired');
  });

  it('refuses a token without exp', async () => {
    const token = await signRaw({ ...official });
    expect((await refusal(verifier.verify(token))).message).toBe('the token has no "exp" claim');
  });

  it('refuses a token that is not valid yet', async () => {
    const token = await signRaw({ ...official, nbf: nowSec() + 600, exp: nowSec() + 1200 });
    expect((await refusal(verifier.verify(token))).message).toBe('the token is not valid yet');
  });

  it('refuses a token signed with another secret, without repeating the token', async () => {
    const token = await mintLocalToken('some-other-secret-of-reasonable-length', official);
    const error = await refusal(verifier.verify(token));
    expect(error.message).toBe('the token signature does not verify');
    expect(error.message).not.toContain(token.split('.')[2]);
  });

  it('refuses a token that is not a JWT', async () => {
    expect((await refusal(verifier.verify('not.a.jwt'))).message).toBe('the token is not a well-formed JWT');
  });

  it('refuses an unsigned (alg none) token', async () => {
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const token = `${b64({ alg: 'none' })}.${b64({ ...official, exp: nowSec() + 60 })}.`;
    await refusal(verifier.verify(token));
  });

  it('refuses a token without sub', async () => {
    const { sub: _sub, ...rest } = official;
    const token = await signRaw({ ...rest, exp: nowSec() + 60 });
    expect((await refusal(verifier.verify(token))).message).toBe('the token has no "sub" claim');
  });

  it.each([
    ['an unknown role', { roles: ['superuser'] }, /"roles"/],
    ['no role at all', { roles: [] }, /"roles"/],
    ['roles that are not a list', { roles: 'official' }, /"roles"/],
    ['a region code with a one-digit segment', { regions: ['73.7'] }, /"regions"/],
    ['a region code with a 00 segment', { regions: ['73.00'] }, /"regions"/],
    ['no regions claim', { regions: undefined }, /"regions"/],
    ['an unknown position', { position: 'CAMAT' }, /"position"/],
    ['permissions that are not strings', { permissions: [1] }, /"permissions"/],
  ])('refuses a token with %s', async (_label, change, message) => {
    const token = await signRaw({ ...official, ...change, exp: nowSec() + 60 } as JWTPayload);
    expect((await refusal(verifier.verify(token))).message).toMatch(message);
  });

  it('accepts the scope * for every region', async () => {
    const token = await mintLocalToken(SECRET, { sub: 'admin-1', roles: ['admin'], regions: ['*'] });
    await expect(verifier.verify(token)).resolves.toMatchObject({ roles: ['admin'], regions: ['*'] });
  });
});

describe('JwtVerifier with issuer and audience configured', () => {
  const verifier = new JwtVerifier({ secret: SECRET, issuer: 'https://sso.sinjaikab.go.id', audience: 'sinergi' });

  it('accepts a token from the issuer for the audience', async () => {
    const token = await mintLocalToken(SECRET, official, { issuer: 'https://sso.sinjaikab.go.id', audience: 'sinergi' });
    await expect(verifier.verify(token)).resolves.toMatchObject({ sub: 'official-1' });
  });

  it('refuses a token from another issuer', async () => {
    const token = await mintLocalToken(SECRET, official, { issuer: 'https://evil.example', audience: 'sinergi' });
    expect((await refusal(verifier.verify(token))).message).toBe('the token was issued by an issuer this server does not trust');
  });

  it('refuses a token for another audience', async () => {
    const token = await mintLocalToken(SECRET, official, { issuer: 'https://sso.sinjaikab.go.id', audience: 'other-app' });
    expect((await refusal(verifier.verify(token))).message).toBe('the token is meant for another audience');
  });

  it('refuses a token without iss or aud', async () => {
    await refusal(verifier.verify(await mintLocalToken(SECRET, official)));
  });
});

describe('JwtVerifier with a JWKS', () => {
  let server: Server;
  let jwksUrl: string;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'ES256', use: 'sig' };
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const signEs256 = (payload: JWTPayload, kid = 'key-1') =>
    new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid }).setExpirationTime('5m').sign(privateKey);

  it('verifies an ES256 token against the fetched public key', async () => {
    const verifier = new JwtVerifier({ jwksUrl });
    await expect(verifier.verify(await signEs256({ ...official }))).resolves.toMatchObject({ sub: 'official-1', regions: ['73.07'] });
  });

  it('refuses a token whose kid is not in the key set', async () => {
    const verifier = new JwtVerifier({ jwksUrl });
    const error = await refusal(verifier.verify(await signEs256({ ...official }, 'key-2')));
    expect(error.message).toBe('no single key in the identity provider key set matches the token');
  });

  it('refuses an HS256 token when only a JWKS is configured', async () => {
    const verifier = new JwtVerifier({ jwksUrl });
    const error = await refusal(verifier.verify(await mintLocalToken(SECRET, official)));
    expect(error.message).toBe('the token is signed with an algorithm this server does not accept');
  });

  it('accepts both kinds when a secret and a JWKS are configured', async () => {
    const verifier = new JwtVerifier({ secret: SECRET, jwksUrl });
    await expect(verifier.verify(await signEs256({ ...official }))).resolves.toMatchObject({ sub: 'official-1' });
    await expect(verifier.verify(await mintLocalToken(SECRET, official))).resolves.toMatchObject({ sub: 'official-1' });
  });

  it('refuses when the key set cannot be fetched', async () => {
    const verifier = new JwtVerifier({ jwksUrl: 'http://127.0.0.1:1/jwks.json' });
    await refusal(verifier.verify(await signEs256({ ...official })));
  });
});

describe('mintLocalToken', () => {
  it('refuses claims the verifier would refuse', async () => {
    await expect(mintLocalToken(SECRET, { ...official, regions: ['73.7'] })).rejects.toMatchObject({ kind: 'invalid', code: 'invalid_claims' });
  });
});

describe('region scope', () => {
  const principal = (regions: string[]): Principal => ({
    kind: 'user',
    sub: 'p',
    name: null,
    roles: ['official'],
    regions,
    position: null,
    agency: null,
    permissions: [],
  });

  it("lets '73.07' see its own districts but not a neighbour or a look-alike code", () => {
    const sinjai = principal(['73.07']);
    expect(canSeeRegion(sinjai, '73.07')).toBe(true);
    expect(canSeeRegion(sinjai, '73.07.05')).toBe(true);
    expect(canSeeRegion(sinjai, '73.07.05.2001')).toBe(true);
    expect(canSeeRegion(sinjai, '73.08')).toBe(false);
    expect(canSeeRegion(sinjai, '73.070')).toBe(false);
    expect(canSeeRegion(sinjai, '73')).toBe(false);
  });

  it("lets '73' see all of South Sulawesi and nothing else", () => {
    const province = principal(['73']);
    expect(canSeeRegion(province, '73.07.05')).toBe(true);
    expect(canSeeRegion(province, '73.71')).toBe(true);
    expect(canSeeRegion(province, '74.01')).toBe(false);
  });

  it("lets '*' see every region, and nobody see an invalid code", () => {
    expect(canSeeRegion(principal(['*']), '73.07.05')).toBe(true);
    expect(canSeeRegion(principal(['*']), '11.01')).toBe(true);
    expect(canSeeRegion(principal(['*']), 'not-a-code')).toBe(false);
  });

  it('gives an admin without a region scope no regions', () => {
    const admin: Principal = { ...principal([]), roles: ['admin'] };
    expect(canSeeRegion(admin, '73.07')).toBe(false);
  });

  it('answers an out-of-scope read as not found and an out-of-scope write as forbidden', () => {
    const other = principal(['73.08']);
    expect(() => assertCanRead(other, '73.07.05', 'project')).toThrow(expect.objectContaining({ kind: 'not_found', code: 'not_found' }));
    expect(() => assertCanWrite(other, '73.07.05', 'project')).toThrow(
      expect.objectContaining({ kind: 'forbidden', code: 'region_out_of_scope' }),
    );
    expect(() => assertCanRead(principal(['73.07']), '73.07.05', 'project')).not.toThrow();
    expect(() => assertCanWrite(principal(['73.07']), '73.07.05', 'project')).not.toThrow();
  });

  it('checks roles', () => {
    expect(hasRole(principal([]), 'auditor', 'official')).toBe(true);
    expect(hasRole(principal([]), 'admin')).toBe(false);
  });
});
