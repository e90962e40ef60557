import { Query } from '@nestjs/cqrs';
import type { Principal } from '@sinergi/auth';
import type { Official } from '../../officials.repository';

/** One official of the directory, when the admin may see it. */
export class GetOfficialQuery extends Query<Official> {
  constructor(
    readonly id: string,
    readonly reader: Principal,
  ) {
    super();
  }
}
