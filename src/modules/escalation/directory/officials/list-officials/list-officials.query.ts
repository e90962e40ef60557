import { Query } from '@nestjs/cqrs';
import type { Principal } from '@sinergi/auth';
import type { Official } from '../../officials.repository';

/** Officials in the admin's regions; `regionCode` keeps those covering or within it, `position` one position (both as given). */
export class ListOfficialsQuery extends Query<{ items: Official[] }> {
  constructor(
    readonly reader: Principal,
    readonly regionCode?: string,
    readonly position?: string,
  ) {
    super();
  }
}
