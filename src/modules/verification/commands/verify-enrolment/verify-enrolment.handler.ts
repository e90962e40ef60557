import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock, firstInstalmentPercentFor, type SinergiConfig, SINERGI_CONFIG } from '@sinergi/common';
import { contextFrom, inSpan, SpanKind, traceparentOfSpan } from '@sinergi/common/tracing';
import { inTransaction, PG_POOL } from '@sinergi/database';
import { todayWita } from '@sinergi/domain';
import {
  type DomainEvent,
  type EventMetadata,
  EventStore,
  foldStream,
  type LoadedStream,
  readStreamsOf,
  retryOnConflict,
  type StreamAppend,
  toNewEvents,
  type TypedStream,
} from '@sinergi/event-store';
import type { Pool } from 'pg';
import { constructionProjectModel, type ConstructionProjectState } from '../../../project-intake/construction-project.decider';
import { type ConstructionProjectEvent, projectStreamId } from '../../../project-intake/construction-project.events';
import { type ComplianceCommand, complianceModel, type ComplianceState, decideCompliance, type ProjectFacts } from '../../compliance/compliance.decider';
import { type ComplianceEvent, complianceStreamId, type EnrolmentRecord } from '../../compliance/compliance.events';
import { ENROLMENT_REGISTRY, type EnrolmentRegistry } from '../../registry/enrolment-registry.port';
import type { VerifyEnrolmentJob } from '../../verification.queue';

export type VerificationOutcome = 'verdict' | 'unchanged' | 'skipped' | 'failed';

type ProjectStream = LoadedStream<ConstructionProjectState, ConstructionProjectEvent>;
type RegistryAnswer = { enrolment: EnrolmentRecord | null; uncovered: string[] | null };

/** What one batch came to: the outcome of every project verified, and the registry's error for every one that was not. */
export interface BatchVerification {
  outcomes: Map<string, VerificationOutcome>;
  /** Projects whose registry call failed: their requests stay pending for the processor to retry or record as failed. */
  errors: Map<string, unknown>;
}

/** Runs one registry call for a project (the processor bounds how many are in flight and at what rate). */
export type RegistryCall = <T>(projectId: string, call: () => Promise<T>) => Promise<T>;

const direct: RegistryCall = (_projectId, call) => call();

