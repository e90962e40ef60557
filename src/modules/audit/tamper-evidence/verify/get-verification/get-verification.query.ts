import { Query } from '@nestjs/cqrs';
import type { Principal } from '@sinergi/auth';
import type { VerificationView } from './get-verification.handler';

/** A verification job (status, progress, result) when it covers only regions the reader may see. */
export class GetVerificationQuery extends Query<VerificationView> {
  constructor(
    readonly verificationId: string,
    readonly reader: Principal,
    readonly correlationId: string | null,
  ) {
    super();
  }
}
