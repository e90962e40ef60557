import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CLOCK, type Clock, type SinergiConfig, SINERGI_CONFIG, safeError } from '@sinergi/common';
import { contextFrom, type Span, startSpan, traceparentOfSpan } from '@sinergi/common/tracing';
import { PG_POOL } from '@sinergi/database';
import { type AfterCommit, EventStore, eventsOf, loadStream, LogConsumer, type RecordedEvent, type RecordedOf } from '@sinergi/event-store';
import type { Pool, PoolClient } from 'pg';
import { SinergiMetrics } from '../../../platform/metrics';
import { reportParkedEvent } from '../../../platform/parked-events';
import { constructionProjectModel } from '../../project-intake/construction-project.decider';
import { type ConstructionProjectEvent, parseProjectStreamId, projectStreamId } from '../../project-intake/construction-project.events';
import { type ComplianceEvent, parseComplianceStreamId } from '../../verification/compliance/compliance.events';
import { caseTimerJobId } from '../case-decider/escalation-case.decider';
import { type EscalationCaseEvent, parseCaseStreamId } from '../case-decider/escalation-case.events';
import {
  decideEscalation,
  type EscalationFact,
  type EscalationProjectView,
  evolveEscalation,
  toCaseCommand,
} from '../case-decider/escalation-policy.decider';
import { LadderRepository } from '../directory/ladder.repository';
import { OfficialsRepository } from '../directory/officials.repository';
import { type EscalationLadder, NATIONAL_DEFAULT_LADDER, shortenLadder } from '../ladder/escalation-ladder';
import { CaseWriter } from './case-writer';
import { refreshCaseReadModel } from './case-read-model';
import { EscalationQueues } from './escalation-queues.provider';
import { NotificationPlanner } from './notification-planner';

/** A ladder wait: the case's `level` waits until `dueAt`, then its timer fires (escalation-timers.ts). */
interface LadderTimer {
  caseId: string;
  level: number;
  dueAt: Date;
}

const PROJECT_TYPES = new Set(['ProjectRegistered', 'PaymentRequested', 'ProjectCancelled']);

/**
 * The escalation workflow's consumer of the log (docs/api.md). In log order, in one transaction with its checkpoint:
 * - procurement and compliance facts become case commands, as the escalation policy
 *   (`case-decider/escalation-policy.decider.ts`) decides them against the project's row of `escalation_projects`;
 *   a case opens on its region's ladder as it stands then (pinned);
 * - case events become the case read model, ladder timers (rows of `escalation_timers`, fired by the sweepers) and
 *   notification rows (one per level, channel and recipient; jobs after commit).
 * A crash replays the uncommitted batch; every write is idempotent, so nothing is done twice.
 */
