import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { SIGNATURE_TOLERANCE_SECONDS, verifyPayloadSignature } from '@sinergi/auth';
import { CLOCK, type Clock, DomainError } from '@sinergi/common';
import type { FastifyRequest } from 'fastify';
import { type ProcurementClient, ProcurementClientRepository } from './procurement-client.repository';

export type SignedRequest = FastifyRequest & { rawBody?: Buffer; procurementClient?: ProcurementClient };

const unauthenticated = (code: string, message: string) => new DomainError('unauthenticated', code, message);

/** Authenticates a procurement system by the HMAC of docs/api.md: X-Client-Id, X-Timestamp, X-Signature. */
@Injectable()
export class HmacSignatureGuard implements CanActivate {
  constructor(
    private readonly clients: ProcurementClientRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<SignedRequest>();
    const clientId = header(req, 'x-client-id');
    const timestamp = header(req, 'x-timestamp');
    const signature = header(req, 'x-signature');
    if (!clientId || !timestamp || !signature) {
      throw unauthenticated('missing_signature', 'X-Client-Id, X-Timestamp and X-Signature headers are required');
    }
    if (!/^\d{1,12}$/.test(timestamp)) throw unauthenticated('invalid_timestamp', 'X-Timestamp must be Unix seconds');
    const skew = Math.abs(this.clock.now().getTime() / 1000 - Number(timestamp));
    if (skew > SIGNATURE_TOLERANCE_SECONDS) {
      throw unauthenticated('stale_timestamp', `X-Timestamp is more than ${SIGNATURE_TOLERANCE_SECONDS} s from the server's time`);
    }
    const found = await this.clients.findForAuthentication(clientId);
    // Unknown client and wrong signature answer alike apart from the code, so nothing about secrets leaks.
    if (!found) throw unauthenticated('unknown_client', 'the client is unknown or disabled');
    if (!verifyPayloadSignature(found.secrets, timestamp, req.rawBody ?? Buffer.alloc(0), signature)) {
      throw unauthenticated('invalid_signature', 'X-Signature does not match the request body');
    }
    req.procurementClient = found.client;
    return true;
  }
}

function header(req: FastifyRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
