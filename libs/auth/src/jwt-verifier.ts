import { type Clock, ConfigError, DomainError } from '@sinergi/common';
import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify, SignJWT } from 'jose';
import { isPosition, isRegionScope, isRole, type Position, type Principal, type Role } from './principal';

export interface JwtVerifierOptions {
  /** Shared HS256 secret (JWT_SECRET). */
  secret?: string;
  /** Identity provider's key set (JWT_JWKS_URL), for RS256, ES256 and EdDSA tokens. */
  jwksUrl?: string;
  /** Required `iss` when set (JWT_ISSUER). */
  issuer?: string;
  /** Required `aud` when set (JWT_AUDIENCE). */
  audience?: string;
  /**
   * Allowed clock skew for `exp` and `nbf`.
   * @defaultValue 30
   */
  clockToleranceSec?: number;
  /** Time source for `exp` and `nbf`. @defaultValue the system clock */
  clock?: Clock;
  /**
   * How long one fetch of the JWKS may take.
   * @defaultValue 5000
   */
  jwksTimeoutMs?: number;
}

const HMAC_ALGORITHMS = ['HS256'];
const ASYMMETRIC_ALGORITHMS = ['RS256', 'ES256', 'EdDSA', 'Ed25519'];
const MAX_TEXT = 256;
const MAX_LIST = 1000;

const invalidToken = (message: string) => new DomainError('unauthenticated', 'invalid_token', message);

/**
 * Verifies the bearer JWTs of officials, auditors and admins (docs/api.md) and turns their claims into a
 * Principal. With both a secret and a JWKS URL (local mode always has the dev secret), an HS256 token is
 * checked against the secret and an asymmetric one against the key set; each key only ever serves its own
 * algorithms. Every refusal is a DomainError('unauthenticated', 'invalid_token') whose message never
 * repeats the token.
 */
export class JwtVerifier {
  private readonly getKey: JWTVerifyGetKey;
  private readonly algorithms: string[];

  constructor(private readonly options: JwtVerifierOptions) {
    const secret = options.secret ? new TextEncoder().encode(options.secret) : undefined;
    const jwks = options.jwksUrl
      ? createRemoteJWKSet(new URL(options.jwksUrl), { timeoutDuration: options.jwksTimeoutMs ?? 5000 })
      : undefined;
    if (!secret && !jwks) throw new ConfigError('JwtVerifier needs JWT_SECRET or JWT_JWKS_URL');
    this.algorithms = [...(secret ? HMAC_ALGORITHMS : []), ...(jwks ? ASYMMETRIC_ALGORITHMS : [])];
    // jose checks `alg` against `algorithms` before it asks for a key, so a key never meets a foreign algorithm.
    this.getKey = async (header, token) => (HMAC_ALGORITHMS.includes(header.alg) ? secret! : jwks!(header, token));
  }

  /** The principal a valid token names; throws DomainError 'invalid_token' for any problem. */
  async verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.getKey, {
        algorithms: this.algorithms,
        issuer: this.options.issuer,
        audience: this.options.audience,
        clockTolerance: this.options.clockToleranceSec ?? 30,
        currentDate: this.options.clock?.now(),
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      throw invalidToken(describeJoseError(error));
    }
    const parsed = principalFromClaims(payload);
    if (typeof parsed === 'string') throw invalidToken(parsed);
    return parsed;
  }
}

/** One line saying why jose refused a token; jose's own messages are not shown because they vary by version. */
function describeJoseError(error: unknown): string {
  const { code, claim, reason } = (error ?? {}) as { code?: string; claim?: string; reason?: string };
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'the token has expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (reason === 'missing') return `the token has no "${claim}" claim`;
      if (claim === 'nbf') return 'the token is not valid yet';
      if (claim === 'iss') return 'the token was issued by an issuer this server does not trust';
      if (claim === 'aud') return 'the token is meant for another audience';
      return `the token's "${claim}" claim is invalid`;
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'the token signature does not verify';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'the token is signed with an algorithm this server does not accept';
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return 'no single key in the identity provider key set matches the token';
    case 'ERR_JWKS_TIMEOUT':
    case 'ERR_JWKS_INVALID':
      return 'the identity provider key set could not be fetched';
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return 'the token is not a well-formed JWT';
    default:
      return 'the token could not be verified';
  }
}

/** The Sinergi claims of a token; `sub` and `exp` are the registered claims jose checks. */
export interface SinergiClaims {
  sub: string;
  name?: string | null;
  roles: Role[];
  /** Region-code prefixes or '*' for every region. */
  regions: string[];
  position?: Position | null;
  agency?: string | null;
  permissions?: string[];
}

const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= MAX_TEXT;
const isTextList = (value: unknown): value is string[] => Array.isArray(value) && value.length <= MAX_LIST && value.every(isText);
const optional = (value: unknown) => value === undefined || value === null;

/** The principal the claims describe, or a one-line reason why they describe none. */
export function principalFromClaims(claims: Record<string, unknown>): Principal | string {
  const { sub, name, roles, regions, position, agency, permissions } = claims;
  if (!isText(sub)) return 'the token "sub" claim must be a non-empty string';
  if (!optional(name) && !isText(name)) return 'the token "name" claim must be a string';
  if (!Array.isArray(roles) || roles.length === 0) return 'the token "roles" claim must list at least one role';
  const unknownRole = roles.find((role) => !isRole(role));
  if (unknownRole !== undefined) return 'the token "roles" claim holds a role other than official, auditor or admin';
  if (!Array.isArray(regions) || regions.length > MAX_LIST) return 'the token "regions" claim must be a list of region codes';
  if (!regions.every(isRegionScope)) return `the token "regions" claim holds something that is not a region code or '*'`;
  if (!optional(position) && !isPosition(position)) return 'the token "position" claim is not a known position';
  if (!optional(agency) && !isText(agency)) return 'the token "agency" claim must be a string';
  if (!optional(permissions) && !isTextList(permissions)) return 'the token "permissions" claim must be a list of strings';
  return {
    kind: 'user',
    sub,
    name: (name as string | null | undefined) ?? null,
    roles: [...new Set(roles as Role[])],
    regions: [...new Set(regions as string[])],
    position: (position as Position | null | undefined) ?? null,
    agency: (agency as string | null | undefined) ?? null,
    permissions: [...new Set((permissions as string[] | null | undefined) ?? [])],
  };
}

export interface MintTokenOptions {
  issuer?: string;
  audience?: string;
  /**
   * Lifetime in jose's duration syntax ('15m', '8h', '2d').
   * @defaultValue '8h'
   */
  expiresIn?: string;
}

/**
 * Signs an HS256 token with the local secret, for the CLI's `token` command and tests. The claims are
 * checked first, so a token it returns is one `JwtVerifier` accepts (until it expires).
 */
export async function mintLocalToken(secret: string, claims: SinergiClaims, options: MintTokenOptions = {}): Promise<string> {
  if (!secret) throw new ConfigError('a JWT secret is required to mint a local token');
  const principal = principalFromClaims({ ...claims });
  if (typeof principal === 'string') throw new DomainError('invalid', 'invalid_claims', principal.replace('the token ', 'the '));
  const { sub, name, roles, regions, position, agency, permissions } = principal;
  let jwt = new SignJWT({ name, roles, regions, position, agency, permissions })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '8h');
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
