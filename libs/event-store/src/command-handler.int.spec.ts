import { randomUUID } from 'node:crypto';
import { createMigratedDatabase, type MigratedTestDatabase } from '@sinergi/testing';
import { BatchCommandHandler, CommandHandler, type CommandHandlerDeps } from './command-handler';
import { EventStore } from './event-store';
import { ConcurrencyError } from './event-store.errors';
import { NO_STREAM } from './event-store.types';
import { loadStreamGroup, readStreamOf, streamRef, type StreamModel } from './typed-streams';

type CounterEvent = { type: 'Incremented'; data: { by: number } } | { type: 'Reset'; data: { reason: string } };
const counter: StreamModel<number, CounterEvent> = {
  initialState: () => 0,
  evolve: (n, e) => (e.type === 'Incremented' ? n + e.data.by : 0),
};
type NoteEvent = { type: 'Noted'; data: { text: string } };
const notes: StreamModel<string[], NoteEvent> = { initialState: () => [], evolve: (all, e) => [...all, e.data.text] };

const metadata = { actor: { kind: 'system' as const, id: 'test' }, correlationId: 'c-1' };
const incremented = (by: number): CounterEvent => ({ type: 'Incremented', data: { by } });
const handleCounter = CommandHandler(counter);
const handleCounters = BatchCommandHandler(counter);

describe('CommandHandler (PostgreSQL)', () => {
  let db: MigratedTestDatabase;
  let store: EventStore;
  let deps: CommandHandlerDeps;

  beforeAll(async () => {
    db = await createMigratedDatabase('command_handler');
    store = new EventStore(db.pool);
    deps = { store, pool: db.pool };
  });
  afterAll(() => db.drop());

  const counterId = () => `counter-${randomUUID()}`;

  it('folds the stream with evolve from the initial state, then appends what decide returned at the head it read', async () => {
    const id = counterId();
    await store.appendToStream(id, NO_STREAM, [{ type: 'Incremented', data: { by: 2 }, metadata }]);
    const seen = await handleCounter(deps, id, (stream) => ({ events: [incremented(stream.state + 1)], metadata, result: stream.state }));
    expect(seen).toBe(2);
    const after = await readStreamOf<CounterEvent>(store, id);
    expect(after.events.map((e) => e.data)).toEqual([{ by: 2 }, { by: 3 }]);
    expect(after.head.version).toBe(2);
  });

  it('decides again on the fresh stream when another writer appended meanwhile', async () => {
    const id = counterId();
    const states: number[] = [];
    await handleCounter(deps, id, async (stream) => {
      states.push(stream.state);
      if (states.length === 1) await store.appendToStream(id, NO_STREAM, [{ type: 'Incremented', data: { by: 5 }, metadata }]);
      return { events: [incremented(1)], metadata, result: undefined };
    });
    expect(states).toEqual([0, 5]);
    expect((await loadStreamGroup(store, { c: streamRef(counter, id) })).c.state).toBe(6);
  });

  it('gives the ConcurrencyError back after the bounded number of attempts', async () => {
    const id = counterId();
    let attempts = 0;
    const run = handleCounter(
      deps,
      id,
      async (stream) => {
        attempts += 1;
        await store.appendToStream(id, stream.head, [{ type: 'Incremented', data: { by: 1 }, metadata }]);
        return { events: [incremented(1)], metadata, result: undefined };
      },
      { maxAttempts: 3 },
    );
    await expect(run).rejects.toBeInstanceOf(ConcurrencyError);
    expect(attempts).toBe(3);
  });

  it('writes the rows a decision implies in the append transaction: when they fail, nothing is appended', async () => {
    const id = counterId();
    const run = handleCounter(deps, id, () => ({
      events: [incremented(1)],
      metadata,
      write: async (tx) => {
        await tx.query('SELECT 1/0');
      },
    }));
    await expect(run).rejects.toThrow(/division by zero/);
    expect((await readStreamOf<CounterEvent>(store, id)).events).toEqual([]);
  });

  it('hands write what was appended, and answers with what write returns', async () => {
    const id = counterId();
    const versions = await handleCounter(deps, id, () => ({
      events: [incremented(1), incremented(2)],
      metadata,
      write: async (_tx, appended) => appended.map((a) => a.streamVersion),
    }));
    expect(versions).toEqual([1, 2]);
  });

  it('reads the streams alongside in the same call, folded with their own models, and appends to none of them', async () => {
    const id = counterId();
    const notesId = `notes-${randomUUID()}`;
    await store.appendToStream(notesId, NO_STREAM, [{ type: 'Noted', data: { text: 'hello' }, metadata }]);
    const seen = await handleCounter(deps, id, (_stream, { n }) => ({ events: [incremented(n.state.length)], metadata, result: n.state }), {
      alongside: { n: streamRef(notes, notesId) },
    });
    expect(seen).toEqual(['hello']);
    expect((await readStreamOf<NoteEvent>(store, notesId)).head.version).toBe(1);
    expect((await readStreamOf<CounterEvent>(store, id)).events.map((e) => e.data)).toEqual([{ by: 1 }]);
  });

  it('appends nothing when decide returns no events', async () => {
    const id = counterId();
    expect(await handleCounter(deps, id, () => ({ events: [], result: 'unchanged' }))).toBe('unchanged');
    expect((await readStreamOf<CounterEvent>(store, id)).head).toEqual(NO_STREAM);
  });

  describe('BatchCommandHandler', () => {
    it('reads several streams once and appends every stream decided on at the head it read', async () => {
      const [a, b] = [counterId(), counterId()];
      await store.appendToStream(a, NO_STREAM, [{ type: 'Incremented', data: { by: 10 }, metadata }]);
      const states = await handleCounters(deps, [a, b], (streams) => ({
        appends: [...streams.values()].map((s) => ({ streamId: s.streamId, events: [incremented(1)], metadata })),
        result: [...streams.values()].map((s) => s.state),
      }));
      expect(states).toEqual([10, 0]);
      const group = await loadStreamGroup(store, { a: streamRef(counter, a), b: streamRef(counter, b) });
      expect([group.a.state, group.b.state]).toEqual([11, 1]);
    });

    it('refuses events for a stream it did not read', async () => {
      const run = handleCounters(deps, [counterId()], () => ({ appends: [{ streamId: 'counter-other', events: [incremented(1)], metadata }], result: null }));
      await expect(run).rejects.toThrow('decided on counter-other, a stream it did not read');
    });
  });
});
