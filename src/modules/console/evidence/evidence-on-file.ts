import { Injectable } from '@nestjs/common';
import { EventStore, loadStream } from '@sinergi/event-store';
import { complianceModel } from '../../verification/compliance/compliance.decider';
import { complianceStreamId, type EvidenceStatus, type EvidenceSubmitter } from '../../verification/compliance/compliance.events';

/** One piece of enrolment evidence as the console shows it (the compliance stream's own record of it). */
export interface EvidenceOnFile {
  evidenceId: string;
  status: EvidenceStatus;
  projectNumber: string;
  npp: string;
  paymentCode: string | null;
  receiptNumber: string;
  premiumPaid: string;
  coveredFrom: string;
  coveredTo: string;
  submittedAt: string;
  submittedBy: EvidenceSubmitter;
  decidedAt: string | null;
  rejectionReason: string | null;
}

/**
 * The evidence handed in for a project, newest first, folded from its compliance stream by the verification
 * module's own model: no SQL of its own. Callers check scope first (the case or project was read with the reader's
 * principal), exactly as the API's evidence commands do.
 */
@Injectable()
export class EvidenceOnFileReader {
  constructor(private readonly store: EventStore) {}

  async list(projectId: string): Promise<EvidenceOnFile[]> {
    const stream = await loadStream(this.store, complianceModel, complianceStreamId(projectId));
    const byId = new Map<string, EvidenceOnFile>();
    for (const event of stream.events) {
      switch (event.type) {
        case 'EnrolmentEvidenceSubmitted': {
          const d = event.data;
          byId.set(d.evidenceId, {
            evidenceId: d.evidenceId,
            status: 'SUBMITTED',
            projectNumber: d.projectNumber,
            npp: d.npp,
            paymentCode: d.paymentCode,
            receiptNumber: d.receiptNumber,
            premiumPaid: d.premiumPaid,
            coveredFrom: d.coveredFrom,
            coveredTo: d.coveredTo,
            submittedAt: d.submittedAt,
            submittedBy: d.submittedBy,
            decidedAt: null,
            rejectionReason: null,
          });
          break;
        }
        case 'EnrolmentEvidenceConfirmed': {
          const e = byId.get(event.data.evidenceId);
          if (e) byId.set(e.evidenceId, { ...e, status: 'CONFIRMED', decidedAt: event.data.confirmedAt });
          break;
        }
        case 'EnrolmentEvidenceRejected': {
          const e = byId.get(event.data.evidenceId);
          if (e) byId.set(e.evidenceId, { ...e, status: 'REJECTED', decidedAt: event.data.rejectedAt, rejectionReason: event.data.reason });
          break;
        }
        default:
          break;
      }
    }
    return [...byId.values()].reverse();
  }
}
