import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CLOCK, type Clock, type SinergiConfig, SINERGI_CONFIG, safeError } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import { type AfterCommit, EventStore, LogConsumer, type RecordedEvent } from '@sinergi/event-store';
import type { Pool, PoolClient } from 'pg';
import { SinergiMetrics } from '../../../platform/metrics';
import { reportParkedEvent } from '../../../platform/parked-events';
import { foldProject } from '../../project-intake/construction-project.decider';
import { type ConstructionProjectEvent, projectStreamId } from '../../project-intake/construction-project.events';
import type { ComplianceReason, ComplianceStatus } from '../../verification/compliance/compliance.events';
import { caseTimerJobId } from '../case-decider/escalation-case.decider';
import type { EscalationCaseEvent } from '../case-decider/escalation-case.events';
import { LadderRepository } from '../directory/ladder.repository';
import { OfficialsRepository } from '../directory/officials.repository';
import { caseIdFor } from '../escalation.queues';
import { DEFAULT_SINJAI_LADDER, type EscalationLadder, shortenLadder } from '../ladder/escalation-ladder';
import { CaseWriter } from './case-writer';
import { refreshCaseReadModel } from './case-read-model';
import { EscalationQueues, type TimerToSchedule } from './escalation-queues.provider';
import { NotificationPlanner } from './notification-planner';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const PROJECT_STREAM = new RegExp(`^project-(${UUID})$`);
const COMPLIANCE_STREAM = new RegExp(`^compliance-(${UUID})$`);
const CASE_STREAM = new RegExp(`^case-(${UUID})$`);
const PROJECT_TYPES = new Set(['ProjectRegistered', 'PaymentRequested', 'ProjectCancelled']);

/** The relay's view of a project (`escalation_projects`), kept in log order. */
interface ProjectView {
  projectId: string;
  regionCode: string;
  agencyCode: string;
  sourceClientId: string | null;
  complianceStatus: ComplianceStatus;
  reasons: ComplianceReason[];
  openCaseId: string | null;
  casesOpened: number;
  /** A termin requested before any verdict said the project was non-compliant: held if the next verdict does. */
  awaitingVerdictTermin: number | null;
  cancelled: boolean;
}

/**
 * The escalation workflow's consumer of the log (DESIGN §6). In log order, in one transaction with its checkpoint:
 * - procurement and compliance facts become case commands: the first NON_COMPLIANT verdict opens a case on the
 *   region's ladder (pinned), later verdicts update or resolve it, cancellation closes it, and a payment request on
 *   a non-compliant project recommends a hold;
 * - case events become the case read model, ladder timers (due time in PostgreSQL, delayed job after commit) and
 *   notification rows (one per level, channel and recipient; jobs after commit).
 * A crash replays the uncommitted batch; every write is idempotent, so nothing is done twice.
 */
