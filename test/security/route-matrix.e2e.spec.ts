import { randomUUID } from 'node:crypto';
import { signedHeaders } from '@sinergi/auth';
import { freePort } from '@sinergi/local-services';
import { consoleSigningKey } from '../../src/modules/console/auth/console-secrets';
import { mintCaseLinkToken } from '../../src/modules/console/case-link/case-link-token';
import { PUPR, seedConsoleFixture } from '../support/console-fixture';
import { type RunningSystem, startSystem, TEST_METRICS_TOKEN } from '../support/running-system';
import { CALLERS, type Caller, type MatrixBody, type MatrixIds, ROUTE_EXPECTATIONS, type RouteExpectation } from './route-expectations';
import { routeKey, servedRoutes } from './route-table';

/** The WhatsApp channel on (its status webhook answers), pointed at an address nothing listens on: no message is sent. */
export const WHATSAPP_ENV = {
  WHATSAPP_API_URL: 'http://127.0.0.1:9',
  WHATSAPP_PHONE_NUMBER_ID: '1073070000000',
  WHATSAPP_TOKEN: 'security-matrix-graph-token',
  WHATSAPP_APP_SECRET: 'security-matrix-app-secret',
  WHATSAPP_VERIFY_TOKEN: 'security-matrix-verify-token',
};
const SEEDED_PPK_OFFICIAL = '7307e5c0-0000-4000-8000-000000000001';

/**
 * The security matrix (route-expectations.ts): the routes the running server has are compared with the table, then
 * every route is requested as every kind of caller and each status compared with the one the table expects.
 */
