import { Query } from '@nestjs/cqrs';
import type { ProjectView } from '../get-project/get-project.query';
import type { Reader } from '../get-project/reader-auth.guard';

/**
 * Several projects at once, each exactly as GetProjectQuery answers it (a list page showing a project's name and
 * agency per row reads them in one round trip). A project unknown or outside the reader's regions maps to null.
 */
export class GetProjectsQuery extends Query<Map<string, ProjectView | null>> {
  constructor(
    readonly projectIds: readonly string[],
    readonly reader: Reader,
  ) {
    super();
  }
}
