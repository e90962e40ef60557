import { waitFor } from '@sinergi/testing';
import { Browserless, type ConsoleFixture, PUPR, seedConsoleFixture } from './support/console-fixture';
import { type RunningSystem, startSystem } from './support/running-system';

const KADIS_SUB = '7307e5c0-0000-4000-8000-000000000002';
const JUSTIFICATION = 'Kontrak diputus oleh PA sebelum pekerjaan dimulai; tidak ada pekerja di lapangan';

/** The hidden CSRF token of the first form on a page. */
const csrfOf = (page: string) => /name="_csrf" value="([^"]+)"/.exec(page)?.[1];

describe('officials’ console over HTTP (pages, sessions, forms, scope)', () => {
  let system: RunningSystem;
  let fixture: ConsoleFixture;
  let kadis: string;
  let ppk: string;
  let auditor: string;
  let gowa: string;

  /** Signs in through the local OpenID provider by clicking the account `sub`, as a browser would (no JavaScript). */
  async function signIn(sub: string, back = '/console'): Promise<Browserless> {
    const browser = new Browserless(system.baseUrl);
    const chooser = await browser.follow(back);
    expect(chooser.url).toContain('/console/masuk?kembali=');
    const accounts = await browser.follow(`/console/masuk/oidc?kembali=${encodeURIComponent(back)}`);
    expect(accounts.url).toMatch(/\/console\/masuk\/lokal\/[\w-]+$/);
    const text = await accounts.res.text();
    const token = csrfOf(text)!;
    const done = await browser.follow(new URL(accounts.url).pathname, 'POST', { _csrf: token, akun: sub });
    expect(done.res.status).toBe(200);
    expect(new URL(done.url).pathname).toBe(back.split('?')[0]);
    return browser;
  }

  beforeAll(async () => {
    system = await startSystem('console-pages');
    kadis = await system.token({ sub: KADIS_SUB, name: 'Kepala Dinas PUPR', roles: ['official'], regions: ['73.07'], position: 'KEPALA_DINAS', agency: PUPR });
    ppk = await system.token({ sub: 'ppk-pupr', name: 'PPK PUPR', roles: ['official'], regions: ['73.07'], position: 'PPK', agency: PUPR });
    auditor = await system.token({ sub: 'auditor-sinjai', roles: ['auditor'], regions: ['73.07'] });
    gowa = await system.token({ sub: 'kadis-gowa', roles: ['official'], regions: ['73.06'], position: 'KEPALA_DINAS' });
    const admin = await system.token({ sub: 'admin', roles: ['admin'], regions: ['73.07'] });
    fixture = await seedConsoleFixture(system, admin, kadis);
  }, 120_000);

  afterAll(() => system?.stop());

  const get = (path: string, token?: string, accept = 'text/html') =>
    fetch(`${system.baseUrl}${path}`, { redirect: 'manual', headers: { accept, ...(token ? { authorization: `Bearer ${token}` } : {}) } });

  it('sends a browser without credentials to sign in and answers a script 401, showing no data', async () => {
    const browser = await get('/console/regions/73.07');
    expect(browser.status).toBe(303);
    expect(browser.headers.get('location')).toBe('/console/masuk?kembali=%2Fconsole%2Fregions%2F73.07');
    const script = await get('/console/cases', undefined, 'application/json');
    expect(script.status).toBe(401);
    expect(script.headers.get('www-authenticate')).toBe('Bearer');
    const text = await script.text();
    expect(text).not.toContain('Rehabilitasi');
    expect(text).toContain('lang="id"');
  });

  it('shows Sinjai’s coverage against its target with all nine districts to a bearer token, in Indonesian formats', async () => {
    const res = await get('/console', kadis);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    // The server's own time for the page (bench:console reads it).
    expect(res.headers.get('server-timing')).toMatch(/^app;dur=\d+\.\d$/);
    const page = await res.text();
    expect(page).toContain('<html lang="id">');
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page).toContain('Cakupan Kabupaten Sinjai');
    // 1 of 4 projects registered: 25,0 %, 35,0 points short of 60 %.
    expect(page).toContain('25,0 %');
    expect(page).toContain('60,0 %');
    expect(page).toContain('35,0 poin');
    expect(page).toMatch(/\d+ proyek lagi terdaftar per bulan hingga 31 Des \d{4}/);
    for (const district of ['Sinjai Barat', 'Sinjai Selatan', 'Sinjai Timur', 'Sinjai Tengah', 'Sinjai Utara', 'Bulupoddo', 'Sinjai Borong', 'Tellu Limpoe', 'Pulau Sembilan']) {
      expect(page).toContain(`>${district}</a>`);
    }
    // Agencies ranked by uncovered contract value: PUPR (two unregistered projects) before Dinas Kesehatan.
    expect(page.indexOf('Dinas PUPR Kabupaten Sinjai')).toBeLessThan(page.indexOf('Dinas Kesehatan Kabupaten Sinjai'));
    expect(page).toContain('Rp 5.000.000.000');
    // The stylesheet is Sinergi's own.
    const css = /<link rel="stylesheet" href="([^"]+)">/.exec(page)![1];
    const sheet = await get(css);
    expect(sheet.status).toBe(200);
    expect(sheet.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('lists open cases oldest first with the API’s filters and rel="next" pages, escaping project names', async () => {
    const first = await (await get('/console/cases', kadis)).text();
    const api = (await (await fetch(`${system.baseUrl}/v1/cases?status=OPEN`, { headers: { authorization: `Bearer ${kadis}` } })).json()) as { items: { caseId: string; openedAt: string }[] };
    const oldestFirst = [...api.items].sort((a, b) => (a.openedAt === b.openedAt ? (a.caseId < b.caseId ? -1 : 1) : a.openedAt < b.openedAt ? -1 : 1));
    const order = oldestFirst.map((c) => first.indexOf(`/console/cases/${c.caseId}`));
    expect(order).toHaveLength(3);
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(first).toContain('Peningkatan Jalan Tellu Limpoe &lt;Tahap II&gt;');
    const byAgency = await (await get(`/console/cases?agency=${encodeURIComponent(PUPR)}&status=OPEN`, kadis)).text();
    expect(byAgency).toContain(fixture.cases[0].caseId);
    expect(byAgency).not.toContain(fixture.cases[2].caseId);
    const byRegion = await (await get('/console/cases?regionCode=73.07.09&level=&agency=', kadis)).text();
    expect(byRegion).toContain(fixture.cases[2].caseId);
    expect(byRegion).not.toContain(fixture.cases[0].caseId);
    // Paging: a page of 25 holds all three here, so no next link; two a page gives a rel="next" link to the third.
    expect(first).not.toContain('rel="next"');
    const paged = await (await get('/console/cases?limit=2', kadis)).text();
    const next = /<a rel="next" href="([^"]+)">/.exec(paged)![1].replace(/&amp;/g, '&');
    expect(next).toMatch(/^\/console\/cases\?limit=2&cursor=/);
    const second = await (await get(next, kadis)).text();
    const shown = (page: string) => oldestFirst.filter((c) => page.includes(`/console/cases/${c.caseId}`)).map((c) => c.caseId);
    expect([...shown(paged), ...shown(second)]).toEqual(oldestFirst.map((c) => c.caseId));
    expect(second).not.toContain('rel="next"');
    expect(second).toContain('Halaman pertama');
    const bad = await get('/console/cases?status=NOPE', kadis);
    expect(bad.status).toBe(400);
  });

  it('signs in through the local OpenID provider (code + PKCE) into an HttpOnly, SameSite=Lax session', async () => {
    const browser = new Browserless(system.baseUrl);
    const start = await browser.request('GET', '/console/masuk/oidc?kembali=%2Fconsole%2Fcases');
    expect(start.status).toBe(303);
    const authorize = new URL(start.headers.get('location')!);
    expect(authorize.pathname).toBe('/oidc/auth');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    const signedIn = await signIn(KADIS_SUB, '/console/cases');
    expect(signedIn.cookies.has('sinergi_console')).toBe(true);
    const login = await new Browserless(system.baseUrl).follow('/console/masuk/oidc');
    const form = await login.res.text();
    for (const name of ['Kepala Dinas PUPR Sinjai', 'PPK Dinas PUPR Sinjai', 'Inspektur Daerah Sinjai', 'Auditor Inspektorat Sinjai', 'Admin Sinergi Sinjai']) expect(form).toContain(name);
    // The session cookie as the callback set it.
    const again = new Browserless(system.baseUrl);
    const flow = await again.follow('/console/masuk/oidc');
    const done = await again.follow(new URL(flow.url).pathname, 'POST', { _csrf: csrfOf(await flow.res.text())!, akun: KADIS_SUB });
    const cookie = done.setCookies.find((c) => c.startsWith('sinergi_console='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/console/);
    expect(cookie).toMatch(/Max-Age=28800/);
    expect(cookie).not.toMatch(/Secure/);
    expect(await done.res.text()).toContain('Kepala Dinas PUPR Sinjai (contoh)');
  });

  it('refuses a session’s form without its CSRF token, takes it with the token, and needs none with a bearer token', async () => {
    const browser = await signIn(KADIS_SUB);
    const target = fixture.cases[0];
    const noToken = await browser.request('POST', `/console/cases/${target.caseId}/acknowledge`, { note: 'tanpa token' });
    expect(noToken.status).toBe(403);
    const casePage = await (await browser.request('GET', `/console/cases/${target.caseId}`)).text();
    expect(casePage).toContain('Yang perlu Anda lakukan');
    const ok = await browser.request('POST', `/console/cases/${target.caseId}/acknowledge`, { _csrf: csrfOf(casePage)!, note: 'PPK sudah menghubungi penyedia' });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe(`/console/cases/${target.caseId}?selesai=acknowledged`);
    const after = await (await browser.request('GET', ok.headers.get('location')!)).text();
    expect(after).toContain('Tanggapan Anda sudah dicatat.');
    expect(after).toContain('“PPK sudah menghubungi penyedia”');
    // A script with the API's token posts the same form without any CSRF token.
    const bearer = await fetch(`${system.baseUrl}/console/cases/${target.caseId}/acknowledge`, {
      method: 'POST',
      redirect: 'manual',
      headers: { authorization: `Bearer ${ppk}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ note: 'Permintaan pembayaran ditahan' }).toString(),
    });
    expect(bearer.status).toBe(303);
    const api = (await (await fetch(`${system.baseUrl}/v1/cases/${target.caseId}`, { headers: { authorization: `Bearer ${kadis}` } })).json()) as { acknowledgements: { note: string }[] };
    expect(api.acknowledgements.map((a: { note: string }) => a.note)).toEqual(['PPK sudah menghubungi penyedia', 'Permintaan pembayaran ditahan']);
  });

  it('offers waiving only to positions allowed to waive; a short justification is refused with the text kept', async () => {
    const target = fixture.cases[1];
    const asPpk = await (await get(`/console/cases/${target.caseId}`, ppk)).text();
    expect(asPpk).not.toContain(`/console/cases/${target.caseId}/waive`);
    const ppkWaive = await fetch(`${system.baseUrl}/console/cases/${target.caseId}/waive`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ppk}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ justification: JUSTIFICATION }).toString(),
    });
    expect(ppkWaive.status).toBe(403);
    expect(await ppkWaive.text()).toContain('Jabatan Anda tidak berwenang mengecualikan kasus ini.');
    const asAuditor = await (await get(`/console/cases/${target.caseId}`, auditor)).text();
    expect(asAuditor).toContain('Peran Anda hanya dapat membaca kasus ini.');

    const browser = await signIn(KADIS_SUB);
    const page = await (await browser.request('GET', `/console/cases/${target.caseId}`)).text();
    const short = await browser.request('POST', `/console/cases/${target.caseId}/waive`, { _csrf: csrfOf(page)!, justification: 'terlalu pendek' });
    expect(short.status).toBe(400);
    const shortPage = await short.text();
    expect(shortPage).toContain('Alasan pengecualian terlalu pendek');
    expect(shortPage).toContain('>terlalu pendek</textarea>');
    const done = await browser.follow(`/console/cases/${target.caseId}/waive`, 'POST', { _csrf: csrfOf(page)!, justification: JUSTIFICATION });
    const result = await done.res.text();
    expect(result).toContain('Kasus sudah dikecualikan');
    expect(result).toContain('Dikecualikan');
    expect(result).toContain(`“${JUSTIFICATION}”`);
  });

  it('asks BPJS again from the case page (the verification API’s command) and says so after the redirect', async () => {
    const target = fixture.cases[2];
    const calls = system.sim.calls().length;
    const res = await fetch(`${system.baseUrl}/console/cases/${target.caseId}/reverify`, {
      method: 'POST',
      redirect: 'manual',
      headers: { authorization: `Bearer ${kadis}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/console/cases/${target.caseId}?selesai=reverify`);
    expect(await (await get(res.headers.get('location')!, kadis)).text()).toContain('Verifikasi ulang ke BPJS Ketenagakerjaan sudah diminta');
    await waitFor(async () => system.sim.calls().length, (n) => n > calls, 30_000);
    const asAuditor = await fetch(`${system.baseUrl}/console/cases/${target.caseId}/reverify`, { method: 'POST', headers: { authorization: `Bearer ${auditor}`, 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(asAuditor.status).toBe(403);
  });

  it('shows a project: contract, premium due and paid, deadline, reasons, roster, holds and history', async () => {
    const target = fixture.cases[2];
    const page = await (await get(`/console/projects/${target.projectId}`, kadis)).text();
    expect(page).toContain('Pembangunan Puskesmas Pulau Sembilan');
    expect(page).toContain('Proyek belum didaftarkan ke BPJS Ketenagakerjaan');
    expect(page).toContain('Rp 3.252.703');
    expect(page).toContain('Rp 2.500.000.000');
    expect(page).toContain('sudah lewat');
    expect(page).toContain('Tidak ada pembayaran yang ditahan.');
    expect(page).toContain('Kasus dibuka');
    const ok = await (await get(`/console/projects/${fixture.compliantProjectId}`, auditor)).text();
    expect(ok).toContain('Patuh');
    expect(ok).toContain('Kontrak didaftarkan dari sistem pengadaan');
    const list = await (await get('/console/projects?regionCode=73.07&status=NON_COMPLIANT', kadis)).text();
    expect(list).toContain('Pembangunan Puskesmas Pulau Sembilan');
    expect(list).not.toContain('Pembangunan Drainase Jalan Persatuan Raya');
  });

  it('answers 404 to an official of another regency, for every page, exactly as for an unknown id', async () => {
    const target = fixture.cases[0];
    for (const path of ['/console/regions/73.07', `/console/cases/${target.caseId}`, `/console/projects/${target.projectId}`, '/console/regions/73.07.05']) {
      const res = await get(path, gowa);
      expect(res.status).toBe(404);
      const text = await res.text();
      expect(text).toContain('Halaman tidak ditemukan');
      expect(text).not.toContain('Sinjai');
    }
    const unknown = await get('/console/cases/0f8fad5b-d9cb-469f-a165-70867728950e', kadis);
    expect(unknown.status).toBe(404);
    const inbox = await (await get('/console/cases', gowa)).text();
    expect(inbox).not.toContain(target.caseId);
    const post = await fetch(`${system.baseUrl}/console/cases/${target.caseId}/acknowledge`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gowa}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'note=x',
    });
    expect(post.status).toBe(404);
  });

  it('signs out: the cookie is cleared and the old session opens nothing', async () => {
    const browser = await signIn(KADIS_SUB);
    const old = browser.cookies.get('sinergi_console')!;
    const page = await (await browser.request('GET', '/console')).text();
    const out = await browser.request('POST', '/console/keluar', { _csrf: csrfOf(page)! });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/console/masuk?keluar=1');
    expect(out.headers.get('set-cookie')).toMatch(/^sinergi_console=; Path=\/console; Max-Age=0/);
    const replay = await fetch(`${system.baseUrl}/console`, { redirect: 'manual', headers: { accept: 'text/html', cookie: `sinergi_console=${old}` } });
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toContain('/console/masuk');
  });
});
