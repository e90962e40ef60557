import { firstInstalmentPercentFor, type SinergiConfig } from '@sinergi/common';
import { type LoadedGroup, streamRef } from '@sinergi/event-store';
import { todayWita } from '@sinergi/domain';
import { constructionProjectModel } from '../../../project-intake/construction-project.decider';
import { projectStreamId } from '../../../project-intake/construction-project.events';
import { complianceModel } from '../../compliance/compliance.decider';
import { complianceStreamId } from '../../compliance/compliance.events';
import { instalmentOutstanding, premiumStanding } from '../../compliance/premium-instalments';
import type { ProjectView } from './get-project.query';
import { type Reader, readerCanSee } from './reader-auth.guard';

/** Events that record a look at the registry (requests and evidence handling are not one). */
const CHECK_OUTCOMES = new Set(['EnrolmentConfirmed', 'EnrolmentMissing', 'PremiumShortfall', 'CoverageGap', 'WorkersUncovered', 'VerificationFailed', 'ComplianceStatusChanged']);

/** A project's two streams: the procurement facts and what verification found. */
export const projectStreams = (projectId: string) => ({
  project: streamRef(constructionProjectModel, projectStreamId(projectId)),
  compliance: streamRef(complianceModel, complianceStreamId(projectId)),
});

export type ProjectStreams = LoadedGroup<ReturnType<typeof projectStreams>>;

/**
 * The project as its streams tell it (GetProjectQuery and GetProjectsQuery), or null when it is unknown or outside
 * the reader's regions: the two answer alike, no existence leak (docs/api.md).
 */
export function projectView(
  projectId: string,
  { project: projectStream, compliance: complianceStream }: ProjectStreams,
  reader: Reader,
  config: SinergiConfig,
  now: Date,
): ProjectView | null {
  const project = projectStream.state;
  const r = project.registration;
  if (!r || !readerCanSee(reader, r.regionCode)) return null;
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
              firstInstalmentPercent: firstInstalmentPercentFor(config, r.regionCode),
              registrationDeadline: r.registrationDeadline,
              endDate: project.endDate!,
              handedOver: project.completedAt !== null,
              finalTerminRequested: project.contractValue > 0n && project.amountRequested >= project.contractValue,
              checkedOn: todayWita(now),
            }),
          )
        : null,
  };
}
