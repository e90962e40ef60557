import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import { EventStore } from '@sinergi/event-store';
import type { Pool } from 'pg';
import { decideCompliance } from '../../compliance/compliance.decider';
import { insertSubmittedEvidence } from '../../registry/evidence.registry';
import { decideOnComplianceStream } from '../compliance-decision';
import { SubmitEnrolmentEvidenceCommand } from './submit-enrolment-evidence.command';

/**
 * A contractor's proof of enrolment, handed in through its procurement system or by an official: recorded on the
 * compliance stream and as a SUBMITTED row, which the evidence registry ignores until an official confirms it.
 */
@CommandHandler(SubmitEnrolmentEvidenceCommand)
export class SubmitEnrolmentEvidenceHandler implements ICommandHandler<SubmitEnrolmentEvidenceCommand> {
  constructor(
    private readonly store: EventStore,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: SubmitEnrolmentEvidenceCommand): Promise<{ evidenceId: string }> {
    const { projectId, documents } = command;
    // Chosen once: a retry after a concurrent append records the same evidence, not a second one.
    const evidenceId = randomUUID();
    const submittedAt = this.clock.now().toISOString();
    return decideOnComplianceStream(this.store, this.pool, projectId, { regions: command.regions }, ({ registration, compliance, facts }) => {
      const submittedBy = command.submittedBy;
      const events = decideCompliance(
        { type: 'SubmitEnrolmentEvidence', evidenceId, ...documents, submittedBy, submittedAt },
        compliance,
        facts,
      );
      return {
        events,
        metadata: { actor: submittedBy, correlationId: command.correlationId, regionCode: registration.regionCode, projectId },
        write: (tx) =>
          insertSubmittedEvidence(tx, {
            evidenceId,
            projectId,
            npwp: registration.contractor.npwp,
            contractNumber: registration.contractNumber,
            projectNumber: documents.projectNumber,
            npp: documents.npp,
            coveredFrom: documents.coveredFrom,
            coveredTo: documents.coveredTo,
            premiumPaid: documents.premiumPaid,
          }),
        result: { evidenceId },
      };
    });
  }
}
