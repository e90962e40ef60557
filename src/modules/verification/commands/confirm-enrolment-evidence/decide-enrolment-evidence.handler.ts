import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import { EventStore } from '@sinergi/event-store';
import type { Pool } from 'pg';
import { type ComplianceCommand, decideCompliance } from '../../compliance/compliance.decider';
import { markEvidenceDecided } from '../../registry/evidence.registry';
import { decideOnComplianceStream } from '../compliance-decision';
import { DecideEnrolmentEvidenceCommand, type EvidenceDecided } from './decide-enrolment-evidence.command';

/**
 * Records an official's confirmation or rejection, and marks the evidence row alike in the same transaction. A
 * confirmation triggers a verification (the relay), in which the evidence registry answers for the project.
 */
@CommandHandler(DecideEnrolmentEvidenceCommand)
export class DecideEnrolmentEvidenceHandler implements ICommandHandler<DecideEnrolmentEvidenceCommand> {
  constructor(
    private readonly store: EventStore,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ projectId, evidenceId, official, decision, correlationId }: DecideEnrolmentEvidenceCommand): Promise<EvidenceDecided> {
    const at = this.clock.now().toISOString();
    const command: ComplianceCommand =
      decision.kind === 'confirm'
        ? { type: 'ConfirmEnrolmentEvidence', evidenceId, confirmedBy: official.sub, confirmedAt: at }
        : { type: 'RejectEnrolmentEvidence', evidenceId, rejectedBy: official.sub, reason: decision.reason, rejectedAt: at };
    const status = decision.kind === 'confirm' ? 'CONFIRMED' : 'REJECTED';
    // Out of scope is 404 like an unknown project (decideOnComplianceStream), before the evidence is looked up.
    return decideOnComplianceStream(this.store, this.pool, projectId, official, ({ registration, compliance, facts }) => {
      return {
        events: decideCompliance(command, compliance, facts),
        metadata: { actor: { kind: 'user', id: official.sub }, correlationId, regionCode: registration.regionCode, projectId },
        write: (tx) => markEvidenceDecided(tx, evidenceId, status === 'CONFIRMED' ? { status, confirmedAt: at } : { status }),
        result: { projectId, evidenceId, status },
      };
    });
  }
}
