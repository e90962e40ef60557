import { ConfigError, type SinergiConfig } from '@sinergi/common';

/**
 * Where the console signs people in.
 * - `external`: the region's identity provider (OIDC_ISSUER_URL, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET optional for a
 *   public client, OIDC_SCOPES), authorization code + PKCE through openid-client.
 * - `local`: start:local and the tests without OIDC_ISSUER_URL: a real oidc-provider inside the process, at /oidc.
 * - `none`: production without an identity provider; the console then takes bearer tokens only.
 */
export type ConsoleOidcSettings =
  | { kind: 'external'; issuer: URL; clientId: string; clientSecret: string | null; scope: string; providerName: string }
  | { kind: 'local'; clientId: string; scope: string; providerName: string }
  | { kind: 'none'; providerName: string };

export const LOCAL_OIDC_PATH = '/oidc';
export const LOCAL_SCOPE = 'openid profile sinergi';

export function consoleOidcSettings(config: Pick<SinergiConfig, 'mode'>, env: Record<string, string | undefined> = process.env): ConsoleOidcSettings {
  const providerName = env.OIDC_PROVIDER_NAME || (env.OIDC_ISSUER_URL ? 'akun pemerintah daerah' : 'akun lokal (start:local)');
  if (env.OIDC_ISSUER_URL) {
    let issuer: URL;
    try {
      issuer = new URL(env.OIDC_ISSUER_URL);
    } catch {
      throw new ConfigError('OIDC_ISSUER_URL is not a valid URL');
    }
    if (config.mode === 'production' && issuer.protocol !== 'https:') throw new ConfigError('OIDC_ISSUER_URL must use https:// in production');
    if (!env.OIDC_CLIENT_ID) throw new ConfigError('OIDC_CLIENT_ID is required with OIDC_ISSUER_URL');
    return { kind: 'external', issuer, clientId: env.OIDC_CLIENT_ID, clientSecret: env.OIDC_CLIENT_SECRET || null, scope: env.OIDC_SCOPES || 'openid profile', providerName };
  }
  if (config.mode === 'production') return { kind: 'none', providerName };
  return { kind: 'local', clientId: 'sinergi-console', scope: LOCAL_SCOPE, providerName };
}
