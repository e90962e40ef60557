import { Query } from '@nestjs/cqrs';
import type { Principal } from '@sinergi/auth';
import type { CheckpointDocument } from '../checkpoint-document';

/** One checkpoint (by id, or `latest`) as a self-contained document; the read is recorded in the access log. */
export class GetCheckpointQuery extends Query<CheckpointDocument> {
  constructor(
    readonly id: string,
    readonly reader: Principal,
    readonly correlationId: string | null,
  ) {
    super();
  }
}