@Injectable()
export class EscalationRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('EscalationRelay');
  readonly consumer: LogConsumer;
  /** Regions already reported without any stored ladder (one warning each). */
  private readonly withoutLadder = new Set<string>();

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
    const cleared = await this.applyFacts(events, tx);
    const after = await this.applyCaseEvents(events, tx);
    if (cleared.length === 0) return after;
    return async () => {
      await this.queues.enqueueNotifications(cleared);
      if (after) await after();
    };
  }

  /** Procurement and compliance facts → the policy's case commands, appended to the case streams in this transaction. */
  private async applyFacts(events: RecordedEvent[], tx: PoolClient): Promise<string[]> {
    const facts = eventsOf<ProjectFactEvent>(
      events.filter(
        (e) => (PROJECT_TYPES.has(e.type) && parseProjectStreamId(e.streamId) !== null) || (e.type === 'ComplianceStatusChanged' && parseComplianceStreamId(e.streamId) !== null),
      ),
    );
    if (facts.length === 0) return [];
    const projectIdOf = (e: { streamId: string }) => (parseProjectStreamId(e.streamId) ?? parseComplianceStreamId(e.streamId))!;
    const projects = await this.loadProjects([...new Set(facts.map(projectIdOf))], tx);
    const cases = new CaseWriter(this.store, tx);
    const dirty = new Set<string>();
    const cleared: Parameters<NotificationPlanner['planCleared']>[0][number][] = [];
    const ladders = new Map<string, Promise<EscalationLadder>>();
    const ladderOf = (regionCode: string) => {
      if (!ladders.has(regionCode)) ladders.set(regionCode, this.ladderFor(regionCode));
      return ladders.get(regionCode)!;
    };

    // A fact recorded under a trace continues it in a span here; the case events it decides carry that span's trace.
    const spans: Span[] = [];
    // The policy decides every fact first; the case streams its commands touch are then read in one round trip.
    const commands: CaseCommandToDecide[] = [];
    try {
      for (const event of facts) await this.applyFact(event, { projects, dirty, cleared, commands, ladderOf, projectIdOf, spans }, tx);
    } finally {
      for (const span of spans) span.end();
    }
    await cases.prefetch(commands.map((c) => c.caseId));
    for (const c of commands) await cases.decide(c.caseId, c.command, c.cause);
    await this.saveProjects([...dirty].map((id) => projects.get(id)!), tx);
    await cases.flush();
    return new NotificationPlanner(this.store, this.officials, tx).planCleared(cleared);
  }

  /** One fact → the policy's decisions, applied to the batch's state (`batch`), its case commands to `commands` (in order). */
  private async applyFact(
    event: ProjectFactEvent,
    batch: {
      projects: Map<string, EscalationProjectView>;
      dirty: Set<string>;
      cleared: Parameters<NotificationPlanner['planCleared']>[0][number][];
      commands: CaseCommandToDecide[];
      ladderOf: (regionCode: string) => Promise<EscalationLadder>;
      projectIdOf: (e: { streamId: string }) => string;
      spans: Span[];
    },
    tx: PoolClient,
  ): Promise<void> {
    const { projects, dirty, cleared, commands, ladderOf, projectIdOf } = batch;
    const projectId = projectIdOf(event);
    const fact = factOf(projectId, event);
    let view = projects.get(projectId) ?? null;
    if (view === null && fact.type !== 'ProjectRegistered') {
      view = await this.projectFromStream(projectId, tx);
      if (view === null) return;
      projects.set(projectId, view);
      dirty.add(projectId);
    }
    const decided = decideEscalation(fact, view);
    if (decided.length === 0) return;
    const span = event.metadata.traceparent ? relaySpan(event) : null;
    if (span) batch.spans.push(span);
    const traceparent = span ? traceparentOfSpan(span) : undefined;
    const now = this.clock.now().toISOString();
    for (const decision of decided) {
      view = evolveEscalation(view, decision)!;
      if (decision.type === 'DeferredHoldDropped') {
        // The termin that waited for this verdict is not held: its client hears so (a case-less notification).
        const { regionCode, agencyCode } = view;
        cleared.push({ projectId, regionCode, agencyCode, terminNumber: decision.data.terminNumber, causeEventId: event.eventId, causePosition: event.globalPosition });
      }
      if (decision.type !== 'CaseCommandIssued') continue;
      const ladder = decision.data.command.type === 'OpenCase' ? await ladderOf(view.regionCode) : null;
      const cause = { correlationId: event.metadata.correlationId, causationId: event.eventId, regionCode: view.regionCode, ...(traceparent ? { traceparent } : {}) };
      commands.push({ caseId: decision.data.caseId, command: toCaseCommand(decision.data, now, ladder), cause });
    }
    projects.set(projectId, view!);
    dirty.add(projectId);
  }

  /** Case events → read model, timers and notifications; returns the queue work to do after commit. */
  private async applyCaseEvents(events: RecordedEvent[], tx: PoolClient): Promise<AfterCommit | void> {
    const caseEvents = eventsOf<EscalationCaseEvent>(events.filter((e) => parseCaseStreamId(e.streamId) !== null));
    if (caseEvents.length === 0) return;
    const caseIds = [...new Set(caseEvents.map((e) => parseCaseStreamId(e.streamId)!))];
    const states = await refreshCaseReadModel(this.store, tx, caseIds);

    const timers: LadderTimer[] = [];
    for (const e of caseEvents) {
      if (e.type !== 'EscalationLevelReached') continue;
      const d = e.data;
      if (d.nextEscalationAt === null || states.get(d.caseId)?.status !== 'OPEN') continue;
      timers.push({ caseId: d.caseId, level: d.level, dueAt: new Date(d.nextEscalationAt) });
    }
    if (timers.length) await this.insertTimers(timers, tx);

    // A case that ended stops its waits: the sweepers no longer claim those rows.
    const ended = caseIds.filter((id) => states.get(id) && states.get(id)!.status !== 'OPEN');
    if (ended.length)
      await tx.query(`UPDATE escalation_timers SET cancelled_at = now() WHERE case_id = ANY($1::uuid[]) AND fired_at IS NULL AND cancelled_at IS NULL`, [ended]);

    const planner = new NotificationPlanner(this.store, this.officials, tx, { whatsapp: this.config.whatsapp !== null });
    const notificationIds = await planner.plan(caseEvents, states);

    if (notificationIds.length === 0) return;
    // If Redis is down now, the reconciler queues these from the rows just committed.
    return () => this.queues.enqueueNotifications(notificationIds, planner.traceparents);
  }

  /**
   * The region's ladder: its own, its nearest ancestor's, else the national default ('ID', seeded); the built-in copy
   * of the national default when even that row is gone (said once per region and process, not once per case);
   * shortened in demos.
   */
  private async ladderFor(regionCode: string): Promise<EscalationLadder> {
    const stored = await this.ladders.effectiveLadder(regionCode);
    let ladder: EscalationLadder;
    if (stored) ladder = { regionCode: stored.regionCode, version: stored.version, levels: stored.levels };
    else {
      if (!this.withoutLadder.has(regionCode)) {
        this.withoutLadder.add(regionCode);
        this.logger.warn({ regionCode }, 'no escalation ladder stored for the region, its ancestors or the country (ID); using the built-in national default');
      }
      ladder = { ...NATIONAL_DEFAULT_LADDER, levels: NATIONAL_DEFAULT_LADDER.levels.map((l) => ({ ...l, recipients: [...l.recipients] })) };
    }
    const fast = this.config.escalation.fastLadderMs;
    return fast === null ? ladder : shortenLadder(ladder, fast);
  }

  private async insertTimers(timers: LadderTimer[], tx: PoolClient): Promise<void> {
    await tx.query(
      `INSERT INTO escalation_timers (job_id, case_id, level, due_at)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::int[], $4::timestamptz[])
       ON CONFLICT (job_id) DO NOTHING`,
      [timers.map((t) => caseTimerJobId(t.caseId, t.level)), timers.map((t) => t.caseId), timers.map((t) => t.level), timers.map((t) => t.dueAt)],
    );
  }


  private async loadProjects(projectIds: string[], tx: PoolClient): Promise<Map<string, EscalationProjectView>> {
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
  private async projectFromStream(projectId: string, tx: PoolClient): Promise<EscalationProjectView | null> {
    const stream = await loadStream(this.store, constructionProjectModel, projectStreamId(projectId), tx);
    const registration = stream.state.registration;
    if (!registration) return null;
    const registered = factOf(projectId, stream.events.find((e) => e.type === 'ProjectRegistered')!);
    return decideEscalation(registered, null).reduce(evolveEscalation, null);
  }

  private async saveProjects(projects: EscalationProjectView[], tx: PoolClient): Promise<void> {
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

type ProjectFactEvent = RecordedOf<ConstructionProjectEvent | ComplianceEvent>;

/** A case command the policy issued, decided on its case stream once the batch's case streams are read. */
type CaseCommandToDecide = { caseId: string; command: ReturnType<typeof toCaseCommand>; cause: Parameters<CaseWriter['decide']>[2] };

/** What the policy is told of a project or compliance event (`applyFacts` keeps only those four types). */
function factOf(projectId: string, event: ProjectFactEvent): EscalationFact {
  switch (event.type) {
    case 'ProjectRegistered':
      return {
        type: 'ProjectRegistered',
        projectId,
        regionCode: event.data.regionCode,
        agencyCode: event.data.agency.code,
        sourceClientId: event.metadata.actor.kind === 'client' ? event.metadata.actor.id : null,
      };
    case 'PaymentRequested':
      return { type: 'PaymentRequested', terminNumber: event.data.terminNumber };
    case 'ProjectCancelled':
      return { type: 'ProjectCancelled' };
    case 'ComplianceStatusChanged':
      return { type: 'ComplianceStatusChanged', to: event.data.to, reasons: event.data.reasons };
    default:
      throw new Error(`the escalation policy is not told of ${event.type}`);
  }
}

/** The escalation relay's span for one fact it decides on, a child of the span the fact was recorded under. */
function relaySpan(event: { type: string; globalPosition: string; metadata: { traceparent?: string } }): Span {
  return startSpan(`escalation-relay ${event.type}`, {
    parent: contextFrom(event.metadata.traceparent),
    attributes: { 'sinergi.event.type': event.type, 'sinergi.event.position': event.globalPosition },
  });
}
