import { Command } from '@nestjs/cqrs';
import type { EvidenceSubmitter } from '../../compliance/compliance.events';
import type { Reader } from '../../queries/get-project/reader-auth.guard';
import type { IsoDate, RupiahString } from '@sinergi/domain';

/** The numbers on the proof documents, checked for form at the edge. */
export interface EvidenceDocuments {
  projectNumber: string;
  npp: string;
  paymentCode: string | null;
  receiptNumber: string;
  premiumPaid: RupiahString;
  coveredFrom: IsoDate;
  coveredTo: IsoDate;
}

/** Hand in a contractor's proof of enrolment for the project. */
export class SubmitEnrolmentEvidenceCommand extends Command<{ evidenceId: string }> {
  constructor(
    readonly projectId: string,
    readonly submitter: Reader,
    readonly documents: EvidenceDocuments,
    readonly correlationId: string,
  ) {
    super();
  }

  /** The regions the submitter may act on: a user's token scope, or a procurement client's. */
  get regions(): string[] {
    return this.submitter.kind === 'user' ? this.submitter.principal.regions : this.submitter.regions;
  }

  get submittedBy(): EvidenceSubmitter {
    return this.submitter.kind === 'user' ? { kind: 'user', id: this.submitter.principal.sub } : { kind: 'client', id: this.submitter.clientId };
  }
}
