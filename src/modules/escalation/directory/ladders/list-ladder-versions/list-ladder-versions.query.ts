import { Query } from '@nestjs/cqrs';
import type { Principal } from '@sinergi/auth';
import type { LadderView } from '../ladder-view';

export interface LadderVersions {
  regionCode: string;
  items: LadderView[];
}

/** Every version of a region's own ladder, oldest first (no inheritance). */
export class ListLadderVersionsQuery extends Query<LadderVersions> {
  constructor(
    readonly regionCode: string,
    readonly reader: Principal,
  ) {
    super();
  }
}
