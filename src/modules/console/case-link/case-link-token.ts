import { isUuid, type SinergiConfig } from '@sinergi/common';
import { consoleSigningKey, sameToken, sign } from '../auth/console-secrets';

/**
 * Signed single-case links (issue 12): the contractor and the contract's own PPK have no account, so their notice
 * carries `/console/link?t=<token>`, which opens that one case with what their position may do there, and nothing else.
 *
 * Token: `<caseId>.<c|p>.<expiry, unix seconds in base 36>.<HMAC-SHA256, base64url>`, signed with the console key
 * (HKDF of SECRETS_KEY, see console-secrets) under its own purpose, so no CSRF token or other console signature can
 * pass for a link. It rides in the query string, which the request log leaves out, never in a path.
 */
export type CaseLinkRole = 'CONTRACTOR' | 'PPK';

/** How long a link works after the notice that carries it was sent (it also stops when the case ends). */
export const CASE_LINK_TTL_DAYS = 30;

export const CASE_LINK_PATH = '/console/link';

export interface CaseLink {
  caseId: string;
  role: CaseLinkRole;
  expiresAt: Date;
}

const PURPOSE = 'case-link v1';
const ROLE_CODES: Record<CaseLinkRole, string> = { CONTRACTOR: 'c', PPK: 'p' };
const CODE_ROLES: Record<string, CaseLinkRole> = { c: 'CONTRACTOR', p: 'PPK' };
const TOKEN_SHAPE = /^([0-9a-f-]{36})\.([cp])\.([0-9a-z]{1,11})\.([A-Za-z0-9_-]{43})$/;

export function mintCaseLinkToken(key: Buffer, link: CaseLink): string {
  const body = `${link.caseId.toLowerCase()}.${ROLE_CODES[link.role]}.${Math.floor(link.expiresAt.getTime() / 1000).toString(36)}`;
  return `${body}.${sign(key, PURPOSE, body)}`;
}

export type CaseLinkReading = { ok: true; link: CaseLink } | { ok: false; reason: 'invalid' | 'expired' };

/**
 * Checks a token: `invalid` for anything not signed by this server (tampered, truncated, another purpose's
 * signature), `expired` for a genuine link past its expiry. The signature is checked before the expiry is believed.
 */
export function readCaseLinkToken(key: Buffer, token: unknown, now: Date): CaseLinkReading {
  if (typeof token !== 'string') return { ok: false, reason: 'invalid' };
  const match = TOKEN_SHAPE.exec(token);
  if (!match || !isUuid(match[1])) return { ok: false, reason: 'invalid' };
  const body = `${match[1]}.${match[2]}.${match[3]}`;
  if (!sameToken(match[4], sign(key, PURPOSE, body))) return { ok: false, reason: 'invalid' };
  const expiresAt = new Date(parseInt(match[3], 36) * 1000);
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, link: { caseId: match[1], role: CODE_ROLES[match[2]], expiresAt } };
}

/** The absolute link a notice carries, valid for CASE_LINK_TTL_DAYS from `now`. */
export function caseLinkFor(
  config: Pick<SinergiConfig, 'secretsKey' | 'publicBaseUrl'>,
  caseId: string,
  role: CaseLinkRole,
  now: Date,
): { url: string; expiresAt: string } {
  const expiresAt = new Date(now.getTime() + CASE_LINK_TTL_DAYS * 24 * 60 * 60 * 1000);
  const token = mintCaseLinkToken(consoleSigningKey(config), { caseId, role, expiresAt });
  return { url: `${config.publicBaseUrl.replace(/\/+$/, '')}${caseLinkPath(token)}`, expiresAt: expiresAt.toISOString() };
}

/** The link's path and query, relative to the console's origin. */
export const caseLinkPath = (token: string) => `${CASE_LINK_PATH}?t=${encodeURIComponent(token)}`;
