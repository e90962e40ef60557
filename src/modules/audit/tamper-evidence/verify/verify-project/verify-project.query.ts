import { Query } from '@nestjs/cqrs';
import type { Principal } from '@sinergi/auth';
import type { ProjectVerification } from './verify-project.handler';

/** Recompute the hash chains of a project's streams now; the check is recorded in the access log. */
export class VerifyProjectQuery extends Query<ProjectVerification> {
  constructor(
    readonly projectId: string,
    readonly reader: Principal,
    readonly correlationId: string | null,
  ) {
    super();
  }
}
