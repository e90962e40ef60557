import { createHash, randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DomainError, problem, problemFromDomainError, safeError, SecretBox } from '@sinergi/common';
import { defaultHolidayCalendar, isWithinScope } from '@sinergi/domain';
import {
  ConcurrencyError,
  EventStore,
  IdempotencyRaceError,
  type IdempotencyRecord,
  type IdempotencyWrite,
  NO_STREAM,
  type NewEvent,
  type PersonalDataWrite,
  type StreamAppend,
} from '@sinergi/event-store';
import canonicalize from 'canonicalize';
import { type ConstructionProjectState, decide, evolve, foldProject } from '../../construction-project.decider';
import { type ConstructionProjectEvent, projectStreamId } from '../../construction-project.events';
import { SinergiMetrics } from '../../../../platform/metrics';
import { projectIdFor } from '../../project-id';
import { normaliseProcurementEvent } from './normalise-procurement-event';
import { type IngestItemResult, RecordProcurementEventsCommand } from './record-procurement-events.command';
import { type ValidProcurementEvent, validateProcurementEvent } from './validate-procurement-event';

/** Appends retried when another writer got to a stream first; `decide` is pure, so a retry is safe. */
const MAX_ATTEMPTS = 5;
const REGISTRATION_WORKING_DAYS = 14;
/** Longer than any request may take (the HTTP layer gives up well before), so a live request keeps its mark. */
const IN_FLIGHT_MARK_MS = 120_000;

interface Candidate {
  index: number;
  event: ValidProcurementEvent;
  requestHash: string;
  projectId: string;
  streamId: string;
}

