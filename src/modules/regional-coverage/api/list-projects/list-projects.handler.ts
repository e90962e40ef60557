import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { ComplianceReason, ComplianceStatus } from '../../../verification/compliance/compliance.events';
import type { CoverageProjectRow, ProjectLifecycle } from '../../projection/coverage-project';
import { listCoverageProjects } from '../../projection/coverage.queries';
import { ListProjectsQuery } from './list-projects.query';
import { ReadDatabase } from '../../../../platform/read-routing';

/** A project as the officials' list shows it (`coverage_projects`); money as integer-rupiah strings. */
export interface ProjectListItem {
  projectId: string;
  projectRef: string;
  name: string;
  contractNumber: string;
  regionCode: string;
  agency: { code: string; name: string | null };
  fundingSource: string;
  fiscalYear: number;
  contractDate: string;
  contractor: { npwp: string; name: string };
  registrationDeadline: string | null;
  lifecycle: ProjectLifecycle | null;
  status: ComplianceStatus;
  reasons: ComplianceReason[];
  /** BPJS has confirmed the enrolment (whatever else is wrong): what coverage by projects counts. */
  registered: boolean;
  workers: { estimated: number | null; reported: number; covered: number };
  contractValue: string;
  premium: { due: string; paid: string };
}

export interface ProjectList {
  items: ProjectListItem[];
  nextCursor: string | null;
}

export function toProjectListItem(r: CoverageProjectRow): ProjectListItem {
  return {
    projectId: r.projectId,
    projectRef: r.projectRef!,
    name: r.name!,
    contractNumber: r.contractNumber!,
    regionCode: r.regionCode!,
    agency: { code: r.agencyCode!, name: r.agencyName },
    fundingSource: r.fundingSource!,
    fiscalYear: r.fiscalYear!,
    contractDate: r.contractDate!,
    contractor: { npwp: r.contractorNpwp!, name: r.contractorName! },
    registrationDeadline: r.registrationDeadline,
    lifecycle: r.lifecycle,
    status: r.status,
    reasons: r.reasons,
    registered: r.registered,
    workers: { estimated: r.workersEstimated, reported: r.workersReported, covered: r.workersCovered },
    contractValue: r.contractValue.toString(),
    premium: { due: r.premiumDue.toString(), paid: r.premiumPaid.toString() },
  };
}

/** The officials' project list: newest contract first, keyset pages (one statement), within the caller's scope. */
@QueryHandler(ListProjectsQuery)
export class ListProjectsHandler implements IQueryHandler<ListProjectsQuery> {
  constructor(private readonly reads: ReadDatabase) {}

  async execute(q: ListProjectsQuery): Promise<ProjectList> {
    const pool = await this.reads.pool();
    const page = await listCoverageProjects(pool, q.filter, { limit: q.limit, cursor: q.cursor });
    return { items: page.items.map(toProjectListItem), nextCursor: page.nextCursor };
  }
}
