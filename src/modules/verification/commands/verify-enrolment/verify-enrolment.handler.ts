import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock, firstInstalmentPercentFor, type SinergiConfig, SINERGI_CONFIG } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import { todayWita } from '@sinergi/domain';
import { CommandHandler, type Decision, EventStore, type LoadedStream, streamRef } from '@sinergi/event-store';
import type { Pool } from 'pg';
import { constructionProjectModel, type ConstructionProjectState } from '../../../project-intake/construction-project.decider';
import { type ConstructionProjectEvent, projectStreamId } from '../../../project-intake/construction-project.events';
import { type ComplianceCommand, complianceModel, type ComplianceState, decideCompliance, type ProjectFacts } from '../../compliance/compliance.decider';
import { type ComplianceEvent, complianceStreamId, type EnrolmentRecord } from '../../compliance/compliance.events';
import { ENROLMENT_REGISTRY, type EnrolmentRegistry } from '../../registry/enrolment-registry.port';
import type { VerifyEnrolmentJob } from '../../verification.queue';

export type VerificationOutcome = 'verdict' | 'unchanged' | 'skipped' | 'failed';

type ProjectStream = LoadedStream<ConstructionProjectState, ConstructionProjectEvent>;

const handleCompliance = CommandHandler(complianceModel);

/**
 * Asks the enrolment registry about one project and records what the compliance decider makes of
 * the answer, in the same transaction that completes the verification request. Business outcomes
 * (not enrolled, short premium, a registry that keeps failing) are recorded as events, never thrown.
 */
