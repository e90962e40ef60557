import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Principal } from '@sinergi/auth';
import { asReadOnlyQueueList, DASHBOARD_QUEUES, queueDashboardPrincipal } from './queue-dashboard';

/** Every `export const …_QUEUE = '<name>'` under src/: the queues the code declares. */
function declaredQueues(dir: string, found = new Set<string>()): Set<string> {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) declaredQueues(path, found);
    else if (path.endsWith('.ts') && !path.endsWith('.spec.ts')) {
      for (const m of readFileSync(path, 'utf8').matchAll(/export const \w+_QUEUE = '([^']+)'/g)) found.add(m[1]);
    }
  }
  return found;
}

const person = (roles: Principal['roles'], regions = ['73.07']): Principal => ({ kind: 'user', sub: 's', name: null, roles, regions, position: null, agency: null, permissions: [] });
const verifier = (p: Principal) => ({ verify: async () => p });
const sessions = (p: Principal | null) => ({ fromCookieHeader: async () => (p ? ({ principal: p } as never) : null) });
const ORIGIN = 'https://sinergi.sinjaikab.go.id';

describe('the queue dashboard', () => {
  it('covers every BullMQ queue the code declares', () => {
    const declared = declaredQueues(join(__dirname, '..', '..', '..'));
    expect(declared.size).toBeGreaterThanOrEqual(4);
    expect([...declared].sort()).toEqual(DASHBOARD_QUEUES.map((q) => q.name).sort());
  });

  it('lets an admin in by bearer token or console session, and nobody else', async () => {
    const get = (headers: Record<string, string>) => ({ method: 'GET', headers });
    await expect(queueDashboardPrincipal(get({ authorization: 'Bearer x' }), verifier(person(['admin'])), sessions(null), ORIGIN)).resolves.toMatchObject({ roles: ['admin'] });
    await expect(queueDashboardPrincipal(get({ authorization: 'Bearer x' }), verifier(person(['official'])), sessions(null), ORIGIN)).rejects.toMatchObject({ kind: 'forbidden', code: 'forbidden_role' });
    await expect(queueDashboardPrincipal(get({ authorization: 'Basic x' }), verifier(person(['admin'])), sessions(null), ORIGIN)).rejects.toMatchObject({ kind: 'unauthenticated' });
    await expect(queueDashboardPrincipal(get({}), verifier(person(['admin'])), sessions(null), ORIGIN)).rejects.toMatchObject({ kind: 'unauthenticated' });
    await expect(queueDashboardPrincipal(get({ cookie: 'c' }), verifier(person(['admin'])), sessions(person(['admin'])), ORIGIN)).resolves.toBeDefined();
    await expect(queueDashboardPrincipal(get({ cookie: 'c' }), verifier(person(['admin'])), sessions(person(['auditor'])), ORIGIN)).rejects.toMatchObject({ code: 'forbidden_role' });
  });

  it('takes a session’s changes only from the dashboard’s own origin', async () => {
    const put = (headers: Record<string, string>) => ({ method: 'PUT', headers: { cookie: 'c', ...headers } });
    const admin = sessions(person(['admin'], ['ID']));
    await expect(queueDashboardPrincipal(put({}), verifier(person([])), admin, ORIGIN)).rejects.toMatchObject({ code: 'cross_site_request' });
    await expect(queueDashboardPrincipal(put({ origin: 'https://evil.example' }), verifier(person([])), admin, ORIGIN)).rejects.toMatchObject({ code: 'cross_site_request' });
    await expect(queueDashboardPrincipal(put({ origin: ORIGIN }), verifier(person([])), admin, ORIGIN)).resolves.toBeDefined();
    await expect(queueDashboardPrincipal(put({ 'sec-fetch-site': 'same-origin' }), verifier(person([])), admin, ORIGIN)).resolves.toBeDefined();
  });

  it('leaves changes to admins of the whole country, and a region’s admin reading', async () => {
    const as = (method: string, regions: string[]) =>
      queueDashboardPrincipal({ method, headers: { authorization: 'Bearer x' } }, verifier(person(['admin'], regions)), sessions(null), ORIGIN);
    for (const method of ['PUT', 'PATCH', 'POST', 'DELETE']) {
      await expect(as(method, ['73.07'])).rejects.toMatchObject({ kind: 'forbidden', code: 'national_scope_required' });
      await expect(as(method, ['73', '74'])).rejects.toMatchObject({ code: 'national_scope_required' });
      await expect(as(method, ['ID'])).resolves.toBeDefined();
      await expect(as(method, ['*'])).resolves.toBeDefined();
    }
    await expect(as('GET', ['73.07'])).resolves.toBeDefined();
    await expect(as('HEAD', ['73.07'])).resolves.toBeDefined();
  });

  it('marks every queue of a list read-only, and passes anything else as it is', () => {
    const list = JSON.stringify({ stats: {}, queues: [{ name: 'verification', readOnlyMode: false, allowRetries: true, allowCompletedRetries: true }, { name: 'audit' }] });
    expect(JSON.parse(asReadOnlyQueueList(list) as string)).toEqual({
      stats: {},
      queues: [
        { name: 'verification', readOnlyMode: true, allowRetries: false, allowCompletedRetries: false },
        { name: 'audit', readOnlyMode: true, allowRetries: false, allowCompletedRetries: false },
      ],
    });
    for (const other of ['<html></html>', '{"jobs":[]}', '', Buffer.from('x')]) expect(asReadOnlyQueueList(other)).toBe(other);
  });
});