/**
 * Asks the enrolment registry about a batch of projects and records what the compliance decider makes of each answer,
 * every stream's events in ONE append, in the transaction that completes the verification requests. Business outcomes
 * (not enrolled, short premium, a registry that keeps failing) are recorded as events, never thrown.
 *
 * Coalescing: a verification completes every request of its project still pending when it starts, because each of
 * those requests was committed after its trigger, and the streams are read after the requests: the verification has
 * seen every fact they were queued for. A request committed later stays pending and gets its own look (its own job),
 * so a trigger arriving while a verification runs is never lost.
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

  /** One request on its own (the batch of one); throws the registry's error for the processor to classify. */
  async verify(job: VerifyEnrolmentJob): Promise<VerificationOutcome> {
    const result = await this.verifyBatch([job]);
    if (result.errors.has(job.projectId)) throw result.errors.get(job.projectId);
    return result.outcomes.get(job.projectId) ?? 'unchanged';
  }

  /**
   * Verifies every project of `jobs` that still has a pending request. A project whose requests were all completed
   * meanwhile (by a verification that covered them) is left out of both maps. Registry errors are per project.
   */
  async verifyBatch(jobs: readonly VerifyEnrolmentJob[], callRegistry: RegistryCall = direct): Promise<BatchVerification> {
    const pending = await this.pendingRequests(jobs.map((j) => j.projectId));
    const jobOf = new Map(jobs.map((j) => [j.projectId, j]));
    // Asked once per project and job: a retry after a concurrent append re-decides on the same answers.
    const answers = new Map<string, RegistryAnswer>();
    const spans = new Map<string, string | undefined>();
    const errors = new Map<string, unknown>();
    const outcomes = await this.onComplianceStreams([...pending.keys()], async (streams) => {
      await Promise.all(
        [...streams]
          .filter(([projectId, s]) => isVerifiable(s.project) && !answers.has(projectId) && !errors.has(projectId))
          .map(([projectId, s]) =>
            // One CONSUMER span per project, continuing the relay's; the project's events carry it (escalation continues it).
            inSpan('verification job', { kind: SpanKind.CONSUMER, parent: contextFrom(jobOf.get(projectId)!.traceparent), attributes: verificationSpanAttributes(projectId) }, async (span) => {
              spans.set(projectId, traceparentOfSpan(span));
              try {
                answers.set(projectId, await callRegistry(projectId, () => this.ask(s.project)));
              } catch (error) {
                errors.set(projectId, error);
              }
            }),
          ),
      );
      const now = this.clock.now();
      const decided: ProjectDecision[] = [];
      for (const [projectId, { compliance, project }] of streams) {
        if (errors.has(projectId)) continue;
        const answer = answers.get(projectId);
        if (!answer) {
          decided.push({ projectId, outcome: 'skipped', events: [], regionCode: project.state.registration?.regionCode });
          continue;
        }
        const command: ComplianceCommand = {
          type: 'RecordRegistryAnswer',
          enrolment: answer.enrolment,
          uncoveredPersonRefs: answer.uncovered,
          checkedOn: todayWita(now),
          checkedAt: now.toISOString(),
        };
        decided.push(this.decideOne(jobOf.get(projectId)!, project, compliance, command, spans.get(projectId)));
      }
      return decided;
    }, pending);
    return { outcomes, errors };
  }

  /** Records that verification gave up for these projects (retries exhausted, or BPJS refused outright) and dead-letters each. */
  async recordFailures(failures: readonly { job: VerifyEnrolmentJob; reason: string }[], attempts: number): Promise<void> {
    if (failures.length === 0) return;
    const byProject = new Map(failures.map((f) => [f.job.projectId, f]));
    const pending = await this.pendingRequests([...byProject.keys()]);
    const failedAt = this.clock.now().toISOString();
    await this.onComplianceStreams(
      [...pending.keys()],
      (streams) =>
        [...streams].map(([projectId, { compliance, project }]) => {
          const { job, reason } = byProject.get(projectId)!;
          const command: ComplianceCommand = { type: 'RecordVerificationFailure', reason, attempts, failedAt };
          return { ...this.decideOne(job, project, compliance, command, job.traceparent), outcome: 'failed' as const, deadLetter: { jobId: job.requestId, reason, attempts } };
        }),
      pending,
    );
  }

  /** The requests still pending for each project: what a verification starting now covers. */
  private async pendingRequests(projectIds: readonly string[]): Promise<Map<string, string[]>> {
    const { rows } = await this.pool.query<{ project_id: string; job_ids: string[] }>(
      `SELECT project_id, array_agg(job_id) AS job_ids FROM verification_requests
        WHERE project_id = ANY($1::uuid[]) AND completed_at IS NULL GROUP BY project_id`,
      [[...new Set(projectIds)]],
    );
    return new Map(rows.map((r) => [r.project_id, r.job_ids]));
  }

  /**
   * Load → decide → append on many compliance streams at once, with their project streams read in the same round trip:
   * every stream's events in one statement, the covered requests completed (and any dead letters written) in its
   * transaction; all of it again when another writer moved a stream on meanwhile.
   */
  private async onComplianceStreams(
    projectIds: readonly string[],
    decide: (streams: Map<string, { compliance: LoadedStream<ComplianceState, ComplianceEvent>; project: ProjectStream }>) => Promise<ProjectDecision[]> | ProjectDecision[],
    pending: Map<string, string[]>,
  ): Promise<Map<string, VerificationOutcome>> {
    if (projectIds.length === 0) return new Map();
    return retryOnConflict(async () => {
      const read = await readStreamsOf<DomainEvent>(this.store, projectIds.flatMap((id) => [complianceStreamId(id), projectStreamId(id)]));
      const streams = new Map(
        projectIds.map((id) => [
          id,
          {
            compliance: foldStream(complianceModel, read.get(complianceStreamId(id)) as TypedStream<ComplianceEvent>),
            project: foldStream(constructionProjectModel, read.get(projectStreamId(id)) as TypedStream<ConstructionProjectEvent>),
          },
        ]),
      );
      const decided = await decide(streams);
      if (decided.length === 0) return new Map<string, VerificationOutcome>();
      const appends: StreamAppend[] = decided
        .filter((d) => d.events.length > 0)
        .map((d) => ({ streamId: complianceStreamId(d.projectId), expected: streams.get(d.projectId)!.compliance.head, events: toNewEvents(d.events, d.metadata!) }));
      const completions = decided.flatMap((d) => (pending.get(d.projectId) ?? []).map((jobId) => ({ jobId, outcome: d.outcome })));
      const deadLetters = decided.flatMap((d) => (d.deadLetter ? [{ ...d.deadLetter, projectId: d.projectId }] : []));
      await inTransaction(this.pool, async (tx) => {
        await this.store.appendMany(appends, {}, tx);
        await tx.query(
          `UPDATE verification_requests r SET completed_at = now(), outcome = c.outcome
             FROM unnest($1::text[], $2::text[]) AS c(job_id, outcome)
            WHERE r.job_id = c.job_id AND r.completed_at IS NULL`,
          [completions.map((c) => c.jobId), completions.map((c) => c.outcome)],
        );
        if (deadLetters.length) {
          await tx.query(
            `INSERT INTO dead_letters (id, queue, job_id, project_id, reason, attempts, failed_at)
             SELECT gen_random_uuid(), 'verification', d.job_id, d.project_id, d.reason, d.attempts, now()
               FROM unnest($1::text[], $2::uuid[], $3::text[], $4::int[]) AS d(job_id, project_id, reason, attempts)`,
            [deadLetters.map((d) => d.jobId), deadLetters.map((d) => d.projectId), deadLetters.map((d) => d.reason), deadLetters.map((d) => d.attempts)],
          );
        }
      });
      return new Map(decided.map((d) => [d.projectId, d.outcome]));
    });
  }

  private async ask(project: ProjectStream): Promise<RegistryAnswer> {
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

  /** The compliance decider on one project; the events carry the project's own trace (`traceparent`) when there is one. */
  private decideOne(
    { projectId, requestId }: VerifyEnrolmentJob,
    project: ProjectStream,
    compliance: LoadedStream<ComplianceState, ComplianceEvent>,
    command: ComplianceCommand,
    traceparent: string | undefined,
  ): ProjectDecision {
    const registration = project.state.registration!;
    const events = decideCompliance(command, compliance.state, projectFacts(projectId, project.state, firstInstalmentPercentFor(this.config, registration.regionCode)));
    return {
      projectId,
      outcome: events.length ? 'verdict' : 'unchanged',
      events,
      regionCode: registration.regionCode,
      metadata: {
        actor: { kind: 'system', id: 'verification' },
        correlationId: requestId,
        causationId: requestId,
        regionCode: registration.regionCode,
        projectId,
        ...(traceparent ? { traceparent } : {}),
      },
    };
  }
}

/** One project's part of a batch: its events (with their metadata), the outcome its requests complete with, any dead letter. */
interface ProjectDecision {
  projectId: string;
  outcome: VerificationOutcome;
  events: readonly ComplianceEvent[];
  regionCode: string | undefined;
  metadata?: EventMetadata;
  deadLetter?: { jobId: string; reason: string; attempts: number };
}

/** A project BPJS is asked about: registered and not cancelled (anything else completes as skipped). */
const isVerifiable = (project: ProjectStream) => project.state.registration !== null && project.state.status !== 'CANCELLED';

const verificationSpanAttributes = (projectId: string) => ({ 'messaging.system': 'bullmq', 'messaging.destination.name': 'verification', 'sinergi.project.id': projectId });

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
