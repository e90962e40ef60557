import {
  createMigratedDatabase,
  deleteKeysWithPrefix,
  type MigratedTestDatabase,
  projectRegistered,
  signedPost,
  TEST_SECRETS_KEY,
  testConfig,
  testRedisUrl,
  uniqueQueuePrefix,
  waitFor,
} from '@sinergi/testing';
import { createApiApp } from '../src/api';
import { ProcurementClientRepository } from '../src/modules/procurement-clients/procurement-client.repository';
import { type ApiProcess, startApiProcess } from './support/api-process';

interface LogLine {
  level: number;
  msg?: string;
  route?: string;
  correlationId?: string;
  [key: string]: unknown;
}

/**
 * The API as a real process in production mode at its default log level, every line of its output captured: each
 * request gets exactly one info line with the method, route, status, duration and correlation id, and none carries
 * a query string, a body, a token, a cookie or a signature. Health and metrics probes get none.
 */
describe('the request log (the API as a production process)', () => {
  let db: MigratedTestDatabase;
  let prefix: string;
  let api: ApiProcess;
  let baseUrl: string;
  let output: string[] = [];
  const client = { id: 'spse-request-log', secret: '' };
  const secrets = { nik: '7307051203850002', name: 'Baharuddin', token: 'bearer-token-not-for-logs', cookie: 'sid=cookie-not-for-logs' };

  beforeAll(async () => {
    db = await createMigratedDatabase('request_log');
    prefix = uniqueQueuePrefix('request-log');
    const setup = await createApiApp(testConfig({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix }));
    client.secret = (await setup.get(ProcurementClientRepository).create({ id: client.id, name: 'SPSE request log', regionScopes: ['73.07'] })).secret;
    await setup.close();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      SINERGI_MODE: 'production',
      SECRETS_KEY: TEST_SECRETS_KEY,
      JWT_SECRET: 'request-log-test-jwt-secret-0123456789abcdef',
      PUBLIC_BASE_URL: 'https://sinergi.example.go.id',
      BPJS_API_URL: 'http://127.0.0.1:9',
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: prefix,
      METRICS_PORT: '0',
    };
    delete env.LOG_LEVEL; // production's default, info
    api = await startApiProcess(env);
    baseUrl = api.baseUrl;
    output = api.output;
  });

  afterAll(async () => {
    await api?.stop();
    await db?.drop();
    await deleteKeysWithPrefix(testRedisUrl(), prefix);
  });

  const lines = (): LogLine[] =>
    output
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine);
  const linesOf = (correlationId: string) => lines().filter((l) => l.msg === 'request completed' && l.correlationId === correlationId);

  it('writes one line per request with method, route, status, duration and correlation id, and no personal data or secret', async () => {
    const requests: { correlationId: string; method: string; route: string; status: number }[] = [];
    // Signed, with a body carrying the PPK's name, NIP and e-mail, and a query string with a NIK.
    const ppk = { nip: '198104172006041002', name: `Andi ${secrets.name}`, email: 'baharuddin.ppk@sinjaikab.example' };
    const posted = await signedPost(baseUrl, `/v1/procurement/events?nik=${secrets.nik}`, client, projectRegistered('request-log-1', {}, { ppk }), {
      headers: { 'x-correlation-id': 'req-log-post', cookie: secrets.cookie },
    });
    requests.push({ correlationId: 'req-log-post', method: 'POST', route: '/v1/procurement/events', status: posted.status });
    // A bearer token and a cookie, a name and a NIK in the query string, refused.
    const listed = await fetch(`${baseUrl}/v1/cases?q=${secrets.name}&nik=${secrets.nik}`, {
      headers: { authorization: `Bearer ${secrets.token}`, cookie: secrets.cookie, 'x-correlation-id': 'req-log-get' },
    });
    requests.push({ correlationId: 'req-log-get', method: 'GET', route: '/v1/cases', status: listed.status });
    // A path with a NIK in it that no route matches.
    const missing = await fetch(`${baseUrl}/v1/nowhere/${secrets.nik}?name=${secrets.name}`, { headers: { 'x-correlation-id': 'req-log-404' } });
    requests.push({ correlationId: 'req-log-404', method: 'GET', route: 'unmatched', status: missing.status });
    // Probes: not logged.
    expect((await fetch(`${baseUrl}/health/live`, { headers: { 'x-correlation-id': 'req-log-health' } })).status).toBe(200);

    expect(requests.map((r) => r.status)).toEqual([202, 401, 404]);
    await waitFor(async () => requests.every((r) => linesOf(r.correlationId).length > 0), (done) => done, 10_000);
    for (const r of requests) {
      const logged = linesOf(r.correlationId);
      expect(logged).toHaveLength(1);
      const { time, pid, hostname, responseTime, ...line } = logged[0];
      expect(line).toEqual({ level: 30, msg: 'request completed', method: r.method, route: r.route, statusCode: r.status, correlationId: r.correlationId });
      expect([typeof time, typeof pid, typeof hostname, typeof responseTime]).toEqual(['number', 'number', 'string', 'number']);
    }
    expect(lines().filter((l) => l.correlationId === 'req-log-health')).toEqual([]);
    expect(lines().filter((l) => l.msg === 'request completed' && l.route?.startsWith('/health'))).toEqual([]);

    const log = output.join('');
    for (const secret of [secrets.nik, secrets.name, secrets.token, 'cookie-not-for-logs', client.secret, ppk.nip, ppk.email]) expect(log).not.toContain(secret);
    expect(log).not.toMatch(/x-signature|authorization/i);
  });
});
