import { generateKeyPairSync } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { consoleSigningKey, sign } from '../console-secrets';
import { LOCAL_OIDC_PATH, LOCAL_SCOPE } from './console-oidc.settings';
import { findLocalAccount } from './local-accounts';

export const LOCAL_INTERACTION_PATH = '/console/masuk/lokal';

/**
 * A real OpenID Connect provider (the certified `oidc-provider`) inside the API process, for start:local and the
 * tests only: its one client is the console, its accounts are LOCAL_ACCOUNTS, its sign-in page is the console's
 * one-click list. The console signs in against it through openid-client exactly as against a region's provider.
 * Created on first use, when the origin the server listens on is known; state is in memory (one process).
 */
@Injectable()
export class LocalIdentityProvider {
  private provider: Provider | null = null;
  private origin: string | null = null;
  private readonly logger = new Logger('LocalIdentityProvider');

  constructor(@Inject(SINERGI_CONFIG) private readonly config: SinergiConfig) {}

  /** The console client's secret: derived from SECRETS_KEY, so the two sides agree without a setting. */
  clientSecret(): string {
    return sign(consoleSigningKey(this.config), 'local-oidc-client-secret', 'sinergi-console');
  }

  issuer(origin: string): string {
    return `${origin}${LOCAL_OIDC_PATH}`;
  }

  /** The provider for `origin` (the server's canonical origin); the first call fixes it. */
  get(origin: string): Provider {
    if (this.provider && this.origin === origin) return this.provider;
    if (this.provider) throw new Error(`the local identity provider already serves ${this.origin}`);
    this.origin = origin;
    this.provider = this.create(origin);
    return this.provider;
  }

  /** Serves a request under /oidc (already without the prefix in `req.url`, the full path in `originalUrl`). */
  handle(origin: string, req: IncomingMessage, res: ServerResponse): void {
    const callback = this.get(origin).callback();
    void Promise.resolve(callback(req, res)).catch(() => {
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    });
  }

  private create(origin: string): Provider {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    const signingKey = consoleSigningKey(this.config);
    const configuration: Configuration = {
      clients: [
        {
          client_id: 'sinergi-console',
          client_secret: this.clientSecret(),
          redirect_uris: [`${origin}/console/masuk/callback`],
          post_logout_redirect_uris: [`${origin}/console/masuk`],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
          id_token_signed_response_alg: 'ES256',
        },
      ],
      jwks: { keys: [{ ...key, kid: 'local-1', alg: 'ES256', use: 'sig' } as never] },
      cookies: { keys: [sign(signingKey, 'local-oidc-cookies', 'v1')] },
      claims: { openid: ['sub'], profile: ['name'], sinergi: ['roles', 'regions', 'position', 'agency', 'permissions'] },
      scopes: LOCAL_SCOPE.split(' '),
      // The Sinergi claims go into the ID token, as a region's provider is asked to put them (the API's JWT claims).
      conformIdTokenClaims: false,
      pkce: { required: () => true },
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_ctx: KoaContextWithOIDC, interaction: { uid: string }) => `${LOCAL_INTERACTION_PATH}/${interaction.uid}` },
      findAccount: async (_ctx: KoaContextWithOIDC, id: string) => {
        const account = findLocalAccount(id);
        if (!account) return undefined;
        return { accountId: id, claims: async () => ({ ...account.claims }) };
      },
      // The console is this system's own client: no consent screen, the grant covers what it asks for.
      loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
        const { oidc } = ctx;
        const existing = oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(oidc.client!.clientId);
        if (existing) return oidc.provider.Grant.find(existing);
        const grant = new oidc.provider.Grant({ clientId: oidc.client!.clientId, accountId: oidc.session!.accountId });
        grant.addOIDCScope(LOCAL_SCOPE);
        await grant.save();
        return grant;
      },
      ttl: { Session: 8 * 3600, Interaction: 600, Grant: 8 * 3600, AccessToken: 3600, IdToken: 3600, AuthorizationCode: 60 },
      renderError: async (ctx, out) => {
        ctx.type = 'text/plain; charset=utf-8';
        ctx.body = `Masuk gagal: ${String(out.error)}${out.error_description ? ` (${String(out.error_description)})` : ""}`;
      },
    };
    const provider = new Provider(this.issuer(origin), configuration);
    provider.on('server_error', (_ctx: unknown, error: Error) => this.logger.error({ err: { name: error.name, message: error.message } }, 'local identity provider error'));
    return provider;
  }
}
