import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mintLocalToken, signedHeaders } from '@sinergi/auth';
import type { SinergiConfig } from '@sinergi/common';
import {
  createMigratedDatabase,
  deleteKeysWithPrefix,
  type MigratedTestDatabase,
  projectRegistered,
  testConfig,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sinergi/testing';
import { ProcurementClientRepository } from '../src/modules/procurement-clients/procurement-client.repository';
import { createApiApp } from '../src/api';

// Every route of the JSON API (/v1/…) takes its body as application/json only: anything else is 415 problem+json,
// before authentication and before the body is read. Without this rule Fastify would read text/plain as a string and
// application/x-www-form-urlencoded as an object, refused later (or not) as invalid fields.

describe('request bodies on the JSON API are application/json or 415', () => {
  let db: MigratedTestDatabase;
  let app: NestFastifyApplication;
  let config: SinergiConfig;
  let baseUrl: string;
  let prefix: string;
  let admin: string;
  const client = { id: 'spse-json-only', secret: '' };

  beforeAll(async () => {
    db = await createMigratedDatabase('json_bodies_e2e');
    prefix = uniqueQueuePrefix('json-bodies');
    config = testConfig({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix, RATE_LIMIT_PER_MINUTE: '100000' });
    app = await createApiApp(config);
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = await app.getUrl();
    client.secret = (await app.get(ProcurementClientRepository).create({ id: client.id, name: 'JSON only', regionScopes: ['73.07'] })).secret;
    admin = await mintLocalToken(config.jwt.secret!, { sub: 'admin-json', roles: ['admin'], regions: ['73'] });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    await deleteKeysWithPrefix(testRedisUrl(), prefix);
  });

  async function send(method: string, path: string, body: string | undefined, headers: Record<string, string>) {
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: text ? JSON.parse(text) : null };
  }
  const signed = (body: string, contentType?: string) => ({
    ...signedHeaders(client.id, client.secret, body),
    ...(contentType ? { 'content-type': contentType } : {}),
  });

  const event = () => JSON.stringify(projectRegistered(`json-${Math.random().toString(36).slice(2, 10)}`));
  const NOT_JSON: [string, string | undefined, (json: string) => string][] = [
    ['text/plain', 'text/plain', (json) => json],
    ['text/plain; charset=utf-8', 'text/plain; charset=utf-8', (json) => json],
    ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded', () => 'eventId=x&type=ProjectRegistered'],
    ['multipart/form-data', 'multipart/form-data; boundary=b', () => '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b--\r\n'],
    ['application/merge-patch+json', 'application/merge-patch+json', (json) => json],
    ['no Content-Type at all', undefined, (json) => json],
  ];

  it.each(NOT_JSON)('a correctly signed event sent as %s is 415 unsupported_media_type, and nothing is recorded', async (_label, contentType, make) => {
    const body = make(event());
    // fetch adds text/plain to a string body without a type; a Blob without a type sends none.
    const res = await fetch(`${baseUrl}/v1/procurement/events`, {
      method: 'POST',
      headers: signed(body, contentType),
      body: contentType === undefined ? new Blob([body]) : body,
    });
    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await res.json()) as Record<string, unknown>;
    expect(problem).toMatchObject({
      type: 'urn:sinergi:problem:unsupported_media_type',
      title: 'Unsupported Media Type',
      status: 415,
      code: 'unsupported_media_type',
      errors: [],
      instance: '/v1/procurement/events',
    });
    expect(problem.detail).toMatch(/application\/json/);
    expect(Number((await db.pool.query('SELECT count(*) FROM events')).rows[0].count)).toBe(0);
  });

  it('the same event as application/json (with or without a charset) is recorded', async () => {
    for (const contentType of ['application/json', 'application/json; charset=utf-8', 'Application/JSON']) {
      const body = event();
      const res = await send('POST', '/v1/procurement/events', body, signed(body, contentType));
      expect(res.status).toBe(202);
    }
  });

  it('the batch route and the bearer-token routes answer alike, before authentication', async () => {
    const body = JSON.stringify({ events: [JSON.parse(event())] });
    expect((await send('POST', '/v1/procurement/events/batch', body, signed(body, 'text/plain'))).status).toBe(415);
    const target = JSON.stringify({ metric: 'projects', targetPercent: 80, deadline: '2026-12-31' });
    const auth = { authorization: `Bearer ${admin}` };
    for (const [method, path] of [
      ['PUT', '/v1/coverage/targets/73.07'],
      ['POST', '/v1/admin/officials'],
      ['POST', '/v1/cases/00000000-0000-4000-8000-000000000000/acknowledge'],
    ]) {
      const asForm = await send(method, path, 'metric=projects', { ...auth, 'content-type': 'application/x-www-form-urlencoded' });
      expect({ path, status: asForm.status, code: asForm.body?.code }).toEqual({ path, status: 415, code: 'unsupported_media_type' });
      expect(asForm.contentType).toContain('application/problem+json');
      // Without credentials the media type is still what is refused first.
      expect((await send(method, path, target, { 'content-type': 'text/plain' })).status).toBe(415);
      // As JSON the request goes on to authentication and validation.
      expect((await send(method, path, target, { 'content-type': 'application/json' })).status).toBe(401);
    }
  });

  it('a request without a body needs no Content-Type', async () => {
    // POST …/reverify takes no body: without a token it reaches authentication (401), not the media-type check.
    const res = await send('POST', '/v1/projects/00000000-0000-4000-8000-000000000000/reverify', undefined, {});
    expect(res.status).toBe(401);
    const empty = await send('POST', '/v1/projects/00000000-0000-4000-8000-000000000000/reverify', '', { 'content-type': 'text/plain' });
    expect(empty.status).toBe(401);
  });

  it("the console's HTML forms (outside /v1/) still post application/x-www-form-urlencoded", async () => {
    const res = await fetch(`${baseUrl}/console/keluar`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'csrf=x',
      redirect: 'manual',
    });
    expect(res.status).not.toBe(415);
  });
});
