import { Controller, Get, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { resourceNotFound } from '@sinergi/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConsoleAuthGuard, type ConsoleRequest, CSRF_FIELD } from '../../auth/console-auth.guard';
import { ConsoleSessions } from '../../auth/console-sessions';
import { sameToken } from '../../auth/console-secrets';
import { ConsoleSignIn, safeBackPath, SignInError } from '../../auth/oidc/console-sign-in.service';
import { findLocalAccount, LOCAL_ACCOUNTS } from '../../auth/oidc/local-accounts';
import { LocalIdentityProvider } from '../../auth/oidc/local-identity-provider';
import { ConsoleExceptionFilter } from '../../console-exception.filter';
import { html } from '../../view/html';
import { page } from '../../view/layout';
import { redirect, sendPage } from '../../view/respond';
import { signInPage } from './sign-in.page';

/** Sign-in (OpenID Connect), sign-out, and the one-click account list of the local identity provider. */
@ApiExcludeController()
@Controller('console')
@UseFilters(ConsoleExceptionFilter)
export class SignInConsoleController {
  constructor(
    private readonly signIn: ConsoleSignIn,
    private readonly sessions: ConsoleSessions,
    private readonly local: LocalIdentityProvider,
  ) {}

  @Get('masuk')
  async page(@Query() query: Record<string, unknown>, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const back = safeBackPath(query.kembali);
    if (await this.sessions.fromCookieHeader(req.headers.cookie)) return redirect(reply, back);
    const error = typeof query.galat === 'string' ? query.galat : undefined;
    return sendPage(reply, signInPage({ back, providerName: this.signIn.settings.providerName, signedOut: query.keluar === '1', error }), error ? 400 : 200);
  }

  /** Starts the authorization code flow on the canonical origin (where the callback will come back to). */
  @Get('masuk/oidc')
  async start(@Query('kembali') back: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const origin = this.signIn.canonicalOrigin();
    if (`${req.protocol}://${req.host}` !== origin && this.signIn.settings.kind === 'local') {
      return redirect(reply, `${origin}/console/masuk/oidc?kembali=${encodeURIComponent(safeBackPath(back))}`);
    }
    try {
      const { location, cookie } = await this.signIn.start(safeBackPath(back));
      return redirect(reply, location, [cookie]);
    } catch (error) {
      if (error instanceof SignInError) return redirect(reply, `/console/masuk?galat=${error.code}`);
      throw error;
    }
  }

  @Get('masuk/callback')
  async callback(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    try {
      const { cookies, back } = await this.signIn.finish(req.url, req.headers.cookie);
      return redirect(reply, back, cookies);
    } catch (error) {
      if (error instanceof SignInError) return redirect(reply, `/console/masuk?galat=${error.code}`, [this.signIn.clearPendingCookie()]);
      throw error;
    }
  }

  @Post('keluar')
  @UseGuards(ConsoleAuthGuard)
  async signOut(@Req() req: ConsoleRequest, @Res() reply: FastifyReply) {
    if (req.console?.via === 'session') await this.sessions.destroy(req.console.session.id);
    return redirect(reply, '/console/masuk?keluar=1', [this.sessions.clearCookie()]);
  }

  /** The local identity provider's sign-in page: every seeded account, one click each. Local and test mode only. */
  @Get('masuk/lokal/:uid')
  async localAccounts(@Param('uid') uid: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const provider = this.localProvider();
    await provider.interactionDetails(req.raw, reply.raw).catch(() => {
      throw resourceNotFound('sign-in');
    });
    const token = this.sessions.sign('local-interaction', uid);
    const body = html`<p>Penyedia identitas lokal (hanya untuk <code>start:local</code> dan pengujian). Pilih akun untuk masuk:</p>
      <ul class="accounts">${LOCAL_ACCOUNTS.map(
        (a) => html`<li><form method="post" action="/console/masuk/lokal/${uid}">
          <input type="hidden" name="${CSRF_FIELD}" value="${token}"><input type="hidden" name="akun" value="${a.claims.sub}">
          <button type="submit"><strong>${a.claims.name}</strong>${a.description}</button></form></li>`,
      )}</ul>`;
    return sendPage(reply, page({ title: 'Pilih akun', body }));
  }

  @Post('masuk/lokal/:uid')
  async localSignIn(@Param('uid') uid: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const provider = this.localProvider();
    const body = (req.body ?? {}) as Record<string, unknown>;
    const account = typeof body.akun === 'string' ? findLocalAccount(body.akun) : undefined;
    if (!sameToken(typeof body[CSRF_FIELD] === 'string' ? (body[CSRF_FIELD] as string) : undefined, this.sessions.sign('local-interaction', uid)) || !account) {
      return redirect(reply, '/console/masuk?galat=state');
    }
    const details = await provider.interactionDetails(req.raw, reply.raw).catch(() => null);
    if (!details || details.uid !== uid) return redirect(reply, '/console/masuk?galat=state');
    reply.hijack();
    await provider.interactionFinished(req.raw, reply.raw, { login: { accountId: account.claims.sub } }, { mergeWithLastSubmission: false });
  }

  private localProvider() {
    if (this.signIn.settings.kind !== 'local') throw resourceNotFound('page');
    return this.local.get(this.signIn.canonicalOrigin());
  }
}
