export * from './request-signature';
export * from './standard-webhooks';
export * from './principal';
export * from './region-scope.sql';
export * from './jwt-verifier';
export {
  type AuthenticatedRequest,
  CurrentPrincipal,
  JWT_VERIFIER,
  JwtAuthGuard,
  jwtVerifierProvider,
  Roles,
  ROLES_KEY,
} from './jwt-auth.guard';
export * from './auth.module';