/** Load → decide → append, for every item of a request, in one statement (DESIGN §1). */
@CommandHandler(RecordProcurementEventsCommand)
export class RecordProcurementEventsHandler implements ICommandHandler<RecordProcurementEventsCommand> {
  private readonly logger = new Logger('ProcurementIngest');
  /**
   * Keys being processed by this instance right now, with when the mark lapses: a second request for one is told
   * 409. A mark is released on every path; the deadline only guards against a request that never finishes.
   */
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly store: EventStore,
    private readonly box: SecretBox,
    private readonly metrics: SinergiMetrics,
  ) {}

  async execute({ client, items, correlationId }: RecordProcurementEventsCommand): Promise<IngestItemResult[]> {
    const results: (IngestItemResult | undefined)[] = new Array(items.length);
    const candidates: Candidate[] = [];
    const firstInBatch = new Map<string, Candidate>();
    const repeats: { index: number; of: Candidate }[] = [];
    const claimed: string[] = [];
    const now = Date.now();

    try {
      items.forEach((item, index) => {
        const validation = validateProcurementEvent(item);
        if (!validation.ok) {
          results[index] = refused(problem(400, 'validation_failed', 'the event is not valid', validation.errors));
          return;
        }
        const event = validation.value;
        const requestHash = createHash('sha256').update(canonicalize(item) ?? '').digest('hex');
        const earlier = firstInBatch.get(event.eventId);
        if (earlier) {
          if (earlier.requestHash === requestHash) repeats.push({ index, of: earlier });
          else results[index] = refused(reusedKey(event.eventId));
          return;
        }
        const key = `${client.id}\u0000${event.eventId}`;
        if ((this.inFlight.get(key) ?? 0) > now) {
          results[index] = refused(problem(409, 'request_in_flight', `event ${event.eventId} is still being processed; retry shortly`));
          return;
        }
        this.inFlight.set(key, now + IN_FLIGHT_MARK_MS);
        claimed.push(key);
        const projectId = projectIdFor(client.sourceSystem, event.projectRef);
        const candidate = { index, event, requestHash, projectId, streamId: projectStreamId(projectId) };
        candidates.push(candidate);
        firstInBatch.set(event.eventId, candidate);
      });
      await this.decideAndAppend(client, candidates, results, correlationId);
    } finally {
      claimed.forEach((k) => this.inFlight.delete(k));
    }
    for (const { index, of } of repeats) {
      const first = results[of.index]!;
      results[index] = 'body' in first ? { status: 200, body: { ...first.body, duplicate: true } } : first;
    }
    return results as IngestItemResult[];
  }

  private async decideAndAppend(
    client: RecordProcurementEventsCommand['client'],
    candidates: Candidate[],
    results: (IngestItemResult | undefined)[],
    correlationId: string,
  ): Promise<void> {
    for (let attempt = 1; candidates.length > 0; attempt += 1) {
      // Registrations create new streams: on the first attempt assume no stream and no earlier request,
      // and skip both reads. A wrong guess fails the single append statement as a whole (unique stream
      // version or idempotency key), and the next attempt reads and decides again.
      const speculate = attempt === 1 && candidates.every((c) => c.event.type === 'ProjectRegistered');
      const [known, streams] = speculate
        ? [new Map<string, IdempotencyRecord>(), new Map(candidates.map((c) => [c.streamId, { events: [], head: NO_STREAM }]))]
        : await Promise.all([
            this.store.findIdempotency(client.id, candidates.map((c) => c.event.eventId)),
            this.store.readStreams([...new Set(candidates.map((c) => c.streamId))]),
          ]);
      const states = new Map<string, ConstructionProjectState>();
      const appends = new Map<string, StreamAppend>();
      const idempotency: IdempotencyWrite[] = [];
      const personalData: PersonalDataWrite[] = [];
      const accepted = new Map<string, Candidate>();

      for (const c of candidates) {
        const previous = known.get(c.event.eventId);
        if (previous) {
          results[c.index] =
            previous.requestHash === c.requestHash
              ? { status: 200, body: { projectId: c.projectId, eventId: c.event.eventId, streamVersion: previous.streamVersion, position: Number(previous.globalPosition), duplicate: true } }
              : refused(reusedKey(c.event.eventId));
          continue;
        }
        const snapshot = streams.get(c.streamId)!;
        const state = states.get(c.streamId) ?? foldProject(snapshot.events as unknown as ConstructionProjectEvent[]);
        try {
          const regionCode = this.checkScope(client, c.event, state);
          const { fact, personalData: personal } = normaliseProcurementEvent(c.event, this.box);
          const decided = decide(fact, state, {
            projectId: c.projectId,
            projectRef: c.event.projectRef,
            occurredAt: c.event.occurredAt,
            calendar: defaultHolidayCalendar(regionCode),
            registrationWorkingDays: REGISTRATION_WORKING_DAYS,
          });
          states.set(c.streamId, decided.reduce(evolve, state));
          const append = appends.get(c.streamId) ?? { streamId: c.streamId, expected: snapshot.head, events: [] as NewEvent[] };
          appends.set(c.streamId, append);
          for (const e of decided) {
            const eventId = randomUUID();
            append.events.push({
              eventId,
              type: e.type,
              data: e.data as unknown as Record<string, unknown>,
              metadata: {
                actor: { kind: 'client', id: client.id },
                correlationId,
                causationId: null,
                sourceEventId: c.event.eventId,
                regionCode,
                projectId: c.projectId,
              },
            });
            accepted.set(eventId, c);
          }
          idempotency.push({ scope: client.id, key: c.event.eventId, requestHash: c.requestHash, eventId: append.events[append.events.length - 1].eventId! });
          personalData.push(...personal);
        } catch (error) {
          if (error instanceof DomainError) {
            results[c.index] = refused(problemFromDomainError(error));
          } else {
            // A defect, not a refusal: this item alone fails, the rest of the batch goes on. No values are logged.
            this.logger.error({ err: safeError(error), item: c.index }, 'deciding a procurement event failed unexpectedly');
            results[c.index] = refused(problem(500, 'internal_error', 'this event could not be processed; it has been logged'));
          }
        }
      }

      try {
        const appended = await this.store.appendMany([...appends.values()], { idempotency, personalData });
        for (const append of appends.values()) for (const e of append.events) this.metrics.eventsAppended.inc({ type: e.type });
        for (const a of appended) {
          const c = accepted.get(a.eventId)!;
          results[c.index] = { status: 202, body: { projectId: c.projectId, eventId: c.event.eventId, streamVersion: a.streamVersion, position: Number(a.globalPosition) } };
        }
        return;
      } catch (error) {
        const retryable = error instanceof ConcurrencyError || error instanceof IdempotencyRaceError;
        if (!retryable) throw error;
        if (attempt >= MAX_ATTEMPTS) {
          this.logger.warn({ attempts: attempt, code: error.code }, 'append kept conflicting; refusing the request');
          for (const c of candidates) results[c.index] ??= refused(problemFromDomainError(error));
          return;
        }
        // Everything not yet settled is decided again from a fresh read.
        for (const c of candidates) results[c.index] = undefined;
      }
    }
  }

  /** The client may only write to projects in its regions; returns the project's region. */
  private checkScope(client: RecordProcurementEventsCommand['client'], event: ValidProcurementEvent, state: ConstructionProjectState): string {
    const regionCode =
      event.type === 'ProjectRegistered' ? (event.data as { regionCode: string }).regionCode : state.registration?.regionCode;
    if (regionCode && !isWithinScope(regionCode, client.regionScopes)) {
      throw new DomainError('forbidden', 'region_out_of_scope', `region ${regionCode} is outside this client's scope (${client.regionScopes.join(', ')})`);
    }
    return regionCode ?? client.regionScopes[0];
  }
}

const refused = (p: ReturnType<typeof problem>): IngestItemResult => ({ status: p.status, problem: p });
const reusedKey = (eventId: string) =>
  problem(422, 'idempotency_key_reused', `eventId ${eventId} was already used for a different event body`);
