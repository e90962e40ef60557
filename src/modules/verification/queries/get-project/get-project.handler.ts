import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock, firstInstalmentPercentFor, isUuid, SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import { resourceNotFound } from '@sinergi/auth';
import { loadStreamGroup, streamRef } from '@sinergi/event-store';
import { constructionProjectModel } from '../../../project-intake/construction-project.decider';
import { projectStreamId } from '../../../project-intake/construction-project.events';
import { complianceModel } from '../../compliance/compliance.decider';
import { instalmentOutstanding, premiumStanding } from '../../compliance/premium-instalments';
import { complianceStreamId } from '../../compliance/compliance.events';
import { GetProjectQuery, type ProjectView } from './get-project.query';
import { readerCanSee } from './reader-auth.guard';
import { ReadDatabase } from '../../../../platform/read-routing';
import { todayWita } from '@sinergi/domain';

/** Events that record a look at the registry (requests and evidence handling are not one). */
const CHECK_OUTCOMES = new Set(['EnrolmentConfirmed', 'EnrolmentMissing', 'PremiumShortfall', 'CoverageGap', 'WorkersUncovered', 'VerificationFailed', 'ComplianceStatusChanged']);

/** The project as its two streams tell it: the procurement facts and what verification found. */
@QueryHandler(GetProjectQuery)
export class GetProjectHandler implements IQueryHandler<GetProjectQuery> {
  constructor(
    private readonly reads: ReadDatabase,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SINERGI_CONFIG) private readonly config: SinergiConfig,
  ) {}

  async execute({ projectId, reader }: GetProjectQuery): Promise<ProjectView> {
    if (!isUuid(projectId)) throw resourceNotFound('project');
    const { project: projectStream, compliance: complianceStream } = await loadStreamGroup(await this.reads.store(), {
      project: streamRef(constructionProjectModel, projectStreamId(projectId)),
      compliance: streamRef(complianceModel, complianceStreamId(projectId)),
    });
    const project = projectStream.state;
    const r = project.registration;
    // Unknown and out of scope answer alike: no existence leak (docs/api.md).
    if (!r || !readerCanSee(reader, r.regionCode)) throw resourceNotFound('project');
    const compliance = complianceStream.state;
    const lastChecked = [...complianceStream.events].reverse().find((e) => CHECK_OUTCOMES.has(e.type));
    return {
      id: projectId,
      projectRef: r.projectRef,
      name: r.name,
      regionCode: r.regionCode,
      agency: r.agency,
      workType: r.workType,
      fundingSource: r.fundingSource,
      fiscalYear: r.fiscalYear,
      contractNumber: r.contractNumber,
      contractDate: r.contractDate,
      contractor: { npwp: r.contractor.npwp, nib: r.contractor.nib, name: r.contractor.name },
      contractValue: project.contractValue.toString(),
      valueIncludesVat: r.valueIncludesVat,
      startDate: r.startDate,
      endDate: project.endDate!,
      maintenanceEndDate: project.maintenanceEndDate,
      status: project.status,
      complianceStatus: compliance.status,
      reasons: compliance.reasons,
      premiumDue: project.premium!.total,
      premiumPaid: compliance.enrolment?.premiumPaid ?? '0',
      registrationDeadline: r.registrationDeadline,
      registrationDeadlineProvisional: r.registrationDeadlineProvisional ?? false,
      enrolment: compliance.enrolment
        ? (({ source, projectNumber, npp, status, coveredFrom, coveredTo }) => ({ source, projectNumber, npp, status, coveredFrom, coveredTo }))(compliance.enrolment)
        : null,
      workersReported: project.workerCount,
      streamVersion: projectStream.head.version,
      complianceVersion: complianceStream.head.version,
      lastCheckedAt: lastChecked ? lastChecked.recordedAt.toISOString() : null,
      instalmentOutstanding:
        compliance.status === 'COMPLIANT' && compliance.enrolment
          ? instalmentOutstanding(
              premiumStanding({
                premiumDue: BigInt(project.premium!.total),
                premiumPaid: BigInt(compliance.enrolment.premiumPaid),
                firstInstalmentPercent: firstInstalmentPercentFor(this.config, r.regionCode),
                registrationDeadline: r.registrationDeadline,
                endDate: project.endDate!,
                handedOver: project.completedAt !== null,
                finalTerminRequested: project.contractValue > 0n && project.amountRequested >= project.contractValue,
                checkedOn: todayWita(this.clock.now()),
              }),
            )
          : null,
    };
  }
}
