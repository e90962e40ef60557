import { signedPost } from '@sinergi/testing';
import fc from 'fast-check';
import { type RunningSystem, startSystem } from '../support/running-system';
import { garbage, mutatedEvent, type PostedEvent, validEvent } from './procurement-arbitraries';

// Reproducible: a failure prints its seed and path; FC_SEED=<seed> runs the same cases again.
if (process.env.FC_SEED) fc.configureGlobal({ seed: Number(process.env.FC_SEED) });

type Item = { kind: 'valid'; event: PostedEvent } | { kind: 'mutated'; event: Record<string, unknown>; path: (string | number)[] } | { kind: 'garbage'; value: unknown };

const ref = fc.constantFrom('A', 'B', 'C');
const item: fc.Arbitrary<Item> = fc.oneof(
  { weight: 3, arbitrary: ref.chain((r) => validEvent('ProjectRegistered', r)).map((event): Item => ({ kind: 'valid', event })) },
  { weight: 4, arbitrary: ref.chain((r) => validEvent(undefined, r)).map((event): Item => ({ kind: 'valid', event })) },
  { weight: 4, arbitrary: ref.chain((r) => mutatedEvent(validEvent(undefined, r))).map(({ event, path }): Item => ({ kind: 'mutated', event, path })) },
  { weight: 1, arbitrary: garbage.map((value): Item => ({ kind: 'garbage', value })) },
);
/** A batch of 1 to 8 items, sometimes with one of them sent twice (an idempotent repeat inside the batch). */
const batch = fc.tuple(fc.array(item, { minLength: 1, maxLength: 8 }), fc.option(fc.nat(), { nil: undefined })).map(([items, repeat]) =>
  repeat === undefined ? items : [...items, items[repeat % items.length]],
);

/**
 * Generated batches of procurement events (valid, with one field mutated, and garbage) over real HTTP, signed: never a
 * 500, every item answered in order, every refusal a problem naming a path, and nothing half-written: an
 * item refused leaves nothing in the log nor in the held events, an item accepted is there exactly once.
 */
describe('ingest under generated batches (property over HTTP, API and worker running)', () => {
  let system: RunningSystem;
  let client: { id: string; secret: string };

  beforeAll(async () => {
    system = await startSystem('security-fuzz');
    client = await system.client('spse-sinjai-fuzz', ['73.07']);
  });
  afterAll(() => system?.stop());

  /** How many times each event id is in the log, held, or dead-lettered after a held event was refused. */
  async function recorded(eventIds: string[]): Promise<Map<string, number>> {
    const { rows } = await system.db.pool.query<{ id: string; n: number }>(
      `SELECT id, ((SELECT count(*) FROM events e WHERE e.metadata->>'sourceEventId' = id AND e.metadata->'actor'->>'id' = $2)
                 + (SELECT count(*) FROM held_events h WHERE h.client_id = $2 AND h.event_id = id)
                 + (SELECT count(*) FROM dead_letters d WHERE d.job_id = 'held-' || $2 || '-' || id))::int AS n
         FROM unnest($1::text[]) AS id`,
      [eventIds, client.id],
    );
    return new Map(rows.map((r) => [r.id, r.n]));
  }

  it('answers every item of every batch, never 500, and writes each accepted event exactly once and each refused one never', async () => {
    const accepted = new Set<string>();
    let run = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(batch, async (items) => {
        run += 1;
        // Each run posts to projects and event ids of its own, unless the mutation is of that very field.
        const tag = (value: unknown, field: string, path?: (string | number)[]) => (typeof value === 'string' && path?.[0] !== field ? `fz${run}-${value}` : value);
        const events = items.map((i) => {
          if (i.kind === 'garbage') return i.value;
          const path = i.kind === 'mutated' ? i.path : undefined;
          return { ...i.event, eventId: tag(i.event.eventId, 'eventId', path), projectRef: tag(i.event.projectRef, 'projectRef', path) };
        });
        const res = await signedPost(system.baseUrl, '/v1/procurement/events/batch', client, { events });
        expect(res.status).toBe(200);
        const results = res.body.results as { status: number; code?: string; type?: string; errors?: { path: unknown }[]; held?: boolean }[];
        expect(results).toHaveLength(events.length);
        results.forEach((r, i) => {
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          expect([i, r.status < 500]).toEqual([i, true]);
          if (r.status >= 400) {
            // Every refusal, by validation or by the project's state, is a problem naming what it concerns.
            expect(typeof r.code).toBe('string');
            expect(typeof r.type).toBe('string');
            expect([i, r.code, (r.errors ?? []).length > 0]).toEqual([i, r.code, true]);
            for (const e of r.errors!) expect(typeof e.path).toBe('string');
          }
          const id = (events[i] as { eventId?: unknown } | null)?.eventId;
          if ((r.status === 200 || r.status === 202) && typeof id === 'string') accepted.add(id);
        });
        const ids = [...new Set(events.map((e) => (e as { eventId?: unknown } | null)?.eventId).filter((id): id is string => typeof id === 'string' && !id.includes('\u0000') && id.isWellFormed()))];
        const counts = await recorded(ids);
        for (const id of ids) expect([id, counts.get(id)]).toEqual([id, accepted.has(id) ? 1 : 0]);
      }),
      {
        numRuns: 150,
        // Found by this property (seed -1685521031): an amendment with contractValue null answered 500.
        examples: [
          [
            [
              { kind: 'valid', event: { eventId: 'reg-c', type: 'ProjectRegistered', occurredAt: '2025-04-23T08:00:00+08:00', projectRef: 'C', data: fc.sample(validEvent('ProjectRegistered'), { numRuns: 1, seed: 7 })[0].data } },
              { kind: 'mutated', event: { eventId: 'V.p.u_zJK', type: 'ContractAmended', occurredAt: '2027-04-21T23:02:00+07:00', projectRef: 'C', data: { addendumNumber: 'j__', contractValue: null, maintenanceEndDate: '2027-02-14', reason: 'CCO' } }, path: ['data', 'contractValue'] },
              { kind: 'garbage', value: {} },
            ],
          ],
        ],
      },
    );
    // The runs exercised acceptance, held events and refusals alike.
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([200, 202, 400]));
  }, 180_000);
});
