import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  createMigratedDatabase,
  deleteKeysWithPrefix,
  type MigratedTestDatabase,
  projectRegistered,
  signedPost,
  testConfig,
  testRedisUrl,
  uniqueQueuePrefix,
  workersReported,
} from '@sinergi/testing';
import { ProcurementClientRepository } from '../src/modules/procurement-clients/procurement-client.repository';
import { createApiApp } from '../src/api';

const BATCHES = 8;
const PER_BATCH = 500;
const PPKS = 60;
const CONTRACTORS = 40;
const WORKERS = 120;

/** A deterministic shuffle, so each batch names the shared PPKs, contractors and workers in its own order. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let t = seed;
  const random = () => {
    t = (t + 0x6d2b79f5) | 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
/** A valid NIK: Sinjai's district code, a real birth date, a non-zero sequence. */
const nik = (n: number) => `730701${pad((n % 28) + 1, 2)}${pad((Math.floor(n / 28) % 12) + 1, 2)}85${pad(n + 1, 4)}`;

const ppks = Array.from({ length: PPKS }, (_, i) => ({ nip: `19800101200501${pad(i, 4)}`, name: `PPK ${i}`, email: `ppk${i}@sinjaikab.example` }));
// A resident contractor's NPWP is their NIK (16 digits not starting with 0).
const contractors = Array.from({ length: CONTRACTORS }, (_, i) => ({ npwp: nik(5000 + i), name: `CV Kontraktor ${i}` }));
const workers = Array.from({ length: WORKERS }, (_, i) => ({ nik: nik(i), name: `Pekerja ${i}` }));

