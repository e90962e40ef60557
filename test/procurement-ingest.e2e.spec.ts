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

describe('procurement ingest API (booted app over HTTP)', () => {
  let db: MigratedTestDatabase;
  let app: NestFastifyApplication;
  let baseUrl: string;
  let prefix: string;
  const sinjai = { id: 'spse-sinjai', secret: '' };
  const limited = { id: 'spse-limited', secret: '' };

  beforeAll(async () => {
    db = await createMigratedDatabase('ingest_e2e');
    prefix = uniqueQueuePrefix('ingest');
    app = await createApiApp(testConfig({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix, RATE_LIMIT_PER_MINUTE: '100000' }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = await app.getUrl();
    const clients = app.get(ProcurementClientRepository);
    sinjai.secret = (await clients.create({ id: sinjai.id, name: 'SPSE Kabupaten Sinjai', regionScopes: ['73.07'] })).secret;
    limited.secret = (await clients.create({ id: limited.id, name: 'Limited', regionScopes: ['73.07'], rateLimitPerMinute: 3 })).secret;
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    await deleteKeysWithPrefix(testRedisUrl(), prefix);
  });

  const post = (body: unknown, options?: Parameters<typeof signedPost>[4]) => signedPost(baseUrl, '/v1/procurement/events', sinjai, body, options);
  const eventCount = async () => Number((await db.pool.query('SELECT count(*) FROM events')).rows[0].count);

  it('accepts a signed event with 202 and answers a repeat with the first result and duplicate: true', async () => {
    const event = projectRegistered('10080116000');
    const first = await post(event);
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ projectId: expect.stringMatching(/^[0-9a-f-]{36}$/), eventId: event.eventId, streamVersion: 1, position: expect.any(Number) });

    const again = await post(event);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, duplicate: true });

    const { rows } = await db.pool.query(`SELECT type, data, metadata FROM events WHERE stream_id = $1`, [`project-${first.body.projectId}`]);
    expect(rows).toHaveLength(1);
    expect(rows[0].data.premium.total).toBe('3252703');
    expect(rows[0].data.registrationDeadline).toMatch(/^2025-05-\d\d$/);
    expect(rows[0].metadata).toMatchObject({ actor: { kind: 'client', id: sinjai.id }, sourceEventId: event.eventId, regionCode: '73.07.06' });
    // The PPK's name lives beside the log, not in it.
    expect(JSON.stringify(rows[0].data)).not.toContain('Andi Baso');
  });

  it('refuses the same eventId with a different body with 422 idempotency_key_reused', async () => {
    const event = projectRegistered('10080117000');
    expect((await post(event)).status).toBe(202);
    const changed = projectRegistered('10080117000', {}, { contractValue: '999000000' });
    const res = await post(changed);
    expect(res.status).toBe(422);
    expect(res.contentType).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 422, code: 'idempotency_key_reused' });
  });

  it.each([
    ['a bad signature', { headers: { 'x-signature': 'v1=' + '0'.repeat(64) } }, 'invalid_signature'],
    ['a stale timestamp', { now: new Date(Date.now() - 301_000) }, 'stale_timestamp'],
    ['an unknown client', { headers: { 'x-client-id': 'nobody' } }, 'unknown_client'],
  ])('answers 401 to %s and records nothing', async (_label, options, code) => {
    const before = await eventCount();
    const res = await post(projectRegistered(`401-${code}`), options as never);
    expect(res.status).toBe(401);
    expect(res.contentType).toContain('application/problem+json');
    expect(res.body.code).toBe(code);
    expect(await eventCount()).toBe(before);
  });

  it('answers 400 naming data.workers[0].nik for an invalid NIK', async () => {
    await post(projectRegistered('10080118000'));
    const res = await post(workersReported('10080118000', [{ nik: '7307011302900000', name: 'Baharuddin' }]));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'data.workers[0].nik' })]);
    expect(JSON.stringify(res.body)).not.toContain('7307011302900000');
  });

  it('stores workers as references and keeps names and NIKs out of the log', async () => {
    await post(projectRegistered('10080118500'));
    const res = await post(workersReported('10080118500', [{ nik: '7307015203900001', name: 'Hasnah', role: 'TUKANG' }]));
    expect(res.status).toBe(202);
    const { rows } = await db.pool.query(`SELECT data FROM events WHERE type = 'WorkersReported' AND stream_id = $1`, [`project-${res.body.projectId}`]);
    const text = JSON.stringify(rows[0].data);
    expect(text).not.toContain('7307015203900001');
    expect(text).not.toContain('Hasnah');
    const ref = rows[0].data.workers[0].personRef;
    const person = await db.pool.query(`SELECT data FROM personal_data WHERE ref = $1`, [ref]);
    expect(person.rows[0].data).toEqual({ nik: '7307015203900001', name: 'Hasnah' });
  });

  it('answers 400 to an unknown field, naming it', async () => {
    const res = await post(projectRegistered('10080119000', {}, { complianceStatus: 'COMPLIANT' }));
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual(expect.objectContaining({ path: 'data.complianceStatus', code: 'unknown_field' }));
  });

  it('answers 403 to a region outside the client scope and records nothing', async () => {
    const before = await eventCount();
    const res = await post(projectRegistered('10080120000', {}, { regionCode: '73.08.01' }));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('region_out_of_scope');
    expect(await eventCount()).toBe(before);
  });

  it('answers 413 to a body over 1 MiB', async () => {
    const big = projectRegistered('10080121000', {}, { name: 'x'.repeat(1.5 * 1024 * 1024) });
    const res = await post(big);
    expect(res.status).toBe(413);
    expect(res.contentType).toContain('application/problem+json');
    expect(res.body.code).toBe('payload_too_large');
  });

  it('answers 400 problem+json to malformed JSON', async () => {
    const res = await post(null, { raw: '{"eventId": ' });
    expect(res.status).toBe(400);
    expect(res.contentType).toContain('application/problem+json');
  });

  it('holds an event for a project not registered yet (202 held), writing nothing to the log', async () => {
    const before = await eventCount();
    const res = await post({ eventId: 'spse-x-amend-1', type: 'ContractAmended', occurredAt: '2025-06-01T08:00:00+08:00', projectRef: 'never-registered', data: { addendumNumber: 'A1', contractValue: '1', reason: 'r' } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ held: true, eventId: 'spse-x-amend-1' });
    expect(await eventCount()).toBe(before);
  });

  it('accepts the good items of a batch and reports the bad one by index', async () => {
    const events = [
      projectRegistered('20000000001'),
      projectRegistered('20000000002', {}, { regionCode: 'not-a-region' }),
      projectRegistered('20000000003'),
      { ...projectRegistered('20000000001'), eventId: 'spse-7307-20000000001-start', type: 'WorkStarted', data: { startedAt: '2025-04-28T07:30:00+08:00' } },
    ];
    const res = await signedPost(baseUrl, '/v1/procurement/events/batch', sinjai, { events });
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(4);
    expect(res.body.results[0]).toMatchObject({ status: 202, streamVersion: 1 });
    expect(res.body.results[1]).toMatchObject({ status: 400, code: 'validation_failed', errors: [expect.objectContaining({ path: 'data.regionCode' })] });
    expect(res.body.results[2]).toMatchObject({ status: 202, streamVersion: 1 });
    expect(res.body.results[3]).toMatchObject({ status: 202, streamVersion: 2, projectId: res.body.results[0].projectId });

    const again = await signedPost(baseUrl, '/v1/procurement/events/batch', sinjai, { events });
    expect(again.body.results.map((r: { status: number }) => r.status)).toEqual([200, 400, 200, 200]);
  });

  it('refuses a batch of more than 500 events as a whole', async () => {
    const events = Array.from({ length: 501 }, (_, i) => projectRegistered(`3${i}`));
    const res = await signedPost(baseUrl, '/v1/procurement/events/batch', sinjai, { events });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ path: 'events', code: 'too_many' });
  });

  it('rate-limits a client with 429 and Retry-After', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i += 1) {
      const res = await signedPost(baseUrl, '/v1/procurement/events', limited, projectRegistered(`rl-${i}`));
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
    }
    expect(statuses.slice(0, 3)).toEqual([202, 202, 202]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it('accepts both the old and the new secret during rotation', async () => {
    const clients = app.get(ProcurementClientRepository);
    const oldSecret = sinjai.secret;
    const newSecret = await clients.rotateSecret(sinjai.id);
    expect((await signedPost(baseUrl, '/v1/procurement/events', { id: sinjai.id, secret: oldSecret }, projectRegistered('rot-1'))).status).toBe(202);
    expect((await signedPost(baseUrl, '/v1/procurement/events', { id: sinjai.id, secret: newSecret }, projectRegistered('rot-2'))).status).toBe(202);
    await clients.retireOldSecrets(sinjai.id);
    expect((await signedPost(baseUrl, '/v1/procurement/events', { id: sinjai.id, secret: oldSecret }, projectRegistered('rot-3'))).status).toBe(401);
    sinjai.secret = newSecret;
  });

  it('serves health and the OpenAPI document generated from the DTOs', async () => {
    expect((await fetch(`${baseUrl}/health/live`)).status).toBe(200);
    const ready = await fetch(`${baseUrl}/health/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as any).info).toMatchObject({ database: { status: 'up' }, redis: { status: 'up' } });
    const doc = (await (await fetch(`${baseUrl}/docs-json`)).json()) as any;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/procurement/events', '/v1/procurement/events/batch']));
    expect(doc.components.schemas.WorkerDto.properties.nik).toBeDefined();
    expect((await fetch(`${baseUrl}/docs`)).status).toBe(200);
  });
});
