import { Query } from '@nestjs/cqrs';
import type { Principal } from '@sinergi/auth';
import type { CaseDetail } from './get-case.handler';

/** One case with its ladder, levels, acknowledgements, holds and timeline, when the reader may see its region. */
export class GetCaseQuery extends Query<CaseDetail> {
  constructor(
    readonly caseId: string,
    readonly reader: Principal,
  ) {
    super();
  }
}
