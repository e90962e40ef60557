import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type AuthenticatedRequest, hasRole, JwtAuthGuard, type Principal, type Role, ROLES_KEY } from '@sinergi/auth';
import { DomainError, forbidden } from '@sinergi/common';
import { type ConsoleSession, ConsoleSessions } from './console-sessions';

/** How the person reached the page: the API's bearer token (no CSRF, no cookie) or a console session. */
export type ConsoleAccess = { via: 'bearer' } | { via: 'session'; session: ConsoleSession; csrfToken: string };

export interface ConsoleRequest extends AuthenticatedRequest {
  method: string;
  url: string;
  body?: unknown;
  id?: unknown;
  console?: ConsoleAccess;
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

export const CSRF_FIELD = '_csrf';

/**
 * Every console page and form: `Authorization: Bearer` goes through the API's own JwtAuthGuard (same verifier,
 * same principal, same `@Roles`); otherwise the session cookie, whose forms must carry the session's CSRF token.
 * Without either: 401 `unauthenticated`, which the console's filter turns into a redirect to sign-in for a browser.
 */
@Injectable()
export class ConsoleAuthGuard implements CanActivate {
  constructor(
    private readonly jwt: JwtAuthGuard,
    private readonly sessions: ConsoleSessions,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<ConsoleRequest>();
    if (req.headers.authorization) {
      await this.jwt.canActivate(context);
      req.console = { via: 'bearer' };
      return true;
    }
    const session = await this.sessions.fromCookieHeader(req.headers.cookie);
    if (!session) throw new DomainError('unauthenticated', 'missing_session', 'sign in to the console, or send the API token as Authorization: Bearer <token>');
    if (!SAFE_METHODS.has(req.method) && !this.sessions.checkCsrf(session, (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD])) {
      throw forbidden('csrf_invalid', 'the form is out of date; open the page again and resubmit');
    }
    req.principal = session.principal;
    req.console = { via: 'session', session, csrfToken: this.sessions.csrfToken(session) };
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (roles?.length && !hasRole(session.principal, ...roles)) {
      throw forbidden('forbidden_role', `this requires the role ${roles.join(' or ')}`);
    }
    return true;
  }
}

/** The signed-in principal and how they came; only on routes behind ConsoleAuthGuard. */
export function consoleViewer(req: ConsoleRequest): { principal: Principal; access: ConsoleAccess } {
  if (!req.principal || !req.console) throw new DomainError('unauthenticated', 'missing_session', 'this page requires signing in');
  return { principal: req.principal, access: req.console };
}
