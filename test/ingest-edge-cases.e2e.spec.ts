import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mintLocalToken } from '@sinergi/auth';
import type { SinergiConfig } from '@sinergi/common';
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

/**
 * Inputs a careless client or an attacker sends, each once answered with a 500, a frozen projection, a stuck
 * idempotency key or a silently dropped field: every one is a 4xx naming its path, and nothing is half-written.
 */
describe('ingest edge cases (booted app over HTTP)', () => {
  let db: MigratedTestDatabase;
  let app: NestFastifyApplication;
  let config: SinergiConfig;
  let baseUrl: string;
  let prefix: string;
  const client = { id: 'spse-edges', secret: '' };

  beforeAll(async () => {
    db = await createMigratedDatabase('ingest_edges');
    prefix = uniqueQueuePrefix('edges');
    config = testConfig({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix, RATE_LIMIT_PER_MINUTE: '100000' });
    app = await createApiApp(config);
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = await app.getUrl();
    client.secret = (await app.get(ProcurementClientRepository).create({ id: client.id, name: 'SPSE edges', regionScopes: ['73.07'] })).secret;
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    await deleteKeysWithPrefix(testRedisUrl(), prefix);
  });

  const post = (body: unknown, raw?: string) => signedPost(baseUrl, '/v1/procurement/events', client, body, raw === undefined ? {} : { raw });
  const postBatch = (events: unknown[]) => signedPost(baseUrl, '/v1/procurement/events/batch', client, { events });
  const eventCount = async () => Number((await db.pool.query('SELECT count(*) FROM events')).rows[0].count);
  const paths = (body: { errors?: { path: string }[] }) => (body.errors ?? []).map((e) => e.path);
  const registered = async (ref: string) => {
    const res = await post(projectRegistered(ref));
    expect(res.status).toBe(202);
  };

  describe('contract values', () => {
    it.each([
      ['one past bigint', '"9223372036854775808"'],
      ['one past the documented bound of Rp 1.000 triliun', '"1000000000000001"'],
      ['zero', '0'],
      ['minus zero', '-0'],
      ['a leading zero', '"007"'],
      ['a negative number', '-5'],
      ['a fraction', '2500000000.5'],
    ])('refuses %s with 400 naming data.contractValue, and records nothing', async (_label, value) => {
      const before = await eventCount();
      const event = projectRegistered(`value-${value.replace(/\W/g, '')}`);
      const raw = JSON.stringify(event).replace('"contractValue":"2500000000"', `"contractValue":${value}`);
      const res = await post(null, raw);
      expect(res.status).toBe(400);
      expect(res.contentType).toContain('application/problem+json');
      expect(paths(res.body)).toEqual(['data.contractValue']);
      expect(await eventCount()).toBe(before);
    });

    it('accepts the bound itself, as a string and as a number', async () => {
      expect((await post(projectRegistered('value-max-s', {}, { contractValue: '1000000000000000' }))).status).toBe(202);
      expect((await post(projectRegistered('value-max-n', {}, { contractValue: 1_000_000_000_000_000 }))).status).toBe(202);
    });

    it('refuses an amendment or a payment request past the bound', async () => {
      await registered('value-amend');
      const amend = { eventId: 'value-amend-a1', type: 'ContractAmended', occurredAt: '2025-06-01T08:00:00+08:00', projectRef: 'value-amend', data: { addendumNumber: 'A1', contractValue: '5000000000000000000', reason: 'CCO' } };
      const pay = { eventId: 'value-amend-p1', type: 'PaymentRequested', occurredAt: '2025-06-01T08:00:00+08:00', projectRef: 'value-amend', data: { terminNumber: 1, amount: '0', requestedAt: '2025-06-01T08:00:00+08:00' } };
      const res = await postBatch([amend, pay]);
      expect(res.body.results.map((r: { status: number; errors: { path: string }[] }) => [r.status, paths(r)])).toEqual([
        [400, ['data.contractValue']],
        [400, ['data.amount']],
      ]);
    });
  });

  describe('region codes', () => {
    it.each(['73.07.99', '73.99', '73.07.06.2099'])('refuses %s, which Kemendagri does not list, with unknown_region', async (regionCode) => {
      const res = await post(projectRegistered(`region-${regionCode}`, {}, { regionCode }));
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ path: 'data.regionCode', code: 'unknown_region' })]);
    });

    it('accepts a district and a village that exist', async () => {
      expect((await post(projectRegistered('region-district', {}, { regionCode: '73.07.09' }))).status).toBe(202);
      expect((await post(projectRegistered('region-village', {}, { regionCode: '73.07.01.2003' }))).status).toBe(202);
    });
  });

  describe('rosters that are not lists of workers', () => {
    it.each([
      ['null', null],
      ['a string', 'abc'],
      ['an object', {}],
      ['a list holding null', [null]],
    ])('answers workers as %s with 400 naming data.workers', async (_label, workers) => {
      await registered(`roster-${_label.replace(/\W/g, '')}`);
      const res = await post({ ...workersReported(`roster-${_label.replace(/\W/g, '')}`, []), data: { asOf: '2025-05-31', workers } });
      expect(res.status).toBe(400);
      expect(paths(res.body).every((p) => p.startsWith('data.workers'))).toBe(true);
      expect(paths(res.body).length).toBeGreaterThan(0);
    });

    it('answers a missing workers field with 400 required', async () => {
      await registered('roster-missing');
      const res = await post({ ...workersReported('roster-missing', []), data: { asOf: '2025-05-31' } });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ path: 'data.workers', code: 'required' })]);
    });
  });

  describe('text PostgreSQL or canonical JSON cannot hold', () => {
    it('refuses a NUL character in any text field with 400 naming it, in a single event and in a batch item', async () => {
      const before = await eventCount();
      const single = await post(projectRegistered('nul-1', {}, { name: 'Jalan\u0000Poros' }));
      expect(single.status).toBe(400);
      expect(single.body.errors).toEqual([expect.objectContaining({ path: 'data.name', code: 'invalid_character' })]);
      const roster = await post(workersReported('nul-1', [{ nik: '7307051203850002', name: 'Baha\u0000ruddin' }]));
      expect(roster.status).toBe(400);
      expect(paths(roster.body)).toEqual(['data.workers[0].name']);
      expect(await eventCount()).toBe(before);
    });

    it('refuses a lone UTF-16 surrogate with 400 naming it', async () => {
      const raw = JSON.stringify(projectRegistered('surrogate-1')).replace('"name":"Rehabilitasi', '"name":"\\ud800Rehabilitasi');
      const res = await post(null, raw);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ path: 'data.name', code: 'invalid_character' })]);
    });

    it('refuses a date PostgreSQL and the VAT table do not know with 400 naming it', async () => {
      const res = await post(projectRegistered('date-zero', {}, { contractDate: '0000-01-01' }));
      expect(res.status).toBe(400);
      expect(paths(res.body)).toEqual(['data.contractDate']);
    });

    it('refuses NUL characters in officials’ notes and names, in paths and in queries, never with a 500', async () => {
      const admin = await mintLocalToken(config.jwt.secret!, { sub: 'admin-1', roles: ['admin'], regions: ['73.07'] });
      const official = await mintLocalToken(config.jwt.secret!, { sub: 'kadis-1', roles: ['official'], regions: ['73.07'], position: 'KEPALA_DINAS' });
      const send = (method: string, path: string, token: string, body?: unknown) =>
        fetch(`${baseUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
      const created = await send('POST', '/v1/admin/officials', admin, { name: 'Kepala\u0000Dinas', position: 'SEKDA', regionScope: '73.07' });
      expect(created.status).toBe(400);
      expect(((await created.json()) as { errors: unknown[] }).errors).toEqual([expect.objectContaining({ path: 'name', code: 'invalid_character' })]);
      const ack = await send('POST', '/v1/cases/00000000-0000-4000-8000-000000000000/acknowledge', official, { note: 'sudah\u0000ditindaklanjuti' });
      expect(ack.status).toBe(400);
      expect(((await ack.json()) as { errors: unknown[] }).errors).toEqual([expect.objectContaining({ path: 'note' })]);
      const query = await send('GET', '/v1/projects?regionCode=73.07%00', official);
      expect(query.status).toBe(400);
      expect(((await query.json()) as { errors: unknown[] }).errors).toEqual([expect.objectContaining({ path: 'regionCode', code: 'invalid_character' })]);
      const param = await send('GET', '/v1/cases/%00', official);
      expect(param.status).toBe(400);
    });

    it('answers a batch with the bad items alone, and records the good ones', async () => {
      const before = await eventCount();
      const res = await postBatch([
        projectRegistered('batch-good-1'),
        projectRegistered('batch-nul', {}, { name: 'A\u0000B' }),
        { ...workersReported('batch-good-1', []), data: { asOf: '2025-05-31', workers: null } },
        projectRegistered('batch-date', {}, { contractDate: '0000-01-01' }),
        projectRegistered('batch-good-2'),
      ]);
      expect(res.status).toBe(200);
      expect(res.body.results.map((r: { status: number }) => r.status)).toEqual([202, 400, 400, 400, 202]);
      expect(await eventCount()).toBe(before + 2);
    });
  });

  describe('idempotency keys', () => {
    it('releases the in-flight marks of a batch whose later item is refused, so retries answer at once', async () => {
      const good = projectRegistered('inflight-1');
      const first = await postBatch([good, { ...workersReported('inflight-1', []), data: { asOf: '2025-05-31', workers: null } }]);
      expect(first.body.results.map((r: { status: number }) => r.status)).toEqual([202, 400]);
      const retry = await post(good);
      expect(retry.status).toBe(200);
      expect(retry.body.duplicate).toBe(true);
      const retryBatch = await postBatch([good]);
      expect(retryBatch.body.results[0]).toMatchObject({ status: 200, duplicate: true });
    });
  });

  describe('prototype names as fields', () => {
    it.each(['constructor', 'hasOwnProperty', 'isPrototypeOf', '__proto__', 'toString'])(
      'refuses %s inside data as an unknown field with its path',
      async (key) => {
        const before = await eventCount();
        const raw = JSON.stringify(projectRegistered(`proto-${key}`)).replace('"data":{', `"data":{"${key}":{"polluted":true},`);
        const res = await post(null, raw);
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([expect.objectContaining({ path: `data.${key}`, code: 'unknown_field' })]);
        expect(await eventCount()).toBe(before);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      },
    );

    it('refuses __proto__ at the top of a batch item as that item alone', async () => {
      const raw = `{"events":[${JSON.stringify(projectRegistered('proto-batch-1'))},${JSON.stringify(projectRegistered('proto-batch-2')).replace('{', '{"__proto__":{"x":1},')}]}`;
      const res = await signedPost(baseUrl, '/v1/procurement/events/batch', client, null, { raw });
      expect(res.status).toBe(200);
      expect(res.body.results.map((r: { status: number }) => r.status)).toEqual([202, 400]);
      expect(res.body.results[1].errors).toEqual([expect.objectContaining({ path: '__proto__', code: 'unknown_field' })]);
    });
  });

  describe('parked events', () => {
    it('lists what consumers parked to admins, within their regions only', async () => {
      await db.pool.query(
        `INSERT INTO parked_events (consumer, global_position, transaction_id, event_id, stream_id, event_type, region_code, attempts, error_type, error_code, error_message)
         VALUES ('projection:coverage', 1, '1', gen_random_uuid(), 'project-a', 'ProjectRegistered', '73.07.01', 3, 'DatabaseError', '22003', 'database error 22003'),
                ('projection:coverage', 2, '2', gen_random_uuid(), 'project-b', 'ProjectRegistered', '73.08.01', 3, 'DatabaseError', '22003', 'database error 22003')`,
      );
      const list = async (regions: string[]) => {
        const token = await mintLocalToken(config.jwt.secret!, { sub: 'admin-x', roles: ['admin'], regions });
        const res = await fetch(`${baseUrl}/v1/ops/parked-events`, { headers: { authorization: `Bearer ${token}` } });
        expect(res.status).toBe(200);
        return ((await res.json()) as { items: { streamId: string; error: { code: string } }[] }).items;
      };
      expect((await list(['73.08'])).map((i) => i.streamId)).toEqual(['project-b']);
      expect((await list(['73'])).map((i) => i.streamId)).toEqual(['project-b', 'project-a']);
      expect((await list(['73.08']))[0].error.code).toBe('22003');
      const official = await mintLocalToken(config.jwt.secret!, { sub: 'o', roles: ['official'], regions: ['73'] });
      expect((await fetch(`${baseUrl}/v1/ops/parked-events`, { headers: { authorization: `Bearer ${official}` } })).status).toBe(403);
    });
  });
});
