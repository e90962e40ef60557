import { createHash, randomUUID } from 'node:crypto';
import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock, DomainError, invalid, safeError, SecretBox } from '@sinergi/common';
import { inTransaction, PG_POOL } from '@sinergi/database';
import { isWithinScope } from '@sinergi/domain';
import {
  ConcurrencyError,
  emptyStream,
  EventStore,
  IdempotencyRaceError,
  type IdempotencyRecord,
  type IdempotencyWrite,
  loadStreams,
  type NewEvent,
  type PersonalDataWrite,
  type StreamAppend,
  type StreamHead,
  type AppendedEvent,
} from '@sinergi/event-store';
import type { Pool } from 'pg';
import canonicalize from 'canonicalize';
import { constructionProjectModel, type ConstructionProjectState, decide, evolve, type RecordProcurementFact } from '../../construction-project.decider';
import { type ConstructionProjectEvent, projectStreamId } from '../../construction-project.events';
import { SinergiMetrics } from '../../../../platform/metrics';
import { HolidayCalendars } from '../../holidays/holiday-calendars';
import { projectIdFor } from '../../project-id';
import {
  findHeld,
  type HeldEvent,
  type HeldEventDeadLetter,
  heldEventsFor,
  holdEvents,
  recordHeldDeadLetters,
  releaseHeld,
} from './held-events';
import { GroupCommit } from './group-commit';
import { normaliseProcurementEvent } from './normalise-procurement-event';
import { type IngestItemResult, RecordProcurementEventsCommand } from './record-procurement-events.command';
import { type ValidProcurementEvent, validateProcurementEvent } from './validate-procurement-event';

/** Appends retried when another writer got to a stream first; `decide` is pure, so a retry is safe. */
const MAX_ATTEMPTS = 5;
const REGISTRATION_WORKING_DAYS = 14;
/** Items validated or decided between two turns of the event loop. */
const YIELD_EVERY = 25;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Longer than any request may take (the HTTP layer gives up well before), so a live request keeps its mark. */
const IN_FLIGHT_MARK_MS = 120_000;

interface Candidate {
  index: number;
  event: ValidProcurementEvent;
  requestHash: string;
  projectId: string;
  streamId: string;
  correlationId: string;
}

