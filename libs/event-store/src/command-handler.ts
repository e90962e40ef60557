import { inTransaction } from '@sinergi/database/in-transaction';
import type { Pool, PoolClient } from 'pg';
import type { EventStore } from './event-store';
import type { AppendedEvent, EventMetadata, NewEvent, StreamAppend } from './event-store.types';
import { MAX_CONFLICT_ATTEMPTS, retryOnConflict } from './retry-on-conflict';
import {
  type DomainEvent,
  foldGroup,
  foldStream,
  type LoadedGroup,
  type LoadedStream,
  readStreamsOf,
  type StreamGroup,
  type StreamModel,
} from './typed-streams';

/** Where a command handler reads, appends and opens the transaction of the rows a decision implies. */
export interface CommandHandlerDeps {
  store: EventStore;
  pool: Pool;
}

/** Beyond its events, a decision either writes rows in the append's transaction (and answers with what that returns) or just answers. */
export type DecisionOutcome<R> =
  | {
      /** Rows the events imply, written after the append in its transaction, so neither exists without the other. */
      write: (tx: PoolClient, appended: readonly AppendedEvent[]) => Promise<R>;
    }
  | {
      /** The answer; the events, if any, are appended on their own (one statement is atomic). */
      result: R;
    };

/** Events to append, all with `metadata`; no events need none. */
export type DecidedEvents<E extends DomainEvent> = { events: readonly E[]; metadata: EventMetadata } | { events: readonly []; metadata?: undefined };

/** What `decide` came to on one stream: its events and the outcome. */
export type Decision<E extends DomainEvent, R> = DecidedEvents<E> & DecisionOutcome<R>;

/** Events for one stream of a batch, appended at the head the stream was read at. */
export interface StreamEvents<E extends DomainEvent> {
  streamId: string;
  events: readonly E[];
  metadata: EventMetadata;
}

/** What `decide` came to on several streams: their events, all appended in one statement, and the outcome. */
export type BatchDecision<E extends DomainEvent, R> = { appends: readonly StreamEvents<E>[] } & DecisionOutcome<R>;

/** How often to try, and which other streams to read beside the one decided on. */
export interface CommandHandlerOptions<G extends StreamGroup> {
  /** Tries of the whole load → decide → append before a ConcurrencyError is the caller's. @defaultValue MAX_CONFLICT_ATTEMPTS */
  maxAttempts?: number;
  /** Other streams `decide` needs to read (never appended to), read in the same round trip and folded with their own models. */
  alongside?: G;
}

/**
 * Load → decide → append on one stream, after emmett's `CommandHandler(evolve, initialState)`: reads the stream (and
 * any `alongside`), folds it with `model`, runs `decide`, appends its events at the head read, and runs it all again
 * when another writer moved the stream on meanwhile (ConcurrencyError), a bounded number of times.
 */
export function CommandHandler<State, E extends DomainEvent>(model: StreamModel<State, E>) {
  return function handle<R, G extends StreamGroup = Record<never, never>>(
    deps: CommandHandlerDeps,
    streamId: string,
    decide: (stream: LoadedStream<State, E>, alongside: LoadedGroup<G>) => Decision<E, R> | Promise<Decision<E, R>>,
    options: CommandHandlerOptions<G> = {},
  ): Promise<R> {
    const alongside = options.alongside ?? ({} as G);
    return retryOnConflict(async () => {
      const streams = await readStreamsOf<DomainEvent>(deps.store, [streamId, ...Object.values(alongside).map((ref) => ref.streamId)]);
      const self = foldStream(model, streams.get(streamId)!);
      const decision = await decide(self, foldGroup(alongside, streams));
      const events = decision.metadata === undefined ? [] : toNewEvents(decision.events, decision.metadata);
      const append: StreamAppend = { streamId, expected: self.head, events };
      return commit(deps, [append], decision);
    }, options.maxAttempts ?? MAX_CONFLICT_ATTEMPTS);
  };
}

/**
 * Load → decide → append on several streams of one kind at once (a file of reports, a batch of timers): one read,
 * one append of every stream's events at the heads read, retried as a whole on a ConcurrencyError.
 */
export function BatchCommandHandler<State, E extends DomainEvent>(model: StreamModel<State, E>) {
  return function handle<R>(
    deps: CommandHandlerDeps,
    streamIds: readonly string[],
    decide: (streams: ReadonlyMap<string, LoadedStream<State, E>>) => BatchDecision<E, R> | Promise<BatchDecision<E, R>>,
    options: Omit<CommandHandlerOptions<StreamGroup>, 'alongside'> = {},
  ): Promise<R> {
    return retryOnConflict(async () => {
      const read = await readStreamsOf<DomainEvent>(deps.store, streamIds);
      const streams = new Map([...read].map(([id, stream]) => [id, foldStream(model, stream)]));
      const decision = await decide(streams);
      const appends = decision.appends.map(({ streamId, events, metadata }): StreamAppend => {
        const stream = streams.get(streamId);
        if (!stream) throw new Error(`decided on ${streamId}, a stream it did not read`);
        return { streamId, expected: stream.head, events: toNewEvents(events, metadata) };
      });
      return commit(deps, appends, decision);
    }, options.maxAttempts ?? MAX_CONFLICT_ATTEMPTS);
  };
}

/** A decider's events as the store appends them, each with `metadata`. */
export function toNewEvents<E extends DomainEvent>(events: readonly E[], metadata: EventMetadata): NewEvent[] {
  return events.map((e) => ({ type: e.type, data: e.data, metadata }));
}

async function commit<R>(deps: CommandHandlerDeps, appends: StreamAppend[], outcome: DecisionOutcome<R>): Promise<R> {
  if ('write' in outcome) return inTransaction(deps.pool, async (tx) => outcome.write(tx, await deps.store.appendMany(appends, {}, tx)));
  if (appends.some((a) => a.events.length > 0)) await deps.store.appendMany(appends);
  return outcome.result;
}
