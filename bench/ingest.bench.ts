/**
 * npm run bench:ingest — procurement ingest throughput against the raw PostgreSQL ceiling, in one run.
 * (a) raw: the same event + idempotency rows through `pg` at 16 connections, one transaction per
 *     event, and in batches of 500; (b) signed single-event HTTP ingest at 64 connections;
 * (c) batch ingest, 500 events per request. Prints events/s, p50/p99 latency, the API's CPU time per event (steady under a busy machine), its peak RSS
 * and (b)/(a), (c)/(a). Numbers are for the closing note; nothing here asserts a speed.
 */
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { signedHeaders } from '@sinergi/auth';
import { SecretBox } from '@sinergi/common';
import { runMigrations } from '@sinergi/database';
import { projectRegistered } from '@sinergi/testing/procurement-fixtures';
import autocannon from 'autocannon';
import { Pool } from 'pg';
import { benchDatabase, cpuSeconds, dropRedisPrefix, peakRssMiB, percentiles, round, startProcess, stopProcess } from './bench-support';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const SECRETS_KEY = 'a'.repeat(64);
const CLIENT = { id: 'bench-spse', secret: 'bench-secret' };
const PORT = Number(process.env.BENCH_PORT ?? 3310);

let sequence = 0;
/** A fresh Sinjai road project per call: the same fixture the tests post. */
function registration() {
  sequence += 1;
  return projectRegistered(`b${process.pid}-${sequence}`);
}

const RAW_EVENT_SQL = `INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata, recorded_at, prev_hash, hash)
  VALUES ($1, 1, $2, 'ProjectRegistered', 1, $3, $4, now(), $5, $6) RETURNING global_position`;
const RAW_IDEM_SQL = `INSERT INTO idempotency_keys (scope, key, request_hash, event_id, stream_id, stream_version, global_position)
  VALUES ('raw', $1, $2, $3, $4, 1, $5)`;

/** (a1) one transaction per event: BEGIN, event row, idempotency row, COMMIT. */
async function rawSingle(pool: Pool, connections: number): Promise<{ rate: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  const until = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const c = await pool.connect();
      try {
        while (Date.now() < until) {
          const e = registration();
          const started = performance.now();
          const id = randomUUID();
          const hash = createHash('sha256').update(JSON.stringify(e)).digest('hex');
          await c.query('BEGIN');
          const { rows } = await c.query(RAW_EVENT_SQL, [`raw-${e.projectRef}`, id, JSON.stringify(e.data), JSON.stringify({ actor: { kind: 'client', id: 'raw' } }), '0'.repeat(64), hash]);
          await c.query(RAW_IDEM_SQL, [e.eventId, hash, id, `raw-${e.projectRef}`, rows[0].global_position]);
          await c.query('COMMIT');
          latencies.push(performance.now() - started);
        }
      } finally {
        c.release();
      }
    }),
  );
  return { rate: round(latencies.length / SECONDS, 0), ...percentiles(latencies) };
}

/** (a2) 500 events + 500 idempotency rows per transaction. */
async function rawBatch(pool: Pool, connections: number): Promise<{ rate: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  let events = 0;
  const until = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const c = await pool.connect();
      try {
        while (Date.now() < until) {
          const batch = Array.from({ length: 500 }, registration);
          const ids = batch.map(() => randomUUID());
          const streams = batch.map((e) => `raw-${e.projectRef}`);
          const hashes = batch.map((e) => createHash('sha256').update(JSON.stringify(e)).digest('hex'));
          const started = performance.now();
          await c.query('BEGIN');
          const { rows } = await c.query(
            `INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata, recorded_at, prev_hash, hash)
             SELECT s, 1, i, 'ProjectRegistered', 1, d, '{"actor":{"kind":"client","id":"raw"}}', now(), $5, h
               FROM unnest($1::text[], $2::uuid[], $3::jsonb[], $4::text[]) AS t(s, i, d, h) RETURNING global_position, event_id`,
            [streams, ids, batch.map((e) => JSON.stringify(e.data)), hashes, '0'.repeat(64)],
          );
          const position = new Map(rows.map((r) => [r.event_id, r.global_position]));
          await c.query(
            `INSERT INTO idempotency_keys (scope, key, request_hash, event_id, stream_id, stream_version, global_position)
             SELECT 'raw', k, h, i, s, 1, p FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::bigint[]) AS t(k, h, i, s, p)`,
            [batch.map((e) => e.eventId), hashes, ids, streams, ids.map((i) => position.get(i))],
          );
          await c.query('COMMIT');
          latencies.push(performance.now() - started);
          events += batch.length;
        }
      } finally {
        c.release();
      }
    }),
  );
  return { rate: round(events / SECONDS, 0), ...percentiles(latencies) };
}