/** Load → decide → append, for every item of a request, in one statement (docs/architecture.md). */
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
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly calendars: HolidayCalendars,
  ) {}

  async execute({ client, items, correlationId }: RecordProcurementEventsCommand): Promise<IngestItemResult[]> {
    if (items.length === 1) return [await this.coalescer.submit(client, { item: items[0], correlationId })];
    return this.record(client, items.map((item) => ({ item, correlationId })));
  }

  /**
   * Group commit for single events: the requests of one client that arrive while its earlier ones are being
   * written are decided and appended together, in one statement, each with its own correlation id and its own
   * answer. At low load a request goes alone, at once; under load the groups grow and the append rate with them.
   */
  private readonly coalescer = new GroupCommit<RecordProcurementEventsCommand['client'], { item: unknown; correlationId: string }, IngestItemResult>(
    (client) => client.id,
    (client, items) => this.record(client, items),
  );

  private async record(client: RecordProcurementEventsCommand['client'], items: { item: unknown; correlationId: string }[]): Promise<IngestItemResult[]> {
    const results: (IngestItemResult | undefined)[] = new Array(items.length);
    const candidates: Candidate[] = [];
    const firstInBatch = new Map<string, Candidate>();
    const repeats: { index: number; of: Candidate }[] = [];
    const claimed: string[] = [];
    const now = Date.now();

    try {
      for (const [index, { item, correlationId }] of items.entries()) {
        // A batch of 500 rosters is seconds of validation: other requests get their turn in between.
        if (index > 0 && index % YIELD_EVERY === 0) await yieldToEventLoop();
        const validation = validateProcurementEvent(item);
        if (!validation.ok) {
          results[index] = refused(invalid('validation_failed', 'the event is not valid', validation.errors));
          continue;
        }
        const event = validation.value;
        const requestHash = createHash('sha256').update(canonicalize(item) ?? '').digest('hex');
        const earlier = firstInBatch.get(event.eventId);
        if (earlier) {
          if (earlier.requestHash === requestHash) repeats.push({ index, of: earlier });
          else results[index] = refused(reusedKey(event.eventId));
          continue;
        }
        const key = `${client.id}\u0000${event.eventId}`;
        if ((this.inFlight.get(key) ?? 0) > now) {
          const message = `event ${event.eventId} is still being processed; retry shortly`;
          results[index] = refused(new DomainError('conflict', 'request_in_flight', message, [{ path: 'eventId', code: 'request_in_flight', message }]));
          continue;
        }
        this.inFlight.set(key, now + IN_FLIGHT_MARK_MS);
        claimed.push(key);
        const projectId = projectIdFor(client.sourceSystem, event.projectRef);
        const candidate = { index, event, requestHash, projectId, streamId: projectStreamId(projectId), correlationId };
        candidates.push(candidate);
        firstInBatch.set(event.eventId, candidate);
      }
      await this.decideAndAppend(client, candidates, results);
    } finally {
      claimed.forEach((k) => this.inFlight.delete(k));
    }
    for (const { index, of } of repeats) {
      const first = results[of.index]!;
      results[index] = 'answer' in first ? { outcome: 'duplicate', answer: { ...first.answer, duplicate: true } } : first;
    }
    return results as IngestItemResult[];
  }

  private async decideAndAppend(
    client: RecordProcurementEventsCommand['client'],
    candidates: Candidate[],
    results: (IngestItemResult | undefined)[],
  ): Promise<void> {
    const registering = [...new Set(candidates.filter((c) => c.event.type === 'ProjectRegistered').map((c) => c.projectId))];
    for (let attempt = 1; candidates.length > 0; attempt += 1) {
      // Registrations create new streams: on the first attempt assume no stream and no earlier request,
      // and skip both reads. A wrong guess fails the single append statement as a whole (unique stream
      // version or idempotency key), and the next attempt reads and decides again.
      const speculate = attempt === 1 && candidates.every((c) => c.event.type === 'ProjectRegistered');
      const eventIds = candidates.map((c) => c.event.eventId);
      const [known, streams, heldKnown, heldByProject] = await Promise.all([
        speculate ? new Map<string, IdempotencyRecord>() : this.store.findIdempotency(client.id, eventIds),
        speculate
          ? new Map(candidates.map((c) => [c.streamId, emptyStream(constructionProjectModel, c.streamId)]))
          : loadStreams(this.store, constructionProjectModel, candidates.map((c) => c.streamId)),
        speculate ? new Map<string, { requestHash: string; projectId: string }>() : findHeld(this.pool, client.id, eventIds),
        heldEventsFor(this.pool, registering),
      ]);
      const batch = new BatchWrite();
      const accepted = new Map<string, Candidate>();
      /** Items of this request held because their project is not registered (yet): applied if it is, later in the batch. */
      const heldHere = new Map<string, { candidate: Candidate; held: HeldEvent; personal: PersonalDataWrite[] }[]>();

      for (const [n, c] of candidates.entries()) {
        if (n > 0 && n % YIELD_EVERY === 0) await yieldToEventLoop();
        const previous = known.get(c.event.eventId);
        if (previous) {
          results[c.index] =
            previous.requestHash === c.requestHash
              ? { outcome: 'duplicate', answer: { projectId: c.projectId, eventId: c.event.eventId, streamVersion: previous.streamVersion, position: Number(previous.globalPosition), duplicate: true } }
              : refused(reusedKey(c.event.eventId));
          continue;
        }
        const heldBefore = heldKnown.get(c.event.eventId);
        if (heldBefore) {
          results[c.index] =
            heldBefore.requestHash === c.requestHash
              ? { outcome: 'duplicate', answer: { projectId: c.projectId, eventId: c.event.eventId, held: true, duplicate: true } }
              : refused(reusedKey(c.event.eventId));
          continue;
        }
        const snapshot = streams.get(c.streamId)!;
        const state = batch.states.get(c.streamId) ?? snapshot.state;
        try {
          const regionCode = this.checkScope(client, c.event, state);
          const { fact, personalData: personal } = normaliseProcurementEvent(c.event, this.box);
          if (!state.registration && fact.type !== 'ProjectRegistered') {
            // Out of order: held durably, applied in source order once the registration arrives.
            const held = heldEvent(client, c, fact);
            heldHere.set(c.projectId, [...(heldHere.get(c.projectId) ?? []), { candidate: c, held, personal }]);
            results[c.index] = { outcome: 'recorded', answer: { projectId: c.projectId, eventId: c.event.eventId, held: true } };
            continue;
          }
          const decided = decide(fact, state, this.context(c.projectId, c.event.projectRef, c.event.occurredAt, regionCode));
          const next = batch.append(c.streamId, snapshot.head, state, decided, {
            actor: { kind: 'client', id: client.id },
            correlationId: c.correlationId,
            causationId: null,
            sourceEventId: c.event.eventId,
            regionCode,
            projectId: c.projectId,
          });
          for (const id of next.eventIds) accepted.set(id, c);
          batch.idempotency.push({ scope: client.id, key: c.event.eventId, requestHash: c.requestHash, eventId: next.eventIds[next.eventIds.length - 1] });
          batch.personalData.push(...personal);
          if (fact.type === 'ProjectRegistered') {
            // What waited for this registration, in source order: held before, and held earlier in this request.
            const waiting = [...(heldByProject.get(c.projectId) ?? []).map((held) => ({ held, here: null })), ...(heldHere.get(c.projectId) ?? []).map((h) => ({ held: h.held, here: h }))];
            heldHere.delete(c.projectId);
            waiting.sort((a, b) => Date.parse(a.held.occurredAt) - Date.parse(b.held.occurredAt));
            for (const { held, here } of waiting) {
              const outcome = this.applyHeld(batch, c.streamId, snapshot.head, held);
              if (here) {
                // Its sender is still on the line: it learns the outcome now, and nothing is dead-lettered.
                batch.personalData.push(...here.personal);
                if (outcome.ok) for (const id of outcome.eventIds) accepted.set(id, here.candidate);
                else results[here.candidate.index] = refused(outcome.error);
              } else {
                batch.released.push(held);
                if (!outcome.ok) batch.deadLetters.push({ id: randomUUID(), kind: 'HELD_EVENT_REFUSED', held, reason: outcome.error.code });
              }
            }
          }
        } catch (error) {
          if (error instanceof DomainError) {
            results[c.index] = refused(error);
          } else {
            // A defect, not a refusal: this item alone fails, the rest of the batch goes on. No values are logged.
            this.logger.error({ err: safeError(error), item: c.index }, 'deciding a procurement event failed unexpectedly');
            results[c.index] = { outcome: 'failed' };
          }
        }
      }
      const toHold = [...heldHere.values()].flat();

      try {
        const appended = await this.commit(batch, toHold);
        for (const append of batch.appends.values()) for (const e of append.events) this.metrics.eventsAppended.inc({ type: e.type });
        for (const a of appended) {
          const c = accepted.get(a.eventId);
          if (c) results[c.index] = { outcome: 'recorded', answer: { projectId: c.projectId, eventId: c.event.eventId, streamVersion: a.streamVersion, position: Number(a.globalPosition) } };
        }
        // A registration and an early event that committed at the same moment may each have missed the other.
        // The request's own events are recorded by now: a failure here is left to the worker's sweep.
        await this.drain([...registering, ...toHold.map((h) => h.held.projectId)]).catch((error) =>
          this.logger.warn({ err: safeError(error) }, 'applying held events after the append failed; the sweep will apply them'),
        );
        return;
      } catch (error) {
        const retryable = error instanceof ConcurrencyError || error instanceof IdempotencyRaceError || error instanceof HeldEventsMovedError;
        if (!retryable) throw error;
        if (attempt >= MAX_ATTEMPTS) {
          this.logger.warn({ attempts: attempt, code: error.code }, 'append kept conflicting; refusing the request');
          for (const c of candidates) results[c.index] ??= refused(error);
          return;
        }
        // Everything not yet settled is decided again from a fresh read.
        for (const c of candidates) results[c.index] = undefined;
      }
    }
  }

  /**
   * Applies the held events of projects that are registered now (a registration and an early event committed at
   * the same moment, or the worker's sweep). Each project's held events go in one transaction with their removal.
   */
  async drain(projectIds: readonly string[]): Promise<number> {
    const ids = [...new Set(projectIds)];
    if (ids.length === 0) return 0;
    for (let attempt = 1; ; attempt += 1) {
      const held = await heldEventsFor(this.pool, ids);
      if (held.size === 0) return 0;
      const streams = await loadStreams(this.store, constructionProjectModel, [...held.keys()].map(projectStreamId));
      const batch = new BatchWrite();
      for (const [projectId, events] of held) {
        const streamId = projectStreamId(projectId);
        const snapshot = streams.get(streamId)!;
        if (!snapshot.state.registration) continue;
        for (const event of events) {
          const outcome = this.applyHeld(batch, streamId, snapshot.head, event, snapshot.state);
          batch.released.push(event);
          if (!outcome.ok) batch.deadLetters.push({ id: randomUUID(), kind: 'HELD_EVENT_REFUSED', held: event, reason: outcome.error.code });
        }
      }
      if (batch.released.length === 0) return 0;
      try {
        await this.commit(batch, []);
        return batch.released.length;
      } catch (error) {
        const retryable = error instanceof ConcurrencyError || error instanceof IdempotencyRaceError || error instanceof HeldEventsMovedError;
        if (!retryable || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  /** Decides a held event on its now registered project, with its own sender's metadata and idempotency key. */
  private applyHeld(
    batch: BatchWrite,
    streamId: string,
    head: StreamHead,
    held: HeldEvent,
    initial?: ConstructionProjectState,
  ): { ok: true; eventIds: string[] } | { ok: false; error: DomainError } {
    const state = batch.states.get(streamId) ?? initial!;
    const regionCode = state.registration!.regionCode;
    try {
      if (!isWithinScope(regionCode, held.clientScopes)) {
        throw new DomainError('forbidden', 'region_out_of_scope', `region ${regionCode} is outside the scope of the client that sent this event`);
      }
      const decided = decide(held.fact, state, this.context(held.projectId, held.projectRef, held.occurredAt, regionCode));
      const next = batch.append(streamId, head, state, decided, {
        actor: { kind: 'client', id: held.clientId },
        correlationId: held.correlationId,
        causationId: null,
        sourceEventId: held.eventId,
        regionCode,
        projectId: held.projectId,
      });
      batch.idempotency.push({ scope: held.clientId, key: held.eventId, requestHash: held.requestHash, eventId: next.eventIds[next.eventIds.length - 1] });
      return { ok: true, eventIds: next.eventIds };
    } catch (error) {
      if (error instanceof DomainError) return { ok: false, error };
      throw error;
    }
  }

  private context(projectId: string, projectRef: string, occurredAt: string, regionCode: string) {
    return {
      projectId,
      projectRef,
      occurredAt,
      calendar: this.calendars.forRegion(regionCode),
      registrationWorkingDays: REGISTRATION_WORKING_DAYS,
    };
  }

  /**
   * One statement when nothing is held or released (the common case); otherwise one transaction that appends,
   * removes the held events it applied (refusing if another writer took them), records their dead letters, and
   * holds the new early events — after checking that their projects are still unregistered.
   */
  private async commit(batch: BatchWrite, toHold: { held: HeldEvent; personal: PersonalDataWrite[] }[]): Promise<AppendedEvent[]> {
    const extras = { idempotency: batch.idempotency, personalData: [...batch.personalData, ...toHold.flatMap((h) => h.personal)] };
    if (toHold.length === 0 && batch.released.length === 0) return this.store.appendMany([...batch.appends.values()], extras);
    return inTransaction(this.pool, async (tx) => {
      const appended = await this.store.appendMany([...batch.appends.values()], extras, tx);
      if (!(await releaseHeld(tx, batch.released))) throw new HeldEventsMovedError();
      const now = this.clock.now();
      await recordHeldDeadLetters(tx, batch.deadLetters, now);
      if (toHold.length) {
        const { rows } = await tx.query(`SELECT 1 FROM events WHERE stream_id = ANY($1::text[]) AND stream_version = 1 LIMIT 1`, [
          [...new Set(toHold.map((h) => projectStreamId(h.held.projectId)))],
        ]);
        if (rows.length) throw new HeldEventsMovedError();
        await holdEvents(tx, toHold.map((h) => h.held), now);
      }
      return appended;
    });
  }

  /** The client may only write to projects in its regions; returns the project's region. */
  private checkScope(client: RecordProcurementEventsCommand['client'], event: ValidProcurementEvent, state: ConstructionProjectState): string {
    const regionCode =
      event.type === 'ProjectRegistered' ? (event.data as { regionCode: string }).regionCode : state.registration?.regionCode;
    if (regionCode && !isWithinScope(regionCode, client.regionScopes)) {
      const message = `region ${regionCode} is outside this client's scope (${client.regionScopes.join(', ')})`;
      const path = event.type === 'ProjectRegistered' ? 'data.regionCode' : 'projectRef';
      throw new DomainError('forbidden', 'region_out_of_scope', message, [{ path, code: 'region_out_of_scope', message }]);
    }
    return regionCode ?? client.regionScopes[0];
  }
}

const refused = (error: DomainError): IngestItemResult => ({ outcome: 'refused', error });

/** Held events moved under a request (another writer applied them, or their project got registered): decide again. */
class HeldEventsMovedError extends DomainError {
  constructor() {
    super('conflict', 'concurrent_modification', 'held events of the project changed while the request was processed');
  }
}

/** What one attempt writes: appends per stream with the states they lead to, and the held events they settle. */
class BatchWrite {
  readonly states = new Map<string, ConstructionProjectState>();
  readonly appends = new Map<string, StreamAppend>();
  readonly idempotency: IdempotencyWrite[] = [];
  readonly personalData: PersonalDataWrite[] = [];
  readonly released: HeldEvent[] = [];
  readonly deadLetters: HeldEventDeadLetter[] = [];

  append(streamId: string, head: StreamHead, state: ConstructionProjectState, decided: ConstructionProjectEvent[], metadata: NewEvent['metadata']) {
    this.states.set(streamId, decided.reduce(evolve, state));
    const append = this.appends.get(streamId) ?? { streamId, expected: head, events: [] as NewEvent[] };
    this.appends.set(streamId, append);
    const eventIds: string[] = [];
    for (const e of decided) {
      const eventId = randomUUID();
      append.events.push({ eventId, type: e.type, data: e.data, metadata });
      eventIds.push(eventId);
    }
    return { eventIds };
  }
}

function heldEvent(client: RecordProcurementEventsCommand['client'], c: Candidate, fact: RecordProcurementFact): HeldEvent {
  return {
    clientId: client.id,
    eventId: c.event.eventId,
    projectId: c.projectId,
    projectRef: c.event.projectRef,
    requestHash: c.requestHash,
    type: c.event.type,
    occurredAt: c.event.occurredAt,
    fact,
    clientScopes: [...client.regionScopes],
    correlationId: c.correlationId,
  };
}
const reusedKey = (eventId: string) => {
  const message = `eventId ${eventId} was already used for a different event body`;
  return new DomainError('unprocessable', 'idempotency_key_reused', message, [{ path: 'eventId', code: 'idempotency_key_reused', message }]);
};
