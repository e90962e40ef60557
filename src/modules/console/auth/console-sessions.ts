import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type Principal, principalFromClaims } from '@sinergi/auth';
import { CLOCK, type Clock, type RedisClient, SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import { REDIS } from '../../../platform/redis.module';
import { parseCookies, serializeCookie } from './cookies';
import { consoleSigningKey, sameToken, sign } from './console-secrets';

export const SESSION_COOKIE = 'sinergi_console';
/** How long a console session lasts from sign-in; it is not extended by use. */
export const SESSION_TTL_SECONDS = 8 * 60 * 60;
export const CONSOLE_PATH = '/console';

export interface ConsoleSession {
  /** The random id in the cookie; the store only ever holds its SHA-256. */
  id: string;
  principal: Principal;
  /** How the person signed in: the region's identity provider, or the local one of start:local. */
  via: 'oidc' | 'local-oidc';
  createdAt: string;
  expiresAt: string;
}

/**
 * Console sessions in Redis, keyed by the SHA-256 of a random 256-bit id that only the HttpOnly cookie carries.
 * Signing out deletes the entry, so a copied cookie stops working at once; the entry expires with the session.
 * The principal is stored as the claims produced it (`principalFromClaims`), never with an address or NIK.
 */
@Injectable()
export class ConsoleSessions {
  private readonly key: Buffer;
  readonly secureCookies: boolean;

  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(SINERGI_CONFIG) private readonly config: SinergiConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.key = consoleSigningKey(config);
    this.secureCookies = config.publicBaseUrl.startsWith('https:');
  }

  private redisKey(id: string): string {
    return `${this.config.queuePrefix}:console-session:${createHash('sha256').update(id).digest('hex')}`;
  }

  async create(principal: Principal, via: ConsoleSession['via']): Promise<{ session: ConsoleSession; cookie: string }> {
    const id = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const session: ConsoleSession = {
      id,
      principal,
      via,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + SESSION_TTL_SECONDS * 1000).toISOString(),
    };
    const { id: _id, ...stored } = session;
    await this.redis.set(this.redisKey(id), JSON.stringify(stored), 'EX', SESSION_TTL_SECONDS);
    return { session, cookie: serializeCookie(SESSION_COOKIE, id, { path: CONSOLE_PATH, maxAge: SESSION_TTL_SECONDS, secure: this.secureCookies }) };
  }

  /** The live session the request's cookie names, or null (none, unknown, expired or malformed). */
  async fromCookieHeader(header: string | string[] | undefined): Promise<ConsoleSession | null> {
    const id = parseCookies(header).get(SESSION_COOKIE);
    if (!id || !/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
    const text = await this.redis.get(this.redisKey(id));
    if (!text) return null;
    const stored = JSON.parse(text) as Omit<ConsoleSession, 'id'>;
    if (Date.parse(stored.expiresAt) <= this.clock.now().getTime()) return null;
    // Re-checked as a token's claims are, so a stored principal can never hold more than a token could.
    const principal = principalFromClaims({ ...stored.principal });
    if (typeof principal === 'string') return null;
    return { ...stored, id, principal };
  }

  async destroy(id: string): Promise<void> {
    await this.redis.del(this.redisKey(id));
  }

  /** The Set-Cookie that removes the session cookie. */
  clearCookie(): string {
    return serializeCookie(SESSION_COOKIE, '', { path: CONSOLE_PATH, maxAge: 0, secure: this.secureCookies });
  }

  /** The CSRF token of a session's forms: an HMAC of its id, so it needs no storage and dies with the session. */
  csrfToken(session: Pick<ConsoleSession, 'id'>): string {
    return sign(this.key, 'csrf', session.id);
  }

  checkCsrf(session: Pick<ConsoleSession, 'id'>, token: unknown): boolean {
    return sameToken(typeof token === 'string' ? token : undefined, this.csrfToken(session));
  }

  /** Signs any other value the console hands out and takes back (a sign-in's state). */
  sign(purpose: string, value: string): string {
    return sign(this.key, purpose, value);
  }
}
