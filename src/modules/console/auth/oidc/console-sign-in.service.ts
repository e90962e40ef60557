import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { principalFromClaims, type Principal } from '@sinergi/auth';
import { DomainError, SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import * as oidc from 'openid-client';
import { parseCookies, serializeCookie } from '../cookies';
import { type ConsoleSession, ConsoleSessions } from '../console-sessions';
import { sameToken } from '../console-secrets';
import { type ConsoleOidcSettings, consoleOidcSettings } from './console-oidc.settings';
import { LocalIdentityProvider } from './local-identity-provider';

export const SIGN_IN_COOKIE = 'sinergi_console_signin';
const SIGN_IN_PATH = '/console/masuk';
/** A sign-in must come back from the identity provider within ten minutes. */
const SIGN_IN_TTL_SECONDS = 600;

interface PendingSignIn {
  state: string;
  nonce: string;
  verifier: string;
  back: string;
}

/** A refused sign-in, by a code the sign-in page explains in Bahasa Indonesia. */
export class SignInError extends Error {
  constructor(readonly code: 'state' | 'claims' | 'provider' | 'unavailable') {
    super(`sign-in failed: ${code}`);
  }
}

/**
 * Only a console path, never another site (`//evil.example` or `/console@evil` are refused), nor a path whose dot
 * segments (`/console/../v1/…`, `/console/%2e%2e/…`) a browser resolves to somewhere outside the console.
 */
export function safeBackPath(value: unknown): string {
  if (typeof value !== 'string' || !/^\/console(?:[/?#][^\s\\]*)?$/.test(value) || value.startsWith('//')) return '/console';
  const resolved = new URL(value, 'http://console.invalid');
  return resolved.origin === 'http://console.invalid' && /^\/console(?:\/|$)/.test(resolved.pathname) ? value : '/console';
}

/**
 * Sign-in to the console with OpenID Connect, authorization code + PKCE, through openid-client: against the region's
 * identity provider in production, against the one inside the process (LocalIdentityProvider) in local and test
 * mode: the same code path either way. The ID token's claims (the API's JWT claims: roles, regions, position, agency,
 * permissions) become the session's principal; a token without them signs nobody in.
 */
@Injectable()
export class ConsoleSignIn {
  readonly settings: ConsoleOidcSettings;
  private client: Promise<oidc.Configuration> | null = null;

  constructor(
    @Inject(SINERGI_CONFIG) private readonly config: SinergiConfig,
    private readonly sessions: ConsoleSessions,
    private readonly local: LocalIdentityProvider,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.settings = consoleOidcSettings(config);
  }

  /**
   * The one origin sign-in runs on (cookies are per host): PUBLIC_BASE_URL, or in local and test mode the loopback
   * address the server listens on when PUBLIC_BASE_URL names another port.
   */
  canonicalOrigin(): string {
    const configured = new URL(this.config.publicBaseUrl);
    if (this.config.mode === 'production') return configured.origin;
    const address = this.adapterHost.httpAdapter?.getHttpServer()?.address();
    const port = typeof address === 'object' && address ? String(address.port) : configured.port;
    return configured.port === port ? configured.origin : `http://127.0.0.1:${port}`;
  }

  private redirectUri(): string {
    return `${this.canonicalOrigin()}${SIGN_IN_PATH}/callback`;
  }

  private configuration(): Promise<oidc.Configuration> {
    if (!this.client) {
      this.client = this.discover().catch((error) => {
        this.client = null;
        throw error;
      });
    }
    return this.client;
  }

  private async discover(): Promise<oidc.Configuration> {
    const s = this.settings;
    if (s.kind === 'external') {
      const auth = s.clientSecret ? oidc.ClientSecretBasic(s.clientSecret) : oidc.None();
      return oidc.discovery(s.issuer, s.clientId, s.clientSecret ?? undefined, auth, this.config.mode === 'production' ? {} : { execute: [oidc.allowInsecureRequests] });
    }
    if (s.kind === 'local') {
      const origin = this.canonicalOrigin();
      this.local.get(origin);
      const secret = this.local.clientSecret();
      // Loopback http: the provider is this very process.
      return oidc.discovery(new URL(this.local.issuer(origin)), s.clientId, secret, oidc.ClientSecretBasic(secret), { execute: [oidc.allowInsecureRequests] });
    }
    throw new SignInError('unavailable');
  }

  /** The identity provider's authorization URL for a new sign-in, and the short-lived cookie that remembers it. */
  async start(back: string): Promise<{ location: string; cookie: string }> {
    if (this.settings.kind === 'none') throw new SignInError('unavailable');
    let config: oidc.Configuration;
    try {
      config = await this.configuration();
    } catch (error) {
      if (error instanceof SignInError) throw error;
      throw new SignInError('provider');
    }
    const pending: PendingSignIn = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier(), back: safeBackPath(back) };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri(),
      scope: this.settings.scope,
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
    });
    const value = Buffer.from(JSON.stringify(pending)).toString('base64url');
    const signed = `${value}.${this.sessions.sign('sign-in', value)}`;
    return { location: url.href, cookie: serializeCookie(SIGN_IN_COOKIE, signed, { path: SIGN_IN_PATH, maxAge: SIGN_IN_TTL_SECONDS, secure: this.sessions.secureCookies }) };
  }

  /** Completes a sign-in at the callback: checks state, PKCE and nonce, and opens a session for the token's principal. */
  async finish(callbackPathAndQuery: string, cookieHeader: string | string[] | undefined): Promise<{ session: ConsoleSession; cookies: string[]; back: string }> {
    const pending = this.pending(cookieHeader);
    const config = await this.configuration();
    let claims: Record<string, unknown>;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, new URL(callbackPathAndQuery, this.canonicalOrigin()), {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      claims = { ...(tokens.claims() ?? {}) };
      if (claims.roles === undefined && config.serverMetadata().userinfo_endpoint && tokens.access_token) {
        // Some providers put extra claims in userinfo only.
        claims = { ...(await oidc.fetchUserInfo(config, tokens.access_token, String(claims.sub))), ...claims };
      }
    } catch {
      throw new SignInError('provider');
    }
    const principal = principalFromClaims(claims);
    if (typeof principal === 'string') throw new SignInError('claims');
    const { session, cookie } = await this.sessions.create(principal as Principal, this.settings.kind === 'local' ? 'local-oidc' : 'oidc');
    return { session, cookies: [cookie, this.clearPendingCookie()], back: pending.back };
  }

  clearPendingCookie(): string {
    return serializeCookie(SIGN_IN_COOKIE, '', { path: SIGN_IN_PATH, maxAge: 0, secure: this.sessions.secureCookies });
  }

  private pending(cookieHeader: string | string[] | undefined): PendingSignIn {
    const raw = parseCookies(cookieHeader).get(SIGN_IN_COOKIE) ?? '';
    const [value, signature] = raw.split('.');
    if (!value || !signature || !sameToken(signature, this.sessions.sign('sign-in', value))) throw new SignInError('state');
    try {
      return JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as PendingSignIn;
    } catch {
      throw new SignInError('state');
    }
  }
}

export const unauthenticated = () => new DomainError('unauthenticated', 'missing_session', 'sign in first');
