import { Query } from '@nestjs/cqrs';
import type { Principal } from '@sinergi/auth';
import type { ProjectHistory } from './get-project-history.handler';

/** Every event about a project in commit order, masked unless the reader may read personal data; recorded in the access log. */
export class GetProjectHistoryQuery extends Query<ProjectHistory> {
  constructor(
    readonly projectId: string,
    readonly reader: Principal,
    readonly correlationId: string | null,
  ) {
    super();
  }
}