@Injectable()
export class EscalationRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('EscalationRelay');
  readonly consumer: LogConsumer;

  constructor(
    @Inject(PG_POOL) pool: Pool,
    private readonly store: EventStore,
    private readonly queues: EscalationQueues,
    private readonly ladders: LadderRepository,
    private readonly officials: OfficialsRepository,
    private readonly metrics: SinergiMetrics,
    @Inject(SINERGI_CONFIG) private readonly config: SinergiConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.consumer = new LogConsumer(pool, store, (events, tx) => this.handle(events, tx), {
      name: 'escalation-relay',
      batchSize: 1000,
      onError: (error) => this.logger.warn({ err: safeError(error) }, 'escalation batch failed; it will be retried'),
      onParked: reportParkedEvent('escalation-relay', metrics, this.logger),
      onBatch: (events) => this.observeLag(events),
    });
  }

  onApplicationBootstrap(): void {
    this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }

  /** Applies one batch inside `tx`; exported for tests through the consumer. */
  async handle(events: RecordedEvent[], tx: PoolClient): Promise<AfterCommit | void> {
    await this.applyFacts(events, tx);
    const after = await this.applyCaseEvents(events, tx);
    return after;
  }

  /** Procurement and compliance facts → case commands, appended to the case streams in this transaction. */
  private async applyFacts(events: RecordedEvent[], tx: PoolClient): Promise<void> {
    const facts = events.filter(
      (e) => (PROJECT_TYPES.has(e.type) && PROJECT_STREAM.test(e.streamId)) || (e.type === 'ComplianceStatusChanged' && COMPLIANCE_STREAM.test(e.streamId)),
    );
    if (facts.length === 0) return;
    const projectIdOf = (e: RecordedEvent) => (PROJECT_STREAM.exec(e.streamId) ?? COMPLIANCE_STREAM.exec(e.streamId))![1];
    const projects = await this.loadProjects([...new Set(facts.map(projectIdOf))], tx);
    const cases = new CaseWriter(this.store, tx);
    const dirty = new Set<string>();
    const ladders = new Map<string, Promise<EscalationLadder>>();

    for (const event of facts) {
      const projectId = projectIdOf(event);
      const now = this.clock.now().toISOString();
      const cause = { correlationId: event.metadata.correlationId, causationId: event.eventId };
      if (event.type === 'ProjectRegistered') {
        if (projects.has(projectId)) continue;
        const d = event.data as { regionCode: string; agency: { code: string } };
        projects.set(projectId, {
          projectId,
          regionCode: d.regionCode,
          agencyCode: d.agency.code,
          sourceClientId: event.metadata.actor.kind === 'client' ? event.metadata.actor.id : null,
          complianceStatus: 'PENDING',
          reasons: [],
          openCaseId: null,
          casesOpened: 0,
          awaitingVerdictTermin: null,
          cancelled: false,
        });
        dirty.add(projectId);
        continue;
      }
      const project = projects.get(projectId) ?? (await this.projectFromStream(projectId, tx));
      if (!project) continue;
      projects.set(projectId, project);
      dirty.add(projectId);
      const meta = { ...cause, regionCode: project.regionCode };

      if (event.type === 'ProjectCancelled') {
        project.cancelled = true;
        if (project.openCaseId) await cases.decide(project.openCaseId, { type: 'CloseCase', now }, meta);
        project.openCaseId = null;
        project.awaitingVerdictTermin = null;
      } else if (event.type === 'PaymentRequested') {
        const termin = (event.data as { terminNumber: number }).terminNumber;
        if (project.openCaseId) await cases.decide(project.openCaseId, { type: 'RecommendPaymentHold', terminNumber: termin, now }, meta);
        // Its own re-verification is on the way: the verdict that follows decides whether this termin is held.
        else if (!project.cancelled) project.awaitingVerdictTermin = termin;
      } else {
        const { to, reasons } = event.data as { to: ComplianceStatus; reasons: ComplianceReason[] };
        project.complianceStatus = to;
        project.reasons = reasons;
        if (project.cancelled) continue;
        if (to === 'NON_COMPLIANT') {
          if (project.openCaseId) {
            await cases.decide(project.openCaseId, { type: 'UpdateCaseReasons', reasons, now }, meta);
          } else {
            project.casesOpened += 1;
            const caseId = caseIdFor(projectId, project.casesOpened);
            const ladderKey = project.regionCode;
            if (!ladders.has(ladderKey)) ladders.set(ladderKey, this.ladderFor(project.regionCode));
            const ladder = await ladders.get(ladderKey)!;
            await cases.decide(
              caseId,
              { type: 'OpenCase', caseId, projectId, regionCode: project.regionCode, agencyCode: project.agencyCode, reasons, ladder, now },
              meta,
            );
            project.openCaseId = caseId;
          }
          if (project.awaitingVerdictTermin !== null) {
            await cases.decide(project.openCaseId, { type: 'RecommendPaymentHold', terminNumber: project.awaitingVerdictTermin, now }, meta);
          }
          project.awaitingVerdictTermin = null;
        } else if (to === 'COMPLIANT') {
          if (project.openCaseId) await cases.decide(project.openCaseId, { type: 'ResolveCase', now }, meta);
          project.openCaseId = null;
          project.awaitingVerdictTermin = null;
        }
      }
    }
    await this.saveProjects([...dirty].map((id) => projects.get(id)!), tx);
    await cases.flush();
  }

  /** Case events → read model, timers and notifications; returns the queue work to do after commit. */
  private async applyCaseEvents(events: RecordedEvent[], tx: PoolClient): Promise<AfterCommit | void> {
    const caseEvents = events.filter((e) => CASE_STREAM.test(e.streamId));
    if (caseEvents.length === 0) return;
    const caseIds = [...new Set(caseEvents.map((e) => CASE_STREAM.exec(e.streamId)![1]))];
    const states = await refreshCaseReadModel(this.store, tx, caseIds);

    const timers: TimerToSchedule[] = [];
    for (const e of caseEvents) {
      if (e.type !== 'EscalationLevelReached') continue;
      const d = (e as unknown as { data: { caseId: string; level: number; nextEscalationAt: string | null } }).data;
      if (d.nextEscalationAt === null || states.get(d.caseId)?.status !== 'OPEN') continue;
      timers.push({ caseId: d.caseId, level: d.level, dueAt: new Date(d.nextEscalationAt) });
    }
    const scheduled = timers.length ? await this.insertTimers(timers, tx) : [];

    const ended = caseIds.filter((id) => states.get(id) && states.get(id)!.status !== 'OPEN');
    const { rows: cancelled } = ended.length
      ? await tx.query<{ job_id: string }>(
          `UPDATE escalation_timers SET cancelled_at = now()
            WHERE case_id = ANY($1::uuid[]) AND fired_at IS NULL AND cancelled_at IS NULL RETURNING job_id`,
          [ended],
        )
      : { rows: [] };

    const planner = new NotificationPlanner(this.store, this.officials, tx);
    const notificationIds = await planner.plan(caseEvents as unknown as (RecordedEvent & EscalationCaseEvent)[], states);

    if (scheduled.length === 0 && cancelled.length === 0 && notificationIds.length === 0) return;
    // If Redis is down now, the reconciler queues these from the rows just committed.
    return async () => {
      await this.queues.scheduleTimers(scheduled, this.clock.now().getTime());
      await this.queues.cancelTimers(cancelled.map((r) => r.job_id));
      await this.queues.enqueueNotifications(notificationIds);
    };
  }

  /** The region's ladder (nearest ancestor's); the built-in default when none is configured; shortened in demos. */
  private async ladderFor(regionCode: string): Promise<EscalationLadder> {
    const stored = await this.ladders.effectiveLadder(regionCode);
    let ladder: EscalationLadder;
    if (stored) ladder = { regionCode: stored.regionCode, version: stored.version, levels: stored.levels };
    else {
      this.logger.warn({ regionCode }, 'no escalation ladder configured for the region or its ancestors; using the built-in default');
      ladder = { ...DEFAULT_SINJAI_LADDER, regionCode: regionCode.slice(0, 5), levels: DEFAULT_SINJAI_LADDER.levels.map((l) => ({ ...l, recipients: [...l.recipients] })) };
    }
    const fast = this.config.escalation.fastLadderMs;
    return fast === null ? ladder : shortenLadder(ladder, fast);
  }

  private async insertTimers(timers: TimerToSchedule[], tx: PoolClient): Promise<TimerToSchedule[]> {
    const { rows } = await tx.query<{ case_id: string; level: number; due_at: Date }>(
      `INSERT INTO escalation_timers (job_id, case_id, level, due_at)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::int[], $4::timestamptz[])
       ON CONFLICT (job_id) DO NOTHING RETURNING case_id, level, due_at`,
      [timers.map((t) => caseTimerJobId(t.caseId, t.level)), timers.map((t) => t.caseId), timers.map((t) => t.level), timers.map((t) => t.dueAt)],
    );
    return rows.map((r) => ({ caseId: r.case_id, level: r.level, dueAt: new Date(r.due_at) }));
  }

  private async loadProjects(projectIds: string[], tx: PoolClient): Promise<Map<string, ProjectView>> {
    const { rows } = await tx.query(
      `SELECT project_id, region_code, agency_code, source_client_id, compliance_status, reasons, open_case_id, cases_opened,
              awaiting_verdict_termin, cancelled
         FROM escalation_projects WHERE project_id = ANY($1::uuid[])`,
      [projectIds],
    );
    return new Map(
      rows.map((r) => [
        r.project_id,
        {
          projectId: r.project_id,
          regionCode: r.region_code,
          agencyCode: r.agency_code,
          sourceClientId: r.source_client_id,
          complianceStatus: r.compliance_status,
          reasons: r.reasons,
          openCaseId: r.open_case_id,
          casesOpened: r.cases_opened,
          awaitingVerdictTermin: r.awaiting_verdict_termin,
          cancelled: r.cancelled,
        },
      ]),
    );
  }

  /** A project whose registration this relay never saw (it predates the relay's checkpoint table): from its stream. */
  private async projectFromStream(projectId: string, tx: PoolClient): Promise<ProjectView | null> {
    const streams = await this.store.readStreams([projectStreamId(projectId)], tx);
    const snapshot = streams.get(projectStreamId(projectId))!;
    const registration = foldProject(snapshot.events as unknown as ConstructionProjectEvent[]).registration;
    if (!registration) return null;
    const actor = snapshot.events[0].metadata.actor;
    return {
      projectId,
      regionCode: registration.regionCode,
      agencyCode: registration.agency.code,
      sourceClientId: actor.kind === 'client' ? actor.id : null,
      complianceStatus: 'PENDING',
      reasons: [],
      openCaseId: null,
      casesOpened: 0,
      awaitingVerdictTermin: null,
      cancelled: false,
    };
  }

  private async saveProjects(projects: ProjectView[], tx: PoolClient): Promise<void> {
    if (projects.length === 0) return;
    await tx.query(
      `INSERT INTO escalation_projects AS p (project_id, region_code, agency_code, source_client_id, compliance_status, reasons, open_case_id,
              cases_opened, awaiting_verdict_termin, cancelled)
       SELECT r.project_id, r.region_code, r.agency_code, r.source_client_id, r.compliance_status,
              ARRAY(SELECT jsonb_array_elements_text(r.reasons)), r.open_case_id, r.cases_opened, r.awaiting_verdict_termin, r.cancelled
         FROM jsonb_to_recordset($1::jsonb) AS r(project_id uuid, region_code text, agency_code text, source_client_id text, compliance_status text,
              reasons jsonb, open_case_id uuid, cases_opened int, awaiting_verdict_termin int, cancelled boolean)
       ON CONFLICT (project_id) DO UPDATE SET
         compliance_status = EXCLUDED.compliance_status, reasons = EXCLUDED.reasons, open_case_id = EXCLUDED.open_case_id,
         cases_opened = EXCLUDED.cases_opened, awaiting_verdict_termin = EXCLUDED.awaiting_verdict_termin, cancelled = EXCLUDED.cancelled`,
      [
        JSON.stringify(
          projects.map((p) => ({
            project_id: p.projectId,
            region_code: p.regionCode,
            agency_code: p.agencyCode,
            source_client_id: p.sourceClientId,
            compliance_status: p.complianceStatus,
            reasons: p.reasons,
            open_case_id: p.openCaseId,
            cases_opened: p.casesOpened,
            awaiting_verdict_termin: p.awaitingVerdictTermin,
            cancelled: p.cancelled,
          })),
        ),
      ],
    );
  }

  private observeLag(events: RecordedEvent[]): void {
    const now = this.clock.now().getTime();
    for (const e of events) this.metrics.escalationRelayLag.observe((now - e.recordedAt.getTime()) / 1000);
  }
}