/** Signed HTTP load with fresh events per request. */
async function httpLoad(path: string, connections: number, eventsPerRequest: number) {
  const result = await autocannon({
    url: `http://127.0.0.1:${PORT}${path}`,
    connections,
    duration: SECONDS,
    method: 'POST',
    requests: [
      {
        setupRequest: (req: any) => {
          const body = JSON.stringify(eventsPerRequest === 1 ? registration() : { events: Array.from({ length: eventsPerRequest }, registration) });
          req.body = body;
          req.headers = { 'content-type': 'application/json', ...signedHeaders(CLIENT.id, CLIENT.secret, body) };
          return req;
        },
      },
    ],
  });
  const ok = result['2xx'];
  return {
    rate: round((ok * eventsPerRequest) / result.duration, 0),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** The API's CPU time per accepted event in a phase: what the ingest costs, whatever else the machine is doing. */
const cpuPerEvent = (phase: { rate: number; cpu: number }) => (phase.rate > 0 ? round((phase.cpu * 1000) / (phase.rate * SECONDS), 3) : 'n/a');

/** One signed event before the load: a refusal here (misconfiguration) would otherwise read as a 0 events/s result. */
async function preflight(): Promise<void> {
  const body = JSON.stringify(registration());
  const response = await fetch(`http://127.0.0.1:${PORT}/v1/procurement/events`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...signedHeaders(CLIENT.id, CLIENT.secret, body) },
  });
  if (!response.ok) throw new Error(`the API refused the preflight event: ${response.status} ${await response.text()}`);
}

async function main(): Promise<void> {
  console.error(`# bench:ingest — ${SECONDS} s per phase`);
  const db = await benchDatabase('ingest');
  const pool = new Pool({ connectionString: db.url, max: 20 });
  try {
    await runMigrations(db.url);
    const box = new SecretBox(Buffer.from(SECRETS_KEY, 'hex'));
    await pool.query(
      `INSERT INTO procurement_clients (id, name, source_system, region_scopes, secrets, rate_limit_per_minute)
       VALUES ($1, 'bench', 'bench', '{73.07}', $2, 10000000)`,
      [CLIENT.id, JSON.stringify([{ id: 's1', sealed: box.seal(CLIENT.secret), createdAt: new Date().toISOString() }])],
    );

    console.error('# (a1) raw single-event transactions, 16 connections');
    const a1 = await rawSingle(pool, 16);
    console.error('# (a2) raw batches of 500, 16 connections');
    const a2 = await rawBatch(pool, 16);

    const redisUrl = db.services[1].url;
    const api = await startProcess(
      join(__dirname, '..', 'src', 'main.js'),
      { SINERGI_MODE: 'production', PUBLIC_BASE_URL: `http://127.0.0.1:${PORT}`, BPJS_API_URL: 'http://127.0.0.1:3999', DATABASE_URL: db.url, REDIS_URL: redisUrl, PORT: String(PORT), HOST: '127.0.0.1', SECRETS_KEY, JWT_SECRET: 'b'.repeat(40), LOG_LEVEL: 'warn', DATABASE_POOL_SIZE: '16', QUEUE_PREFIX: `bench${process.pid}` },
      `http://127.0.0.1:${PORT}/health/ready`,
    );
    let b, c;
    let rss = 0;
    try {
      await preflight();
      console.error('# (b) signed single-event HTTP ingest, 64 connections');
      let cpu = cpuSeconds(api);
      b = { ...(await httpLoad('/v1/procurement/events', 64, 1)), cpu: 0 };
      b.cpu = cpuSeconds(api) - cpu;
      console.error('# (c) batch HTTP ingest, 500 events per request, 8 connections');
      cpu = cpuSeconds(api);
      c = { ...(await httpLoad('/v1/procurement/events/batch', 8, 500)), cpu: 0 };
      c.cpu = cpuSeconds(api) - cpu;
    } finally {
      rss = peakRssMiB(api);
      await stopProcess(api);
    }

    const rows = [
      ['(a1) raw pg, 1 event/tx, 16 conns', a1.rate, a1.p50, a1.p99, ''],
      ['(a2) raw pg, 500 events/tx, 16 conns', a2.rate, a2.p50, a2.p99, ''],
      ['(b) HTTP single, 64 conns', b.rate, b.p50, b.p99, `non-2xx ${b.non2xx}, errors ${b.errors}, API CPU ${cpuPerEvent(b)} ms/event`],
      ['(c) HTTP batch of 500, 8 conns', c.rate, c.p50, c.p99, `non-2xx ${c.non2xx}, errors ${c.errors}, API CPU ${cpuPerEvent(c)} ms/event`],
    ];
    console.log('\nphase                                   events/s   p50 ms   p99 ms   notes');
    for (const [name, rate, p50, p99, notes] of rows) {
      console.log(`${String(name).padEnd(40)}${String(rate).padStart(8)} ${String(p50).padStart(8)} ${String(p99).padStart(8)}   ${notes}`);
    }
    console.log(`\nAPI peak RSS: ${rss} MiB`);
    console.log(`(b)/(a1) single-event ratio: ${round(b.rate / a1.rate, 2)}   (goal >= 0.5, p99 < 50 ms)`);
    console.log(`(c)/(a2) batch ratio:        ${round(c.rate / a2.rate, 2)}   (goal >= 0.5)`);
  } finally {
    await pool.end();
    await db.drop();
    // The API's rate limiter keeps its counters under the queue prefix.
    await dropRedisPrefix(db.services[1].url, `bench${process.pid}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
