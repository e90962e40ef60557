import { Query } from '@nestjs/cqrs';
import type { ComplianceReason, ComplianceStatus, EnrolmentRecord } from '../../compliance/compliance.events';
import type { Reader } from './reader-auth.guard';

export interface ProjectView {
  id: string;
  projectRef: string;
  name: string;
  regionCode: string;
  agency: { code: string; name: string };
  workType: string;
  fundingSource: string;
  fiscalYear: number;
  contractNumber: string;
  contractDate: string;
  contractor: { npwp: string; nib: string | null; name: string };
  contractValue: string;
  valueIncludesVat: boolean;
  startDate: string;
  endDate: string;
  maintenanceEndDate: string | null;
  status: string;
  complianceStatus: ComplianceStatus;
  reasons: ComplianceReason[];
  premiumDue: string;
  premiumPaid: string;
  registrationDeadline: string;
  /** Counted across a year without holiday data (weekends only there): a holiday import may still move it. */
  registrationDeadlineProvisional: boolean;
  enrolment: Pick<EnrolmentRecord, 'source' | 'projectNumber' | 'npp' | 'status' | 'coveredFrom' | 'coveredTo'> | null;
  workersReported: number;
  streamVersion: number;
  complianceVersion: number;
  lastCheckedAt: string | null;
  /**
   * Advisory: a participant paying in instalments still owes `amount` (integer rupiah) by `dueBy` (the amended end
   * date). Not a non-compliance reason and no case; null when nothing is outstanding.
   */
  instalmentOutstanding: { amount: string; dueBy: string } | null;
}

export class GetProjectQuery extends Query<ProjectView> {
  constructor(
    readonly projectId: string,
    readonly reader: Reader,
  ) {
    super();
  }
}
