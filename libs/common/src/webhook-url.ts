import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { invalid } from './domain-error';
import { isPublicAddress } from './public-address';

/**
 * The guard against server-side request forgery for every URL Sinergi calls back (officials' and procurement
 * clients' webhooks): checked when the URL is registered (`assertWebhookAllowed`) and again, against the addresses
 * then resolved, when a delivery connects (`checkWebhookUrl`).
 */

/** Resolves a host name to every address it has (A and AAAA). */
export type HostLookup = (host: string) => Promise<string[]>;

export type UrlCheck =
  | { readonly allowed: true; readonly url: URL; readonly host: string; readonly addresses: readonly string[] | null }
  | { readonly allowed: false; readonly reason: 'invalid_url' | 'scheme_not_allowed' | 'credentials_in_url' | 'address_not_allowed' | 'unresolvable' };

export const defaultHostLookup: HostLookup = async (host) =>
  (await dnsLookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * Decides whether Sinergi may POST to `url`: https only (http only for `allowHosts`), no credentials in
 * the URL, and every address the host resolves to is public. `addresses` is what the request must connect
 * to (`null` for an allow-listed host), so a DNS answer that changes between check and request is not trusted.
 */
export async function checkWebhookUrl(
  rawUrl: string,
  allowHosts: readonly string[] = [],
  lookup: HostLookup = defaultHostLookup,
): Promise<UrlCheck> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { allowed: false, reason: 'invalid_url' };
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const allowListed = allowHosts.some((allowed) => allowed.replace(/^\[|\]$/g, '').toLowerCase() === host);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowListed)) return { allowed: false, reason: 'scheme_not_allowed' };
  if (url.username || url.password) return { allowed: false, reason: 'credentials_in_url' };
  if (allowListed) return { allowed: true, url, host, addresses: null };

  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else {
    try {
      addresses = await lookup(host);
    } catch {
      return { allowed: false, reason: 'unresolvable' };
    }
    if (addresses.length === 0) return { allowed: false, reason: 'unresolvable' };
  }
  if (!addresses.every(isPublicAddress)) return { allowed: false, reason: 'address_not_allowed' };
  return { allowed: true, url, host, addresses };
}

/** For validating an official's or client's webhook URL when it is registered. */
export async function isUrlAllowed(
  url: string,
  allowHosts: readonly string[] = [],
  lookup: HostLookup = defaultHostLookup,
): Promise<boolean> {
  return (await checkWebhookUrl(url, allowHosts, lookup)).allowed;
}

/** Refuses URLs Sinergi must not call: non-https, credentials, private, loopback or internal addresses. */
export async function assertWebhookAllowed(url: string, allowHosts: readonly string[] = []): Promise<void> {
  const check = await checkWebhookUrl(url, allowHosts);
  if (!check.allowed) {
    throw invalid('webhook_url_not_allowed', `webhookUrl is not allowed (${check.reason})`, [
      { path: 'webhookUrl', code: 'webhook_url_not_allowed', message: `webhookUrl is not allowed (${check.reason}): https to a public address only` },
    ]);
  }
}
