import { Query } from '@nestjs/cqrs';
import type { Principal } from '@sinergi/auth';
import type { CheckpointList, ListCheckpointsParams } from './list-checkpoints.handler';

/** A page of signed checkpoints, newest first; the read is recorded in the access log. */
export class ListCheckpointsQuery extends Query<CheckpointList> {
  constructor(
    readonly params: ListCheckpointsParams,
    readonly reader: Principal,
    readonly correlationId: string | null,
  ) {
    super();
  }
}
