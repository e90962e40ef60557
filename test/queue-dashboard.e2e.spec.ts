import { Browserless } from './support/console-fixture';
import { type RunningSystem, startSystem } from './support/running-system';
import { QueueDashboardQueues } from '../src/modules/console/queue-dashboard/queue-dashboard';

const ADMIN = 'local-admin-7307';
const KADIS = '7307e5c0-0000-4000-8000-000000000002';
const QUEUES = ['verification', 'notification', 'audit', 'connector'];

/** The queue dashboard (bull-board) at /admin/queues: admins only, by the API's bearer token or a console session. */
describe('/admin/queues', () => {
  let system: RunningSystem;
  let admin: string;
  let official: string;

  beforeAll(async () => {
    system = await startSystem('queue-dashboard');
    admin = await system.token({ sub: 'admin', roles: ['admin'], regions: ['73.07'] });
    official = await system.token({ sub: 'kadis', roles: ['official'], regions: ['73.07'], position: 'KEPALA_DINAS' });
  }, 60_000);

  afterAll(() => system?.stop());

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${system.baseUrl}${path}`, { redirect: 'manual', headers });

  /** Signs in through the local OpenID provider by clicking the account `sub`. */
  async function signIn(sub: string): Promise<Browserless> {
    const browser = new Browserless(system.baseUrl);
    const accounts = await browser.follow('/console/masuk/oidc?kembali=%2Fconsole');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await accounts.res.text())![1];
    const done = await browser.follow(new URL(accounts.url).pathname, 'POST', { _csrf: csrf, akun: sub });
    expect(done.res.status).toBe(200);
    return browser;
  }

  it('shows an admin with a bearer token the dashboard over every queue', async () => {
    const page = await get('/admin/queues', { authorization: `Bearer ${admin}`, accept: 'text/html' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('Sinergi · antrean');
    const api = await get('/admin/queues/api/queues', { authorization: `Bearer ${admin}` });
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: { name: string }[] };
    expect(body.queues.map((q) => q.name).sort()).toEqual([...QUEUES].sort());
  });

  it('refuses an official (403) and anyone without credentials (401; a browser is sent to sign in)', async () => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues', '/admin/queues/queue/verification']) {
      const asOfficial = await get(path, { authorization: `Bearer ${official}` });
      expect(asOfficial.status).toBe(403);
      expect(((await asOfficial.json()) as { code: string }).code).toBe('forbidden_role');
      const anonymous = await get(path);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
      expect(((await anonymous.json()) as { code: string; queues?: unknown }).queues).toBeUndefined();
    }
    const browser = await get('/admin/queues', { accept: 'text/html' });
    expect(browser.status).toBe(303);
    expect(browser.headers.get('location')).toBe('/console/masuk?kembali=%2Fconsole%2Fantrean');
    expect((await get('/admin/queues', { authorization: 'Bearer not-a-token' })).status).toBe(401);
    // Changes need an admin too.
    expect((await fetch(`${system.baseUrl}/admin/queues/api/queues/verification/pause`, { method: 'PUT', headers: { authorization: `Bearer ${official}` } })).status).toBe(403);
  });

  it('lets only an admin of the whole country change the shared queues; a region’s admin reads them', async () => {
    const national = await system.token({ sub: 'admin-nasional', roles: ['admin'], regions: ['ID'] });
    const pauseAs = (token: string) => fetch(`${system.baseUrl}/admin/queues/api/queues/verification/pause`, { method: 'PUT', headers: { authorization: `Bearer ${token}` } });
    const isPaused = async () => system.api.get(QueueDashboardQueues, { strict: false }).queues.find((q) => q.name === 'verification')!.isPaused();

    const refused = await pauseAs(admin);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(((await refused.json()) as { code: string }).code).toBe('national_scope_required');
    expect(await isPaused()).toBe(false);
    // However the path is spelled, the route's list reaches a region's admin read-only.
    for (const path of ['/admin/queues/api/queues', '/admin/queues/api/queues?activeQueue=verification', '/admin/queues/api/%71ueues']) {
      const res = await get(path, { authorization: `Bearer ${admin}` });
      if (res.status === 404) continue;
      const regional = (await res.json()) as { queues: { readOnlyMode: boolean }[] };
      expect([path, regional.queues.length > 0 && regional.queues.every((q) => q.readOnlyMode)]).toEqual([path, true]);
    }

    const full = (await (await get('/admin/queues/api/queues', { authorization: `Bearer ${national}` })).json()) as { queues: { readOnlyMode: boolean; allowRetries: boolean }[] };
    expect(full.queues.some((q) => q.readOnlyMode)).toBe(false);
    expect(full.queues.every((q) => q.allowRetries)).toBe(true);
    expect((await pauseAs(national)).status).toBe(200);
    expect(await isPaused()).toBe(true);
    const resume = await fetch(`${system.baseUrl}/admin/queues/api/queues/verification/resume`, { method: 'PUT', headers: { authorization: `Bearer ${national}` } });
    expect(resume.status).toBe(200);
    expect(await isPaused()).toBe(false);
  });

  it('opens from an admin’s console session through "Antrean", and not from an official’s', async () => {
    const browser = await signIn(ADMIN);
    const home = await (await browser.request('GET', '/console')).text();
    expect(home).toContain('href="/console/antrean"');
    const handoff = await browser.request('GET', '/console/antrean');
    expect(handoff.status).toBe(303);
    expect(handoff.headers.get('location')).toBe('/admin/queues/');
    const cookie = handoff.headers.getSetCookie().find((c) => c.startsWith('sinergi_console='))!;
    expect(cookie).toMatch(/Path=\/admin\/queues/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const session = `sinergi_console=${browser.cookies.get('sinergi_console')}`;
    const dashboard = await get('/admin/queues/', { cookie: session, accept: 'text/html' });
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain('Sinergi · antrean');
    // A session's change must come from the dashboard's own origin.
    const crossSite = await fetch(`${system.baseUrl}/admin/queues/api/queues/verification/pause`, { method: 'PUT', headers: { cookie: session, origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);

    // A region's admin sees the queues read-only: every queue flagged so, changes refused and not made.
    const queues = (await (await get('/admin/queues/api/queues', { cookie: session })).json()) as { queues: { readOnlyMode: boolean; allowRetries: boolean }[] };
    expect(queues.queues.length).toBe(QUEUES.length);
    expect(queues.queues.every((q) => q.readOnlyMode && !q.allowRetries)).toBe(true);
    const pause = await fetch(`${system.baseUrl}/admin/queues/api/queues/verification/pause`, { method: 'PUT', headers: { cookie: session, origin: system.baseUrl } });
    expect(pause.status).toBe(403);
    expect(((await pause.json()) as { code: string }).code).toBe('national_scope_required');

    const kadis = await signIn(KADIS);
    expect(await (await kadis.request('GET', '/console')).text()).not.toContain('/console/antrean');
    expect((await kadis.request('GET', '/console/antrean')).status).toBe(403);
    expect((await get('/admin/queues/', { cookie: `sinergi_console=${kadis.cookies.get('sinergi_console')}`, accept: 'text/html' })).status).toBe(403);
  });
});