@Injectable()
export class VerifyEnrolmentHandler {
  constructor(
    private readonly store: EventStore,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(ENROLMENT_REGISTRY) private readonly registry: EnrolmentRegistry,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SINERGI_CONFIG) private readonly config: SinergiConfig,
  ) {}

  /** Throws the registry's errors (unavailable, rate limited, rejected) for the processor to classify. */
  async verify(job: VerifyEnrolmentJob): Promise<VerificationOutcome> {
    let answer: { enrolment: EnrolmentRecord | null; uncovered: string[] | null } | null = null;
    return this.onComplianceStream(job, async (compliance, project) => {
      if (!project.state.registration || project.state.status === 'CANCELLED') {
        await this.complete(job, 'skipped');
        return { events: [], result: 'skipped' };
      }
      // Asked once per job: a retry after a concurrent append re-decides on the same answer.
      answer ??= await this.ask(project);
      const now = this.clock.now();
      const command: ComplianceCommand = {
        type: 'RecordRegistryAnswer',
        enrolment: answer.enrolment,
        uncoveredPersonRefs: answer.uncovered,
        checkedOn: todayWita(now),
        checkedAt: now.toISOString(),
      };
      return this.record(job, project, compliance, command);
    });
  }

  /** Records that verification gave up (retries exhausted, or BPJS refused outright) and dead-letters it. */
  async recordFailure(job: VerifyEnrolmentJob, reason: string, attempts: number): Promise<void> {
    await this.onComplianceStream(job, (compliance, project) => {
      const command: ComplianceCommand = { type: 'RecordVerificationFailure', reason, attempts, failedAt: this.clock.now().toISOString() };
      return this.record(job, project, compliance, command, { reason, attempts });
    });
  }

  /** Load → decide → append on the project's compliance stream, with the project stream read alongside. */
  private onComplianceStream(
    job: VerifyEnrolmentJob,
    decide: (compliance: ComplianceState, project: ProjectStream) => Decision<ComplianceEvent, VerificationOutcome> | Promise<Decision<ComplianceEvent, VerificationOutcome>>,
  ): Promise<VerificationOutcome> {
    const project = streamRef(constructionProjectModel, projectStreamId(job.projectId));
    return handleCompliance({ store: this.store, pool: this.pool }, complianceStreamId(job.projectId), (compliance, alongside) => decide(compliance.state, alongside.project), {
      alongside: { project },
    });
  }

  private async ask(project: ProjectStream): Promise<{ enrolment: EnrolmentRecord | null; uncovered: string[] | null }> {
    const registration = project.state.registration!;
    const enrolment = await this.registry.findProject({ npwp: registration.contractor.npwp, contractNumber: registration.contractNumber });
    if (!enrolment) return { enrolment, uncovered: null };
    return { enrolment, uncovered: await this.uncoveredWorkers(project, enrolment.projectNumber) };
  }

  /** Roster people the registry does not know; NIKs are read here and never leave this call. */
  private async uncoveredWorkers(project: ProjectStream, projectNumber: string): Promise<string[] | null> {
    const roster = project.events.findLast((e) => e.type === 'WorkersReported');
    if (roster?.type !== 'WorkersReported') return null;
    const refs = roster.data.workers.map((w) => w.personRef);
    const { rows } = await this.pool.query<{ ref: string; nik: string }>(
      `SELECT ref, data->>'nik' AS nik FROM personal_data WHERE ref = ANY($1::text[]) AND erased_at IS NULL AND data ? 'nik'`,
      [refs],
    );
    if (rows.length === 0) return null;
    const covered = await this.registry.lookupWorkers(projectNumber, rows.map((r) => r.nik));
    if (!covered) return null;
    return rows.filter((r) => covered.get(r.nik) === false).map((r) => r.ref);
  }

  /** The decision on the compliance stream, with the request's completion (and any dead letter) in its transaction. */
  private record(
    job: VerifyEnrolmentJob,
    project: ProjectStream,
    compliance: ComplianceState,
    command: ComplianceCommand,
    deadLetter?: { reason: string; attempts: number },
  ): Decision<ComplianceEvent, VerificationOutcome> {
    const registration = project.state.registration;
    const decided = decideCompliance(command, compliance, projectFacts(job.projectId, project.state, firstInstalmentPercentFor(this.config, registration!.regionCode)));
    const outcome: VerificationOutcome = deadLetter ? 'failed' : decided.length ? 'verdict' : 'unchanged';
    return {
      events: decided,
      metadata: {
        actor: { kind: 'system', id: 'verification' },
        correlationId: job.requestId,
        causationId: job.requestId,
        regionCode: registration?.regionCode,
        projectId: job.projectId,
      },
      write: async (tx) => {
        await tx.query(`UPDATE verification_requests SET completed_at = now(), outcome = $2 WHERE job_id = $1`, [job.requestId, outcome]);
        if (deadLetter) {
          await tx.query(
            `INSERT INTO dead_letters (id, queue, job_id, project_id, reason, attempts, failed_at) VALUES ($1, 'verification', $2, $3, $4, $5, now())`,
            [randomUUID(), job.requestId, job.projectId, deadLetter.reason, deadLetter.attempts],
          );
        }
        return outcome;
      },
    };
  }

  private async complete(job: VerifyEnrolmentJob, outcome: VerificationOutcome): Promise<void> {
    await this.pool.query(`UPDATE verification_requests SET completed_at = now(), outcome = $2 WHERE job_id = $1`, [job.requestId, outcome]);
  }
}

/**
 * The compliance decider's view of a project. `firstInstalmentPercent` matters only to registry answers, which the
 * verification passes with the region's configured share.
 * @defaultValue firstInstalmentPercent 50
 */
export function projectFacts(projectId: string, project: ConstructionProjectState, firstInstalmentPercent = 50): ProjectFacts {
  const registration = project.registration!;
  return {
    projectId,
    registrationDeadline: registration.registrationDeadline,
    premiumDue: project.premium!.total,
    endDate: project.endDate!,
    maintenanceEndDate: project.maintenanceEndDate,
    cancelled: project.status === 'CANCELLED',
    rosterAsOf: project.rosterAsOf,
    firstInstalmentPercent,
    handedOver: project.completedAt !== null,
    finalTerminRequested: project.contractValue > 0n && project.amountRequested >= project.contractValue,
  };
}
