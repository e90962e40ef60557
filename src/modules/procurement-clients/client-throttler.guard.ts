import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { SignedRequest } from './hmac-signature.guard';

/** Per-client rate limit: runs after the HMAC guard, so the tracker is the authenticated client id. */
@Injectable()
export class ClientThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: SignedRequest): Promise<string> {
    return req.procurementClient?.id ?? req.ip;
  }
}
