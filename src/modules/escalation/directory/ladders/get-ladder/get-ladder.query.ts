import { Query } from '@nestjs/cqrs';
import type { Principal } from '@sinergi/auth';
import type { LadderView } from '../ladder-view';

/** The ladder that applies to a region: its own latest version, else its nearest ancestor's. */
export class GetLadderQuery extends Query<LadderView> {
  constructor(
    readonly regionCode: string,
    readonly reader: Principal,
  ) {
    super();
  }
}
