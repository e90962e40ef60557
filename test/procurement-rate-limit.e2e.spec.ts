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
} from '@sinergi/testing';
import { ProcurementClientRepository } from '../src/modules/procurement-clients/procurement-client.repository';
import { createApiApp } from '../src/api';

const LIMIT = 30;

describe('procurement rate limit: events per minute, one budget for both routes (two booted API instances over HTTP)', () => {
  let db: MigratedTestDatabase;
  let apps: NestFastifyApplication[];
  let urls: string[];
  let prefix: string;
  let clients: ProcurementClientRepository;
  let created = 0;

  beforeAll(async () => {
    db = await createMigratedDatabase('rate_limit_e2e');
    prefix = uniqueQueuePrefix('rate-limit');
    // Two API processes behind one load balancer: same database, same Redis prefix.
    const config = testConfig({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix, RATE_LIMIT_PER_MINUTE: '100000' });
    apps = [await createApiApp(config), await createApiApp(config)];
    urls = [];
    for (const app of apps) {
      await app.listen({ port: 0, host: '127.0.0.1' });
      urls.push(await app.getUrl());
    }
    clients = apps[0].get(ProcurementClientRepository);
  });

  afterAll(async () => {
    for (const app of apps ?? []) await app.close();
    await db?.drop();
    await deleteKeysWithPrefix(testRedisUrl(), prefix);
  });

  /** A client of its own per test, so every test starts with a whole budget of LIMIT events a minute. */
  async function limitedClient(): Promise<{ id: string; secret: string }> {
    created += 1;
    const id = `spse-limited-${created}`;
    return { id, secret: (await clients.create({ id, name: id, regionScopes: ['73.07'], rateLimitPerMinute: LIMIT })).secret };
  }

  const events = (client: { id: string }, from: number, n: number) => Array.from({ length: n }, (_, i) => projectRegistered(`${client.id}-${from + i}`));
  const single = (client: { id: string; secret: string }, event: unknown, instance = 0) => signedPost(urls[instance], '/v1/procurement/events', client, event);
  const batch = (client: { id: string; secret: string }, items: unknown[], instance = 0) =>
    signedPost(urls[instance], '/v1/procurement/events/batch', client, { events: items });
  const recorded = async (client: { id: string }) =>
    Number((await db.pool.query(`SELECT count(*) FROM events WHERE metadata->'actor'->>'id' = $1`, [client.id])).rows[0].count);

  function expectRateLimited(res: Awaited<ReturnType<typeof single>>): void {
    expect(res.status).toBe(429);
    expect(res.contentType).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  }

  it('stops a client that used its budget on single events from posting batches (the incident: 29 batches, 580 events)', async () => {
    const client = await limitedClient();
    const statuses: number[] = [];
    for (const e of events(client, 0, LIMIT + 1)) statuses.push((await single(client, e)).status);
    expect(statuses.slice(0, LIMIT).every((s) => s === 202)).toBe(true);
    expect(statuses[LIMIT]).toBe(429);

    for (let b = 0; b < 29; b += 1) expectRateLimited(await batch(client, events(client, 100 + b * 20, 20)));
    expect(await recorded(client)).toBe(LIMIT);
  });

  it('counts a batch of N as N events, and refuses whole, recording nothing, a batch larger than what is left', async () => {
    const client = await limitedClient();
    const first = await batch(client, events(client, 0, 10));
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-remaining')).toBe(String(LIMIT - 10));

    const tooMany = await batch(client, events(client, 10, 25));
    expectRateLimited(tooMany);
    expect(tooMany.body.detail).toContain('25 events');
    expect(await recorded(client)).toBe(10);

    // The refusal took nothing: 20 still fit, exactly.
    const fits = await batch(client, events(client, 10, 20));
    expect(fits.status).toBe(200);
    expect(fits.body.results.map((r: { status: number }) => r.status)).toEqual(Array(20).fill(202));
    expect(fits.headers.get('x-ratelimit-remaining')).toBe('0');

    expectRateLimited(await single(client, events(client, 30, 1)[0]));
    expectRateLimited(await batch(client, events(client, 31, 1)));
    expect(await recorded(client)).toBe(LIMIT);
  });

  it('shares one budget across API instances and both routes', async () => {
    const client = await limitedClient();
    expect((await batch(client, events(client, 0, 20), 0)).status).toBe(200);
    for (const e of events(client, 20, 10)) expect((await single(client, e, 1)).status).toBe(202);
    expectRateLimited(await single(client, events(client, 30, 1)[0], 0));
    expectRateLimited(await batch(client, events(client, 31, 1), 1));
    expect(await recorded(client)).toBe(LIMIT);
  });

  it('says so when a batch is larger than the whole limit', async () => {
    const client = await limitedClient();
    const res = await batch(client, events(client, 0, LIMIT + 1));
    expectRateLimited(res);
    expect(res.body.detail).toMatch(/more than this client's limit of 30 events a minute/);
    expect(await recorded(client)).toBe(0);
    // Nothing was taken: the whole budget is still there.
    expect((await batch(client, events(client, 100, LIMIT))).status).toBe(200);
  });

  it('documents the unit of the limit in the OpenAPI description of the 429 on both routes', async () => {
    const doc = (await (await fetch(`${urls[0]}/docs-json`)).json()) as any;
    for (const path of ['/v1/procurement/events', '/v1/procurement/events/batch']) {
      expect(doc.paths[path].post.responses['429'].description).toMatch(/events per minute/);
    }
  });
});
