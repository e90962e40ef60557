import { createHash } from 'node:crypto';
import { waitFor } from '@sinergi/testing';
import { appendSampleEvents, type AuditApi, startAuditApi } from '../../../../../test/support/audit-api';

jest.setTimeout(300_000);

const EVENTS = 200_000;
const MB = 1024 * 1024;

interface Download {
  count: number;
  sha256: string;
  trailer: string;
  bytes: number;
  maxRssGrowth: number;
  seconds: number;
  samples: string[];
}

/**
 * Reads an export line by line as it arrives, hashing every line before the last (the trailer) and sampling the
 * process RSS meanwhile; nothing is kept but the current chunk.
 */
async function download(url: string, token: string, options: { sampleEvery?: number } = {}): Promise<Download> {
  const baseline = process.memoryUsage().rss;
  let maxRss = baseline;
  const sampler = setInterval(() => (maxRss = Math.max(maxRss, process.memoryUsage().rss)), 10);
  const started = performance.now();
  try {
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const decoder = new TextDecoder();
    const hash = createHash('sha256');
    let partial = '';
    let previous: string | null = null;
    let count = 0;
    let bytes = 0;
    const samples: string[] = [];
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.byteLength;
      const text = partial + decoder.decode(chunk, { stream: true });
      const lines = text.split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        if (previous !== null) {
          hash.update(`${previous}\n`);
          count += 1;
          if (options.sampleEvery && count % options.sampleEvery === 1) samples.push(previous);
        }
        previous = line;
      }
    }
    expect(partial).toBe('');
    return { count, sha256: hash.digest('hex'), trailer: previous ?? '', bytes, maxRssGrowth: maxRss - baseline, seconds: (performance.now() - started) / 1000, samples };
  } finally {
    clearInterval(sampler);
  }
}

describe('audit export (API over PostgreSQL)', () => {
  let api: AuditApi;

  beforeAll(async () => {
    api = await startAuditApi('audit_export');
    const started = performance.now();
    await appendSampleEvents(api.store, '73.07.06', EVENTS);
    await appendSampleEvents(api.store, '73.08.01', 500, 500, EVENTS);
    await api.db.pool.query('ANALYZE events');
    process.stderr.write(`[audit export] appended ${EVENTS + 500} events in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  });
  afterAll(() => api?.stop());

  it(`streams ${EVENTS.toLocaleString('en')} events with flat memory, and a trailer whose count and digest match`, async () => {
    const token = await api.token({ regions: ['73.07'] });
    // A small export first, so the route's code is loaded before the baseline is taken.
    await download(`${api.baseUrl}/v1/audit/export?regionCode=73.07.06&to=2000-01-01T00:00:00Z`, token);

    const result = await download(`${api.baseUrl}/v1/audit/export?regionCode=73.07&format=ndjson`, token, { sampleEvery: 10_000 });
    process.stderr.write(
      `[audit export] ${result.count} events, ${(result.bytes / MB).toFixed(0)} MB in ${result.seconds.toFixed(1)} s ` +
        `(${Math.round(result.count / result.seconds)} events/s); RSS growth ${(result.maxRssGrowth / MB).toFixed(1)} MB\n`,
    );
    expect(result.count).toBe(EVENTS);
    expect(JSON.parse(result.trailer)).toEqual({ type: 'trailer', count: EVENTS, sha256: result.sha256 });
    expect(result.bytes).toBeGreaterThan(150 * MB);
    expect(result.maxRssGrowth).toBeLessThan(100 * MB);
    for (const line of result.samples) {
      expect(JSON.parse(line)).toMatchObject({ type: 'ProjectRegistered', regionCode: '73.07.06', masked: true, data: { contractor: { email: 'k***@karyasinjai.example' } } });
    }

    // Who looked: the export started, then completed with the same count and digest.
    const { rows } = await waitFor(
      () => api.db.pool.query(`SELECT outcome, result_count::int AS count, digest, filters FROM audit_access_log WHERE action = 'export' AND filters->>'regionCode' = '73.07' ORDER BY id`),
      (r) => r.rows.length === 2,
      10_000,
    );
    expect(rows).toEqual([
      { outcome: 'started', count: null, digest: null, filters: { regionCode: '73.07', format: 'ndjson' } },
      { outcome: 'completed', count: EVENTS, digest: result.sha256, filters: { regionCode: '73.07', format: 'ndjson' } },
    ]);
  });

  it('releases its connection and records the export as aborted when the reader goes away', async () => {
    const token = await api.token({ regions: ['73.07'] });
    const exports = async () =>
      (await api.db.pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'sinergi-audit-export' AND datname = $1`, [api.db.name])).rows[0].n;
    const abort = new AbortController();
    const res = await fetch(`${api.baseUrl}/v1/audit/export?regionCode=73.07.06&format=csv`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read();
    expect(await exports()).toBe(1);
    abort.abort();
    await waitFor(exports, (n) => n === 0, 10_000);
    const { rows } = await waitFor(
      () => api.db.pool.query(`SELECT outcome FROM audit_access_log WHERE action = 'export' AND filters->>'format' = 'csv' ORDER BY id`),
      (r) => r.rows.length === 2,
      10_000,
    );
    expect(rows.map((r) => r.outcome)).toEqual(['started', 'aborted']);
  });

  it('reads only the region asked for, and answers 404 for a region outside the scope', async () => {
    const token = await api.token({ regions: ['73.08'] });
    const result = await download(`${api.baseUrl}/v1/audit/export?format=csv`, token);
    expect(result.count).toBe(501); // the header row and 500 events
    expect(result.trailer).toBe(`# count=500 sha256=${result.sha256}\r`);
    const outside = await fetch(`${api.baseUrl}/v1/audit/export?regionCode=73.07`, { headers: { authorization: `Bearer ${token}` } });
    expect(outside.status).toBe(404);
    expect(outside.headers.get('content-type')).toContain('application/problem+json');
  });
});
