import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { canSeeRegion, JwtAuthGuard, type Principal } from '@sinergi/auth';
import { HmacSignatureGuard, type SignedRequest } from '../../../procurement-clients/hmac-signature.guard';

/** Who is reading: an official, auditor or admin (JWT), or a procurement client (HMAC signature). */
export type Reader = { kind: 'user'; principal: Principal } | { kind: 'client'; clientId: string; regions: string[] };
export type ReaderRequest = SignedRequest & { principal?: Principal; reader?: Reader };

export const readerCanSee = (reader: Reader, regionCode: string) =>
  canSeeRegion({ regions: reader.kind === 'user' ? reader.principal.regions : reader.regions }, regionCode);

/** Bearer token when there is one, otherwise the client signature of docs/api.md. */
@Injectable()
export class ReaderAuthGuard implements CanActivate {
  constructor(
    private readonly jwt: JwtAuthGuard,
    private readonly hmac: HmacSignatureGuard,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<ReaderRequest>();
    if (req.headers.authorization || !req.headers['x-client-id']) {
      await this.jwt.canActivate(context);
      req.reader = { kind: 'user', principal: req.principal! };
    } else {
      await this.hmac.canActivate(context);
      const client = req.procurementClient!;
      req.reader = { kind: 'client', clientId: client.id, regions: client.regionScopes };
    }
    return true;
  }
}
