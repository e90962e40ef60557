import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createMigratedDatabase, deleteKeysWithPrefix, type MigratedTestDatabase, projectRegistered, signedPost, testConfig, testRedisUrl, uniqueQueuePrefix } from '@sinergi/testing';
import { ProcurementClientRepository } from '../src/modules/procurement-clients/procurement-client.repository';
import { createApiApp } from '../src/api';

describe('graceful shutdown (booted app over HTTP)', () => {
  let db: MigratedTestDatabase;
  let app: NestFastifyApplication;
  let prefix: string;

  beforeAll(async () => {
    db = await createMigratedDatabase('shutdown_e2e');
    prefix = uniqueQueuePrefix('shutdown');
  });
  afterAll(async () => {
    await db?.drop();
    await deleteKeysWithPrefix(testRedisUrl(), prefix);
  });

  it('finishes requests in flight before closing the database, and records exactly what it acknowledged', async () => {
    app = await createApiApp(testConfig({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix, RATE_LIMIT_PER_MINUTE: '100000' }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const baseUrl = await app.getUrl();
    const client = { id: 'spse-shutdown', secret: '' };
    client.secret = (await app.get(ProcurementClientRepository).create({ id: client.id, name: 'x', regionScopes: ['73.07'] })).secret;

    const requests = Array.from({ length: 60 }, (_, i) =>
      signedPost(baseUrl, '/v1/procurement/events/batch', client, { events: Array.from({ length: 20 }, (_, j) => projectRegistered(`sd-${i}-${j}`)) }).catch(
        (error: Error) => ({ status: 0, body: { error: error.message } }),
      ),
    );
    // Close once the server is busy: the first answers are out, the rest are in its handlers or queued.
    await Promise.race(requests);
    await app.close();
    const responses = await Promise.all(requests);

    const statuses = responses.map((r) => r.status);
    expect(statuses).not.toContain(500);
    // Whatever the server refused while closing, it refused as a problem, and the client may retry it.
    for (const r of responses.filter((r) => r.status === 503)) expect(r.body).toMatchObject({ code: 'shutting_down' });
    const acknowledged = responses
      .filter((r) => r.status === 200)
      .flatMap((r) => (r.body as { results: { status: number }[] }).results)
      .filter((r) => r.status === 202).length;
    expect(acknowledged).toBeGreaterThan(0);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM events`);
    expect(rows[0].n).toBe(acknowledged);
  });
});