describe('security matrix: every route × every caller (API, worker and BPJS simulator over HTTP)', () => {
  let system: RunningSystem;
  let ids: MatrixIds;
  let client: { id: string; secret: string };
  let link: string;
  let metricsPort: number;
  const tokens = {} as Record<Exclude<Caller, 'cl' | 'li' | 'an'>, string>;

  beforeAll(async () => {
    metricsPort = await freePort();
    system = await startSystem('security-matrix', { ...WHATSAPP_ENV, METRICS_PORT: String(metricsPort) });
    client = await system.client('spse-sinjai-matrix', ['73.07']);
    tokens.oi = await system.token({ sub: 'kadis-sinjai', roles: ['official'], regions: ['73.07'], position: 'KEPALA_DINAS', agency: PUPR });
    tokens.oo = await system.token({ sub: 'kadis-bone', roles: ['official'], regions: ['73.08'], position: 'KEPALA_DINAS', agency: PUPR });
    tokens.au = await system.token({ sub: 'auditor-sinjai', roles: ['auditor'], regions: ['73.07'] });
    tokens.ai = await system.token({ sub: 'admin-sinjai', roles: ['admin'], regions: ['73.07'] });
    tokens.ao = await system.token({ sub: 'admin-bone', roles: ['admin'], regions: ['73.08'] });
    const fixture = await seedConsoleFixture(system, tokens.ai, tokens.oi);
    const { caseId, projectId: project } = fixture.cases[0];
    const evidence = await bearer('POST', `/v1/projects/${project}/evidence`, tokens.oi, {
      json: { projectNumber: '7307250000001', npp: '73070001', receiptNumber: '730725000000111', premiumPaid: '3252703', coveredFrom: '2025-04-28', coveredTo: '2026-04-22' },
    });
    expect(evidence.status).toBe(201);
    const deadLetter = randomUUID();
    await system.db.pool.query(
      `INSERT INTO dead_letters (id, queue, job_id, project_id, reason, attempts, failed_at) VALUES ($1, 'verification', $2, $3, 'BPJS unavailable', 8, now())`,
      [deadLetter, `verify-${project}-dl`, project],
    );
    const verification = await bearer('GET', '/v1/audit/verify?regionCode=73.07', tokens.au);
    expect(verification.status).toBe(202);
    ids = {
      project,
      caseId,
      evidence: ((await evidence.json()) as { evidenceId: string }).evidenceId,
      deadLetter,
      official: SEEDED_PPK_OFFICIAL,
      verification: verification.headers.get('location')!.split('/').pop()!,
    };
    link = mintCaseLinkToken(consoleSigningKey(system.config), { caseId, role: 'CONTRACTOR', expiresAt: new Date(Date.now() + 86_400_000) });
  }, 120_000);

  afterAll(() => system?.stop());

  function encode(body: MatrixBody | undefined): { text: string; type?: string } {
    if (!body) return { text: '' };
    if ('json' in body) return { text: JSON.stringify(body.json), type: 'application/json' };
    if ('form' in body) return { text: new URLSearchParams(body.form).toString(), type: 'application/x-www-form-urlencoded' };
    return { text: body.raw, type: body.type };
  }

  function bearer(method: string, url: string, token: string, body?: MatrixBody) {
    const { text, type } = encode(body);
    return fetch(`${system.baseUrl}${url}`, {
      method,
      redirect: 'manual',
      headers: { accept: 'application/json', authorization: `Bearer ${token}`, ...(type ? { 'content-type': type } : {}) },
      body: text || undefined,
    });
  }

  /** The request `row` makes as `caller`. */
  function request(row: RouteExpectation, caller: Caller): Promise<Response> {
    const method = row.route.split(' ')[0];
    let url = row.url(ids);
    let body = row.body;
    if (caller === 'li') {
      url += `${url.includes('?') ? '&' : '?'}t=${encodeURIComponent(link)}`;
      if (body && 'form' in body) body = { form: { ...body.form, t: link } };
    }
    if (caller === 'oi' || caller === 'oo' || caller === 'au' || caller === 'ai' || caller === 'ao') return bearer(method, url, tokens[caller], body);
    const { text, type } = encode(body);
    return fetch(`${system.baseUrl}${url}`, {
      method,
      redirect: 'manual',
      headers: { accept: 'application/json', ...(type ? { 'content-type': type } : {}), ...(caller === 'cl' ? signedHeaders(client.id, client.secret, text) : {}) },
      body: text || undefined,
    });
  }

  it('has a row for every route the server serves, and no row for a route it does not', () => {
    const served = servedRoutes(system.api).map(routeKey);
    const listed = ROUTE_EXPECTATIONS.map((r) => r.route);
    const missing = served.filter((r) => !listed.includes(r)).map((r) => `route without a row in test/security/route-expectations.ts: ${r}`);
    const stale = listed.filter((r) => !served.includes(r)).map((r) => `row for a route the server does not serve: ${r}`);
    const twice = listed.filter((r, i) => listed.indexOf(r) !== i).map((r) => `route listed twice: ${r}`);
    expect([...missing, ...stale, ...twice]).toEqual([]);
  });

  it('answers every route, as every caller, with the status the table gives, and never a 500', async () => {
    const mismatches: string[] = [];
    const notProblems: string[] = [];
    for (const row of ROUTE_EXPECTATIONS) {
      const expected = row.expect.trim().split(/\s+/).map(Number);
      expect(expected).toHaveLength(CALLERS.length);
      const actual: number[] = [];
      for (const caller of CALLERS) {
        const res = await request(row, caller);
        actual.push(res.status);
        const type = res.headers.get('content-type') ?? '';
        // Every refusal of the API, and the dashboard's own refusals, are problem documents (console pages are HTML).
        const ours = /^\S+ \/(v1|metrics|health)/.test(row.route) || (row.route.includes(' /admin/queues') && res.status !== 404);
        if (ours && [401, 403, 404].includes(res.status) && !type.includes('application/problem+json')) {
          notProblems.push(`${row.route} as ${caller}: ${res.status} ${type}`);
        }
        await res.arrayBuffer();
      }
      if (actual.join(' ') !== expected.join(' ')) mismatches.push(`${row.route}: expected ${expected.join(' ')} (${CALLERS.join(' ')}), got ${actual.join(' ')}${row.why ? ` (${row.why})` : ''}`);
    }
    expect(mismatches).toEqual([]);
    expect(notProblems).toEqual([]);
  });

  it('serves the local OpenID provider (/oidc, test and local mode) its public documents only: no caller’s credential is a token of its own', async () => {
    const discovery = await fetch(`${system.baseUrl}/oidc/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    const { token_endpoint, userinfo_endpoint, jwks_uri } = (await discovery.json()) as Record<string, string>;
    expect((await fetch(jwks_uri)).status).toBe(200);
    const failures: string[] = [];
    for (const caller of CALLERS) {
      const credential = caller === 'cl' ? client.secret : caller === 'li' ? link : caller === 'an' ? undefined : tokens[caller];
      const me = await fetch(userinfo_endpoint, { headers: credential ? { authorization: `Bearer ${credential}` } : {} });
      if (me.status !== 401 && me.status !== 400) failures.push(`userinfo as ${caller}: ${me.status}`);
      const token = await fetch(token_endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(credential ? { authorization: `Bearer ${credential}` } : {}) },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'sinergi-console' }).toString(),
      });
      const body = await token.text();
      if (token.status < 400 || token.status >= 500 || body.includes('access_token')) failures.push(`token as ${caller}: ${token.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('serves the metrics port only to the METRICS_TOKEN bearer, and nothing else there', async () => {
    const scrape = (path: string, token?: string) => fetch(`http://127.0.0.1:${metricsPort}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const scraped = await scrape('/metrics', TEST_METRICS_TOKEN);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('sinergi_http_request_duration_seconds');
    // Every caller of the matrix, with what it holds: none of it opens the metrics.
    for (const token of [...Object.values(tokens), link, client.secret, undefined]) {
      const res = await scrape('/metrics', token);
      expect(res.status).toBe(401);
      expect(await res.text()).not.toContain('sinergi_');
    }
    for (const path of ['/health/live', '/v1/cases', '/console', '/admin/queues', '/metrics/../v1/cases']) expect([path, (await scrape(path, TEST_METRICS_TOKEN)).status]).toEqual([path, 404]);
  });
});