/** Items answered per status (and code, for refusals) over some batch answers. */
function tally(answers: { body: { results: { status: number; code?: string }[] } }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of answers.flatMap((a) => a.body.results)) {
    const key = r.code ? `${r.status} ${r.code}` : String(r.status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('procurement batch ingest under concurrent batches (booted app over HTTP)', () => {
  let db: MigratedTestDatabase;
  let app: NestFastifyApplication;
  let baseUrl: string;
  let prefix: string;
  const client = { id: 'spse-sulsel', secret: '' };

  beforeAll(async () => {
    db = await createMigratedDatabase('ingest_concurrency');
    prefix = uniqueQueuePrefix('ingest-concurrency');
    app = await createApiApp(testConfig({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix, RATE_LIMIT_PER_MINUTE: '100000' }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = await app.getUrl();
    client.secret = (await app.get(ProcurementClientRepository).create({ id: client.id, name: 'SPSE Sulawesi Selatan', regionScopes: ['73.07'] })).secret;
    // This one process prepares one batch at a time, which on an idle test database leaves little overlap between the
    // appends. A busy production database holds a batch's personal_data rows far longer: a few milliseconds per row
    // written stand in for that, so the eight appends are in flight together as they were in the incident.
    await db.pool.query(`
      CREATE FUNCTION slow_personal_data() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_sleep(0.003); RETURN NEW; END $$;
      CREATE TRIGGER slow_personal_data BEFORE INSERT OR UPDATE ON personal_data FOR EACH ROW EXECUTE FUNCTION slow_personal_data();`);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    await deleteKeysWithPrefix(testRedisUrl(), prefix);
  });

  const postBatches = (batches: unknown[][]) =>
    Promise.all(batches.map((events) => signedPost(baseUrl, '/v1/procurement/events/batch', client, { events })));

  /** Deadlocks PostgreSQL detected in this database; backends report them when idle, at most once a second. */
  async function deadlocks(): Promise<number> {
    await new Promise((r) => setTimeout(r, 1500));
    const { rows } = await db.pool.query(`SELECT deadlocks::int AS n FROM pg_stat_database WHERE datname = current_database()`);
    return rows[0].n;
  }

  /** How often each source eventId is in the log. */
  async function logCounts(): Promise<Map<string, number>> {
    const { rows } = await db.pool.query(`SELECT metadata->>'sourceEventId' AS source, count(*)::int AS n FROM events GROUP BY 1`);
    return new Map(rows.map((r) => [r.source as string, r.n as number]));
  }

  it('accepts every item of eight concurrent batches of 500 that share PPKs, contractors and workers, each event once in the log', async () => {
    const deadlocksBefore = await deadlocks();
    // Registrations: every batch names the same PPKs and contractors, each batch in a different order.
    const registrations = Array.from({ length: BATCHES }, (_, b) => {
      const ppkOrder = shuffled(ppks, b + 1);
      const contractorOrder = shuffled(contractors, b + 101);
      return Array.from({ length: PER_BATCH }, (_, i) =>
        projectRegistered(`c${b}-${i}`, {}, { ppk: ppkOrder[i % PPKS], contractor: contractorOrder[i % CONTRACTORS] }),
      );
    });
    const registered = await postBatches(registrations);
    for (const res of registered) expect(res.status).toBe(200);
    expect(tally(registered)).toEqual({ 202: BATCHES * PER_BATCH });

    // Then the same projects' rosters, naming the same workers in different orders.
    const rosters = Array.from({ length: BATCHES }, (_, b) => {
      const workerOrder = shuffled(workers, b + 201);
      return Array.from({ length: PER_BATCH }, (_, i) => workersReported(`c${b}-${i}`, [0, 1, 2].map((k) => workerOrder[(i * 3 + k) % WORKERS])));
    });
    const reported = await postBatches(rosters);
    for (const res of reported) expect(res.status).toBe(200);
    expect(tally(reported)).toEqual({ 202: BATCHES * PER_BATCH });

    const counts = await logCounts();
    const sent = [...registrations, ...rosters].flat().map((e) => e.eventId);
    expect(new Set(sent).size).toBe(2 * BATCHES * PER_BATCH);
    expect(sent.filter((id) => counts.get(id) !== 1)).toEqual([]);
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(sent.length);

    const people = await db.pool.query(`SELECT kind, count(*)::int AS n FROM personal_data GROUP BY kind ORDER BY kind`);
    expect(people.rows).toEqual([
      { kind: 'ppk', n: PPKS },
      { kind: 'worker', n: WORKERS },
    ]);
    // Every append took the shared rows in the same order: none was even retried as a deadlock victim.
    expect(await deadlocks()).toBe(deadlocksBefore);
  });
  it('writes single events that arrive together in shared transactions, each answered and recorded as its own request', async () => {
    const SINGLES = 120;
    const events = Array.from({ length: SINGLES }, (_, i) => projectRegistered(`s-${i}`, {}, { ppk: ppks[i % PPKS], contractor: contractors[i % CONTRACTORS] }));
    const outOfScope = projectRegistered('s-gowa', {}, { regionCode: '73.06.01' });
    const invalidOne = { ...projectRegistered('s-bad'), occurredAt: 'kemarin' };
    const post = (body: unknown, correlationId: string) => signedPost(baseUrl, '/v1/procurement/events', client, body, { headers: { 'x-correlation-id': correlationId } });
    const answers = await Promise.all([
      ...events.map((e, i) => post(e, `single-${i}`)),
      // The same event twice at once: one records it, the other is its repeat or told it is still in flight.
      post(events[0], 'single-0-again'),
      post(outOfScope, 'single-gowa'),
      post(invalidOne, 'single-bad'),
    ]);
    expect(answers.slice(0, SINGLES).map((a) => a.status)).toEqual(events.map(() => 202));
    expect([200, 409]).toContain(answers[SINGLES].status);
    expect(answers[SINGLES + 1].status).toBe(403);
    expect(answers[SINGLES + 2].status).toBe(400);
    expect((answers[SINGLES + 2].body as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain('occurredAt');

    const { rows } = await db.pool.query(
      `SELECT metadata->>'sourceEventId' AS source, metadata->>'correlationId' AS correlation, xmin::text AS tx
         FROM events WHERE metadata->>'sourceEventId' = ANY($1::text[])`,
      [[...events.map((e) => e.eventId), outOfScope.eventId, invalidOne.eventId]],
    );
    // Each accepted event once, carrying the correlation id of the request that sent it; nothing of the refused ones.
    expect(rows.map((r) => r.source).sort()).toEqual(events.map((e) => e.eventId).sort());
    const correlationOf = new Map(rows.map((r) => [r.source, r.correlation]));
    events.forEach((e, i) => expect([`single-${i}`, ...(i === 0 ? ['single-0-again'] : [])]).toContain(correlationOf.get(e.eventId)));
    // And they were written together: fewer transactions than requests (one each without group commit; how few
    // depends on how the 120 requests arrive, which a loaded machine spreads out: 44-60 transactions seen on this
    // machine, 60 failing the earlier bound of half). Three quarters leaves room for that and still fails without
    // any grouping.
    expect(new Set(rows.map((r) => r.tx)).size).toBeLessThan(SINGLES * 0.75);
  });
});
