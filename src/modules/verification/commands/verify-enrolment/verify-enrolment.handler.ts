import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock, firstInstalmentPercentFor, type SinergiConfig, SINERGI_CONFIG } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import { EventStore, type NewEvent, type RecordedEvent, retryOnConflict } from '@sinergi/event-store';
import type { Pool } from 'pg';
import { type ConstructionProjectState, foldProject } from '../../../project-intake/construction-project.decider';
import { type ConstructionProjectEvent, projectStreamId, type WorkersReportedData } from '../../../project-intake/construction-project.events';
import { type ComplianceCommand, decideCompliance, foldCompliance, type ProjectFacts } from '../../compliance/compliance.decider';
import { type ComplianceEvent, complianceStreamId, type EnrolmentRecord } from '../../compliance/compliance.events';
import { ENROLMENT_REGISTRY, type EnrolmentRegistry } from '../../registry/enrolment-registry.port';
import type { VerifyEnrolmentJob } from '../../verification.queue';
import { todayWita } from '@sinergi/domain';

export type VerificationOutcome = 'verdict' | 'unchanged' | 'skipped' | 'failed';

interface Loaded {
  project: ConstructionProjectState;
  projectEvents: RecordedEvent[];
  complianceEvents: RecordedEvent[];
  complianceHead: { version: number; hash: string };
}

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
    return retryOnConflict(async () => {
      const loaded = await this.load(job.projectId);
      if (!loaded.project.registration || loaded.project.status === 'CANCELLED') {
        await this.complete(job, 'skipped');
        return 'skipped';
      }
      // Asked once per job: a retry after a concurrent append re-decides on the same answer.
      answer ??= await this.ask(loaded);
      const now = this.clock.now();
      const command: ComplianceCommand = {
        type: 'RecordRegistryAnswer',
        enrolment: answer.enrolment,
        uncoveredPersonRefs: answer.uncovered,
        checkedOn: todayWita(now),
        checkedAt: now.toISOString(),
      };
      return this.record(job, loaded, command);
    });
  }

  /** Records that verification gave up (retries exhausted, or BPJS refused outright) and dead-letters it. */
  async recordFailure(job: VerifyEnrolmentJob, reason: string, attempts: number): Promise<void> {
    await retryOnConflict(async () => {
      const loaded = await this.load(job.projectId);
      const command: ComplianceCommand = { type: 'RecordVerificationFailure', reason, attempts, failedAt: this.clock.now().toISOString() };
      await this.record(job, loaded, command, { reason, attempts });
    });
  }

  private async load(projectId: string): Promise<Loaded> {
    const streams = await this.store.readStreams([projectStreamId(projectId), complianceStreamId(projectId)]);
    const projectEvents = streams.get(projectStreamId(projectId))!.events;
    const compliance = streams.get(complianceStreamId(projectId))!;
    return {
      project: foldProject(projectEvents as unknown as ConstructionProjectEvent[]),
      projectEvents,
      complianceEvents: compliance.events,
      complianceHead: compliance.head,
    };
  }

  private async ask(loaded: Loaded): Promise<{ enrolment: EnrolmentRecord | null; uncovered: string[] | null }> {
    const registration = loaded.project.registration!;
    const enrolment = await this.registry.findProject({ npwp: registration.contractor.npwp, contractNumber: registration.contractNumber });
    if (!enrolment) return { enrolment, uncovered: null };
    return { enrolment, uncovered: await this.uncoveredWorkers(loaded, enrolment.projectNumber) };
  }

  /** Roster people the registry does not know; NIKs are read here and never leave this call. */
  private async uncoveredWorkers(loaded: Loaded, projectNumber: string): Promise<string[] | null> {
    const roster = [...loaded.projectEvents].reverse().find((e) => e.type === 'WorkersReported');
    if (!roster) return null;
    const refs = (roster.data as unknown as WorkersReportedData).workers.map((w) => w.personRef);
    const { rows } = await this.pool.query<{ ref: string; nik: string }>(
      `SELECT ref, data->>'nik' AS nik FROM personal_data WHERE ref = ANY($1::text[]) AND erased_at IS NULL AND data ? 'nik'`,
      [refs],
    );
    if (rows.length === 0) return null;
    const covered = await this.registry.lookupWorkers(projectNumber, rows.map((r) => r.nik));
    if (!covered) return null;
    return rows.filter((r) => covered.get(r.nik) === false).map((r) => r.ref);
  }

  private async record(job: VerifyEnrolmentJob, loaded: Loaded, command: ComplianceCommand, deadLetter?: { reason: string; attempts: number }): Promise<VerificationOutcome> {
    const state = foldCompliance(loaded.complianceEvents as unknown as ComplianceEvent[]);
    const decided = decideCompliance(
      command,
      state,
      projectFacts(job.projectId, loaded.project, firstInstalmentPercentFor(this.config, loaded.project.registration!.regionCode)),
    );
    const outcome: VerificationOutcome = deadLetter ? 'failed' : decided.length ? 'verdict' : 'unchanged';
    const events: NewEvent[] = decided.map((e) => ({
      type: e.type,
      data: e.data as unknown as Record<string, unknown>,
      metadata: {
        actor: { kind: 'system', id: 'verification' },
        correlationId: job.requestId,
        causationId: job.requestId,
        regionCode: loaded.project.registration?.regionCode,
        projectId: job.projectId,
      },
    }));
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await this.store.appendMany([{ streamId: complianceStreamId(job.projectId), expected: loaded.complianceHead, events }], {}, client);
      await client.query(`UPDATE verification_requests SET completed_at = now(), outcome = $2 WHERE job_id = $1`, [job.requestId, outcome]);
      if (deadLetter) {
        await client.query(
          `INSERT INTO dead_letters (id, queue, job_id, project_id, reason, attempts, failed_at) VALUES ($1, 'verification', $2, $3, $4, $5, now())`,
          [randomUUID(), job.requestId, job.projectId, deadLetter.reason, deadLetter.attempts],
        );
      }
      await client.query('COMMIT');
      return outcome;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async complete(job: VerifyEnrolmentJob, outcome: VerificationOutcome): Promise<void> {
    await this.pool.query(`UPDATE verification_requests SET completed_at = now(), outcome = $2 WHERE job_id = $1`, [job.requestId, outcome]);
  }
}

/** What the compliance decider needs to know of the project. */
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
