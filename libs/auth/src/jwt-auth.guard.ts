import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  type FactoryProvider,
  Inject,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { CLOCK, type Clock, DomainError, SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import { JwtVerifier } from './jwt-verifier';
import { hasRole, type Principal, type Role } from './principal';

export { assertCanRead, assertCanWrite } from './principal';

/** Injection token of the application's JwtVerifier. */
export const JWT_VERIFIER = Symbol('JWT_VERIFIER');

/** Builds the JwtVerifier from SINERGI_CONFIG's `jwt`, with the injected CLOCK when one is provided. */
export const jwtVerifierProvider: FactoryProvider<JwtVerifier> = {
  provide: JWT_VERIFIER,
  useFactory: (config: SinergiConfig, clock?: Clock) => new JwtVerifier({ ...config.jwt, clock }),
  inject: [SINERGI_CONFIG, { token: CLOCK, optional: true }],
};

export const ROLES_KEY = 'sinergi:roles';

/** Restricts a controller or route to principals holding at least one of `roles`; enforced by JwtAuthGuard. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** The request as the guard leaves it. */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/**
 * Authenticates `Authorization: Bearer <jwt>` and puts the Principal on `request.principal`; then enforces
 * `@Roles(...)` (handler metadata overrides class metadata). 401 missing_token / invalid_token, 403 forbidden_role.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    @Inject(JWT_VERIFIER) private readonly verifier: JwtVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(req.headers.authorization);
    if (!token) {
      throw new DomainError('unauthenticated', 'missing_token', 'send the access token as Authorization: Bearer <token>');
    }
    const principal = await this.verifier.verify(token);
    req.principal = principal;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (roles?.length && !hasRole(principal, ...roles)) {
      throw new DomainError('forbidden', 'forbidden_role', `this requires the role ${roles.join(' or ')}`);
    }
    return true;
  }
}

function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(value ?? '');
  return match?.[1];
}

/** The authenticated principal; only on routes guarded by JwtAuthGuard. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  // Reaching here without one means the route lacks the guard; refuse rather than run unauthenticated.
  if (!principal) throw new DomainError('unauthenticated', 'missing_token', 'this route requires an access token');
  return principal;
});
