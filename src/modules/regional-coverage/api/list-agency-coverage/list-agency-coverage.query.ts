import { Query } from '@nestjs/cqrs';
import type { Principal } from '@sinergi/auth';
import type { AgencyCoverageList } from './list-agency-coverage.handler';

/** Coverage per agency within a region (or the reader's whole scope when `regionCode` is undefined). */
export class ListAgencyCoverageQuery extends Query<AgencyCoverageList> {
  constructor(
    readonly regionCode: string | undefined,
    readonly reader: Principal,
  ) {
    super();
  }
}
