import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createMigratedDatabase, deleteKeysWithPrefix, type MigratedTestDatabase, projectRegistered, testConfig, testRedisUrl, uniqueQueuePrefix } from '@sinergi/testing';
import type { Browser } from 'playwright-core';
import { ProcurementClientRepository } from '../src/modules/procurement-clients/procurement-client.repository';
import { createApiApp } from '../src/api';
import { launchChromium } from './support/browser';

// Ingest can be tried from the OpenAPI page: given the client id and its secret (in "Authorize"), the page signs the
// request itself. Run in a real browser, on the page the API serves, with the request interceptor it configures.

describe('the /docs page (Swagger UI)', () => {
  let db: MigratedTestDatabase;
  let app: NestFastifyApplication;
  let browser: Browser;
  let baseUrl: string;
  let prefix: string;
  const client = { id: 'spse-docs-ui', secret: '' };

  beforeAll(async () => {
    db = await createMigratedDatabase('docs_ui_e2e');
    prefix = uniqueQueuePrefix('docs-ui');
    app = await createApiApp(testConfig({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix, RATE_LIMIT_PER_MINUTE: '100000' }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    client.secret = (await app.get(ProcurementClientRepository).create({ id: client.id, name: 'Docs UI', regionScopes: ['73.07'] })).secret;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.drop();
    await deleteKeysWithPrefix(testRedisUrl(), prefix);
  });

  it('records an event sent through the page with the client secret in place of the signature', async () => {
    const page = await browser.newPage();
    await page.goto(`${baseUrl}/docs`);
    await page.waitForFunction(() => Boolean((globalThis as unknown as { ui?: unknown }).ui));
    const body = JSON.stringify(projectRegistered('docs-ui-1'));
    const answer = await page.evaluate(
      async ({ url, id, secret, body }) => {
        type Req = { url: string; method: string; headers: Record<string, string>; body: string };
        const ui = (globalThis as unknown as { ui: { getConfigs(): { requestInterceptor(r: Req): Promise<Req> } } }).ui;
        // What "Try it out" hands the interceptor once Authorize holds the id, any timestamp and the secret.
        const request = await ui.getConfigs().requestInterceptor({
          url,
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Client-Id': id, 'X-Timestamp': 'now', 'X-Signature': secret },
          body,
        });
        const res = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body });
        return { status: res.status, body: await res.json(), signature: request.headers['X-Signature'] };
      },
      { url: `${baseUrl}/v1/procurement/events`, id: client.id, secret: client.secret, body },
    );
    expect(answer.signature).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(answer).toMatchObject({ status: 202, body: { eventId: 'spse-7307-docs-ui-1-1' } });
    await page.close();
  });
});
