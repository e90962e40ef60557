import type { Pool, PoolClient } from 'pg';
import type { EventStore } from './event-store';
import { NO_STREAM, type RecordedEvent, type StreamHead } from './event-store.types';

/** A decider's event: a type name and its JSON object data (one member of a stream's event union). */
export interface DomainEvent {
  type: string;
  data: object;
}

/** `E` as the store gives it back: each member of the union with its position, metadata and hash. */
export type RecordedOf<E extends DomainEvent> = E extends DomainEvent ? RecordedEvent<E['type'], E['data']> : never;

/** A stream whose events are `E`, and the head an append to it must chain onto. */
export interface TypedStream<E extends DomainEvent> {
  streamId: string;
  events: RecordedOf<E>[];
  head: StreamHead;
}

/** How a stream's events fold into state: a decider's `evolve` from its `initialState`. */
export interface StreamModel<State, E extends DomainEvent> {
  evolve: (state: State, event: E) => State;
  initialState: () => State;
}

/** A stream read and folded: its events, its head and the state they fold to. */
export interface LoadedStream<State, E extends DomainEvent> extends TypedStream<E> {
  state: State;
}

type Db = Pool | PoolClient;

/**
 * Types events of a stream that holds `E` (its id says so: `case-…` holds case events). The one place where rows
 * from the store become a stream's event union; upcasters have already brought old rows to the current shape.
 */
export function eventsOf<E extends DomainEvent>(events: readonly RecordedEvent[]): RecordedOf<E>[] {
  return events as readonly RecordedEvent<string, unknown>[] as RecordedOf<E>[];
}

/** Folds events with `model.evolve` from `model.initialState()`. */
export function foldWith<State, E extends DomainEvent>(model: StreamModel<State, E>, events: Iterable<E>): State {
  let state = model.initialState();
  for (const e of events) state = model.evolve(state, e);
  return state;
}

/** Reads streams that hold `E` in one round trip; a stream without events comes back empty at NO_STREAM. */
export async function readStreamsOf<E extends DomainEvent>(store: EventStore, streamIds: readonly string[], db?: Db): Promise<Map<string, TypedStream<E>>> {
  const snapshots = await store.readStreams([...new Set(streamIds)], db);
  const out = new Map<string, TypedStream<E>>();
  for (const [streamId, { events, head }] of snapshots) out.set(streamId, { streamId, events: eventsOf<E>(events), head });
  return out;
}

/** Reads one stream that holds `E`. */
export async function readStreamOf<E extends DomainEvent>(store: EventStore, streamId: string, db?: Db): Promise<TypedStream<E>> {
  return (await readStreamsOf<E>(store, [streamId], db)).get(streamId)!;
}

/** Reads streams of one kind in one round trip and folds each with `model`. */
export async function loadStreams<State, E extends DomainEvent>(
  store: EventStore,
  model: StreamModel<State, E>,
  streamIds: readonly string[],
  db?: Db,
): Promise<Map<string, LoadedStream<State, E>>> {
  const out = new Map<string, LoadedStream<State, E>>();
  for (const [streamId, stream] of await readStreamsOf<E>(store, streamIds, db)) out.set(streamId, foldStream(model, stream));
  return out;
}

/** Reads and folds one stream. */
export async function loadStream<State, E extends DomainEvent>(store: EventStore, model: StreamModel<State, E>, streamId: string, db?: Db): Promise<LoadedStream<State, E>> {
  return (await loadStreams(store, model, [streamId], db)).get(streamId)!;
}

/** A stream that has no events yet, as `loadStream` would give it back (for callers that know it is new). */
export function emptyStream<State, E extends DomainEvent>(model: StreamModel<State, E>, streamId: string): LoadedStream<State, E> {
  return { streamId, events: [], head: NO_STREAM, state: model.initialState() };
}

/** A stream to read and the model its events fold with. */
export interface StreamRef<State, E extends DomainEvent> {
  model: StreamModel<State, E>;
  streamId: string;
}

/** Names a stream to read with the model that folds it (for `loadStreamGroup` and `CommandHandler`'s `alongside`). */
export const streamRef = <State, E extends DomainEvent>(model: StreamModel<State, E>, streamId: string): StreamRef<State, E> => ({ model, streamId });

/** Streams by name; each member keeps its own state and event union. */
export type StreamGroup = Record<string, StreamRef<any, any>>;

/** Each member of a group, read and folded with its own model. */
export type LoadedGroup<G extends StreamGroup> = { [K in keyof G]: G[K] extends StreamRef<infer S, infer E> ? LoadedStream<S, E> : never };

/**
 * Reads streams of different kinds in one round trip (a project's own stream with its compliance and case streams),
 * each folded with its own model.
 */
export async function loadStreamGroup<G extends StreamGroup>(store: EventStore, group: G, db?: Db): Promise<LoadedGroup<G>> {
  const snapshots = await readStreamsOf<DomainEvent>(store, Object.values(group).map((ref) => ref.streamId), db);
  return foldGroup(group, snapshots);
}

/** Folds each member of `group` from streams already read (which must include every member's stream). */
export function foldGroup<G extends StreamGroup>(group: G, streams: ReadonlyMap<string, TypedStream<DomainEvent>>): LoadedGroup<G> {
  const out: Record<string, unknown> = {};
  for (const [key, { model, streamId }] of Object.entries(group)) out[key] = foldStream(model, streams.get(streamId)!);
  return out as LoadedGroup<G>;
}

export function foldStream<State, E extends DomainEvent>(model: StreamModel<State, E>, stream: TypedStream<E>): LoadedStream<State, E> {
  const typed = stream as TypedStream<E>;
  return { ...typed, state: foldWith<State, E>(model, typed.events as Iterable<E>) };
}
