import type { IncomingMessage } from 'node:http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { LOCAL_OIDC_PATH } from './auth/oidc/console-oidc.settings';
import { ConsoleSignIn } from './auth/oidc/console-sign-in.service';
import { LocalIdentityProvider } from './auth/oidc/local-identity-provider';
import { mountQueueDashboard } from './queue-dashboard/queue-dashboard';

/**
 * Mounts the admins' queue dashboard at /admin/queues (every mode), and the local identity provider (a Koa app) under
 * /oidc of the Fastify server, in local and test mode only. The provider runs in `onRequest`, before Fastify parses a
 * body, so it reads its own form posts.
 */
export function mountConsole(app: NestFastifyApplication): void {
  const signIn = app.get(ConsoleSignIn, { strict: false });
  // The queue dashboard (admins only), in every mode.
  mountQueueDashboard(app, () => signIn.canonicalOrigin());
  if (signIn.settings.kind !== 'local') return;
  const local = app.get(LocalIdentityProvider, { strict: false });
  app.getHttpAdapter().getInstance().addHook('onRequest', async (req, reply) => {
    const url = req.raw.url ?? '';
    if (url !== LOCAL_OIDC_PATH && !url.startsWith(`${LOCAL_OIDC_PATH}/`) && !url.startsWith(`${LOCAL_OIDC_PATH}?`)) return;
    reply.hijack();
    const raw = req.raw as IncomingMessage & { originalUrl?: string };
    raw.originalUrl = url;
    raw.url = url.slice(LOCAL_OIDC_PATH.length) || '/';
    if (raw.url.startsWith('?')) raw.url = `/${raw.url}`;
    local.handle(signIn.canonicalOrigin(), raw, reply.raw);
  });
}
