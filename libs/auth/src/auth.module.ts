import { Global, Module } from '@nestjs/common';
import { JWT_VERIFIER, JwtAuthGuard, jwtVerifierProvider } from './jwt-auth.guard';

/** The JWT verifier and guard for every module; needs SINERGI_CONFIG (and uses CLOCK when present). */
@Global()
@Module({
  providers: [jwtVerifierProvider, JwtAuthGuard],
  exports: [JWT_VERIFIER, JwtAuthGuard],
})
export class AuthModule {}
