import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { projectRegistered, signedPost, waitFor } from '@sinergi/testing';
import { CHROMIUM, launchChromium, SCREENSHOT_DIR, scrollsSideways, seriousAxeViolations } from './support/browser';
import { type RunningSystem, startSystem } from './support/running-system';

const SAVE_SCREENSHOTS = process.env.CONSOLE_SCREENSHOTS === '1';

/**
 * The admins' forms under /console/admin (issue 12): the officials directory, the escalation ladder and the
 * procurement clients, each through the API's own handlers; and the coverage page's district map.
 */
describe('console admin forms and the district map', () => {
  let system: RunningSystem;
  let admin: string;
  let gowaAdmin: string;
  let officialId: string;
  let sinjaiClient: { id: string; secret: string };

  beforeAll(async () => {
    system = await startSystem('console-admin-forms');
    admin = await system.token({ sub: 'admin-sinjai', roles: ['admin'], regions: ['73.07'] });
    gowaAdmin = await system.token({ sub: 'admin-gowa', roles: ['admin'], regions: ['73.06'] });
    const created = await fetch(`${system.baseUrl}/v1/admin/officials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Drs. Contoh Sekda Sinjai', position: 'SEKDA', regionScope: '73.07', email: 'sekda@sinjaikab.example' }),
    });
    expect(created.status).toBe(201);
    officialId = ((await created.json()) as { id: string }).id;
    sinjaiClient = await system.client('spse-sinjai-forms', ['73.07']);
    // Two projects for the map's colours: one registered and paid at BPJS in Sinjai Utara, one unregistered in Bulupoddo.
    system.sim.upsertProjects([
      {
        npwp: '0012345674901000',
        contractNumber: 'SPK/MAP/OK',
        projectNumber: '7307250000002',
        npp: '73070002',
        status: 'ACTIVE',
        coveredFrom: '2025-04-28',
        coveredTo: '2026-04-22',
        contractValue: '2500000000',
        premiumAssessed: '3252703',
        premiumPaid: '3252703',
        workersRegistered: 35,
        workerNiks: [],
      },
    ]);
    for (const [ref, regionCode, contractNumber] of [['map-ok', '73.07.05', 'SPK/MAP/OK'], ['map-late', '73.07.06', 'SPK/MAP/LATE']]) {
      const res = await signedPost(system.baseUrl, '/v1/procurement/events', sinjaiClient, projectRegistered(ref, {}, { regionCode, contractNumber }));
      expect(res.status).toBe(202);
    }
    await waitFor(
      async () => (await (await fetch(`${system.baseUrl}/v1/coverage/regions/73.07`, { headers: { authorization: `Bearer ${admin}` } })).json()) as { projects: { total: number; registered: number } },
      (r) => r.projects.total === 2 && r.projects.registered === 1,
      30_000,
    );
  }, 60_000);

  afterAll(() => system?.stop());

  const get = (path: string, token: string) => fetch(`${system.baseUrl}${path}`, { redirect: 'manual', headers: { accept: 'text/html', authorization: `Bearer ${token}` } });
  const post = (path: string, token: string, fields: Record<string, string> = {}) =>
    fetch(`${system.baseUrl}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { accept: 'text/html', authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });

  it('answers an admin of another regency 404 for Sinjai’s pages and forms, and lists none of Sinjai’s clients', async () => {
    for (const path of ['/console/admin/officials?regionCode=73.07', '/console/admin/ladder?regionCode=73.07', `/console/admin/officials/${officialId}`, '/console/admin/clients?regionCode=73.07']) {
      expect([path, (await get(path, gowaAdmin)).status]).toEqual([path, 404]);
    }
    for (const path of [`/console/admin/officials/${officialId}`, `/console/admin/officials/${officialId}/deactivate`, '/console/admin/ladder?regionCode=73.07', `/console/admin/clients/${sinjaiClient.id}/rotate`]) {
      expect([path, (await post(path, gowaAdmin, { name: 'X', rows: '1', l0_BUPATI: 'ya' })).status]).toEqual([path, 404]);
    }
    const own = await (await get('/console/admin/clients', gowaAdmin)).text();
    expect(own).not.toContain(sinjaiClient.id);
    // Nothing of Sinjai changed: the official is still active, its ladder still at version 1.
    const official = (await (await fetch(`${system.baseUrl}/v1/admin/officials/${officialId}`, { headers: { authorization: `Bearer ${admin}` } })).json()) as { active: boolean; name: string };
    expect(official).toMatchObject({ active: true, name: 'Drs. Contoh Sekda Sinjai' });
  });

  it('shows refused fields on the form in Indonesian, with what was typed, and writes nothing', async () => {
    const before = ((await (await fetch(`${system.baseUrl}/v1/admin/officials`, { headers: { authorization: `Bearer ${admin}` } })).json()) as { items: unknown[] }).items.length;
    const bad = await post('/console/admin/officials', admin, { name: 'Kepala Dinas Tanpa Kode', position: 'KEPALA_DINAS', regionScope: '73.07', email: 'bukan-email', whatsapp: '0812' });
    expect(bad.status).toBe(400);
    const page = await bad.text();
    expect(page).toContain('Isian belum dapat disimpan.');
    expect(page).toContain('href="#p-email">E-mail</a>: Tulis alamat e-mail yang sah');
    expect(page).toContain('href="#p-agencyCode">Kode perangkat daerah</a>: Kepala Dinas wajib memiliki kode perangkat daerah');
    expect(page).toContain('href="#p-whatsapp">Nomor WhatsApp</a>');
    expect(page).toContain('value="bukan-email"');
    const after = ((await (await fetch(`${system.baseUrl}/v1/admin/officials`, { headers: { authorization: `Bearer ${admin}` } })).json()) as { items: unknown[] }).items.length;
    expect(after).toBe(before);
    // A scope outside the admin's regions is the API's 403, shown on its field.
    const outside = await post('/console/admin/officials', admin, { name: 'Sekda Gowa', position: 'SEKDA', regionScope: '73.06' });
    expect(outside.status).toBe(403);
    expect(await outside.text()).toContain('href="#p-regionScope">Wilayah tugas</a>');
    // The ladder's own checks, on their row: a level without recipients, a wait of zero.
    const ladder = await post('/console/admin/ladder?regionCode=73.07', admin, { rows: '2', l0_PPK: 'ya', l0_wait: '0', l0_unit: 'hari', l1_wait: '3', l1_unit: 'hari' });
    expect(ladder.status).toBe(400);
    const ladderPage = await ladder.text();
    expect(ladderPage).toContain('<a href="#tingkat-0">Tingkat 0</a>: Lama tunggu');
    expect(ladderPage).toContain('<a href="#tingkat-1">Tingkat 1</a>: Penerima: pilih paling sedikit satu jabatan.');
    const client = await post('/console/admin/clients', admin, { id: 'Bukan ID', name: 'SPSE', regionScopes: '73.07', rateLimitPerMinute: 'nol' });
    expect(client.status).toBe(400);
    expect(await client.text()).toContain('href="#k-rateLimitPerMinute">Batas permintaan per menit</a>');
    const taken = await post('/console/admin/clients', admin, { id: sinjaiClient.id, name: 'SPSE lagi', regionScopes: '73.07' });
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain('href="#k-id">ID klien</a>');
  });

  it('deactivates and reactivates an official, and rotates a client’s secret (the old one valid until retired)', async () => {
    const readOfficial = async () => ((await (await fetch(`${system.baseUrl}/v1/admin/officials/${officialId}`, { headers: { authorization: `Bearer ${admin}` } })).json()) as { active: boolean }).active;
    const off = await post(`/console/admin/officials/${officialId}/deactivate`, admin);
    expect(off.status).toBe(303);
    expect(off.headers.get('location')).toBe('/console/admin/officials?regionCode=73.07&selesai=deactivated');
    expect(await readOfficial()).toBe(false);
    expect(await (await get(off.headers.get('location')!, admin)).text()).toContain('Pejabat sudah dinonaktifkan');
    expect((await post(`/console/admin/officials/${officialId}/activate`, admin)).status).toBe(303);
    expect(await readOfficial()).toBe(true);
    // The sign-in link (subject): set on one official, refused on another (the API's 409, on its field).
    expect((await post(`/console/admin/officials/${officialId}`, admin, { name: 'Drs. Contoh Sekda Sinjai', subject: 'sekda-sinjai' })).status).toBe(303);
    const others = ((await (await fetch(`${system.baseUrl}/v1/admin/officials?position=BUPATI`, { headers: { authorization: `Bearer ${admin}` } })).json()) as { items: { id: string; name: string }[] }).items;
    const taken = await post(`/console/admin/officials/${others[0].id}`, admin, { name: others[0].name, subject: 'sekda-sinjai' });
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain('href="#u-subject">Akun masuk</a>: Akun masuk ini sudah terhubung ke pejabat lain.');

    const signs = async (secret: string) => (await signedPost(system.baseUrl, '/v1/procurement/events', { id: sinjaiClient.id, secret }, {})).status;
    const rotated = await post(`/console/admin/clients/${sinjaiClient.id}/rotate`, admin);
    expect(rotated.status).toBe(200);
    const fresh = /<code class="break secret">([\w-]{43})<\/code>/.exec(await rotated.text())![1];
    expect([await signs(fresh), await signs(sinjaiClient.secret)]).toEqual([400, 400]);
    const retired = await post(`/console/admin/clients/${sinjaiClient.id}/retire`, admin);
    expect(retired.status).toBe(303);
    expect([await signs(fresh), await signs(sinjaiClient.secret)]).toEqual([400, 401]);
    sinjaiClient = { ...sinjaiClient, secret: fresh };
  });

  it('draws the regency’s districts coloured by coverage, each a link named with its percentage; none where no outlines are vendored', async () => {
    const page = await (await get('/console/regions/73.07', admin)).text();
    expect(page).toContain('Peta cakupan kecamatan di Kabupaten Sinjai');
    const links = [...page.matchAll(/<a href="\/console\/regions\/(73\.07\.\d\d)" aria-label="([^"]+)"><title>/g)];
    expect(links.map((m) => m[1]).sort()).toEqual(['73.07.01', '73.07.02', '73.07.03', '73.07.04', '73.07.05', '73.07.06', '73.07.07', '73.07.08', '73.07.09']);
    const named = new Map(links.map((m) => [m[1], m[2]]));
    expect(named.get('73.07.05')).toBe('Sinjai Utara: 100,0 % proyek terdaftar (1 dari 1)');
    expect(named.get('73.07.06')).toBe('Bulupoddo: 0,0 % proyek terdaftar (0 dari 1)');
    expect(named.get('73.07.09')).toBe('Pulau Sembilan: belum ada proyek');
    const fillOf = (code: string) => new RegExp(`<a href="/console/regions/${code.replace(/\./g, '\\.')}"[^>]*><title>[^<]*</title><path d="[^"]+" fill="(#[0-9a-f]{6})"`).exec(page)?.[1];
    expect([fillOf('73.07.05'), fillOf('73.07.06'), fillOf('73.07.09')]).toEqual(['#1a7f37', '#b42318', '#d0d7de']);
    expect(page).toContain('cahyadsn/wilayah_boundaries (MIT)');
    // The table stays, saying the same in words.
    expect(page).toContain('<th scope="col">Kecamatan</th>');
    expect(await (await get('/console/regions/73.06', gowaAdmin)).text()).not.toContain('Peta cakupan');
  });

  (existsSync(CHROMIUM) || process.env.CI ? describe : describe.skip)('in a real browser', () => {
    let browser: Browser;
    let page: Page;
    beforeAll(async () => {
      browser = await launchChromium();
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'id-ID' });
      page = await context.newPage();
      await page.goto(`${system.baseUrl}/console`);
      await page.getByRole('link', { name: /^Masuk dengan/ }).click();
      await page.waitForURL(/\/console\/masuk\/lokal\//);
      await page.getByRole('button', { name: /Admin Sinergi Sinjai/ }).click();
      await page.waitForURL((url) => url.pathname === '/console');
    }, 30_000);
    afterAll(() => browser?.close());

    /** axe and a phone's width; `name` saves screenshots under CONSOLE_SCREENSHOTS=1 (none of a page showing a secret). */
    async function check(name: string | null): Promise<void> {
      expect(await page.getAttribute('html', 'lang')).toBe('id');
      expect(await seriousAxeViolations(page)).toEqual([]);
      if (SAVE_SCREENSHOTS && name) await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-desktop.png`), fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await scrollsSideways(page)).toBe(false);
      expect(await seriousAxeViolations(page)).toEqual([]);
      if (SAVE_SCREENSHOTS && name) await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-phone.png`), fullPage: true });
      await page.setViewportSize({ width: 1280, height: 900 });
    }

    it('the coverage page with its district map passes axe and fits a phone; a district opens its page', async () => {
      await expect(page.getByRole('link', { name: /^Tellu Limpoe: / }).count()).resolves.toBe(1);
      await check('coverage-map');
      await page.getByRole('link', { name: /^Tellu Limpoe: / }).click();
      await page.waitForURL((url) => url.pathname === '/console/regions/73.07.08');
    });

    it('adds an official (a refused field first), edits its channels, and the list shows which channels exist, not the addresses', async () => {
      await page.goto(`${system.baseUrl}/console/admin`);
      await page.getByRole('navigation', { name: 'Menu admin' }).getByRole('link', { name: 'Direktori pejabat' }).click();
      await page.waitForURL((url) => url.pathname === '/console/admin/officials');
      await check('admin-officials');
      const form = page.locator('form[action="/console/admin/officials"]');
      await form.getByLabel('Nama', { exact: true }).fill('Ir. Contoh Kepala BPJS Sinjai');
      await form.getByLabel('Jabatan').selectOption('BPJS_BRANCH');
      await form.getByLabel('E-mail').fill('bpjs.sinjai@contoh');
      await form.getByRole('button', { name: 'Tambah pejabat' }).click();
      await expect(page.getByRole('alert').textContent()).resolves.toContain('E-mail: Tulis alamat e-mail yang sah');
      await expect(form.getByLabel('E-mail').getAttribute('aria-invalid')).resolves.toBe('true');
      await form.getByLabel('E-mail').fill('cabang.sinjai@bpjs.example');
      await form.getByRole('button', { name: 'Tambah pejabat' }).click();
      await expect(page.getByRole('status').first().textContent()).resolves.toContain('Pejabat sudah ditambahkan ke direktori.');
      expect(await page.content()).not.toContain('cabang.sinjai@bpjs.example');
      await page.getByRole('link', { name: 'Ir. Contoh Kepala BPJS Sinjai' }).click();
      await page.waitForURL((url) => /^\/console\/admin\/officials\/[\w-]+$/.test(url.pathname));
      await check('admin-official-edit');
      await page.getByLabel('Nomor WhatsApp baru').fill('+6281234567890');
      await page.getByLabel('Pejabat setuju menerima pemberitahuan lewat WhatsApp').check();
      await page.getByRole('button', { name: 'Simpan perubahan' }).click();
      await expect(page.getByRole('status').first().textContent()).resolves.toContain('Data pejabat sudah disimpan.');
      const listed = (await (await fetch(`${system.baseUrl}/v1/admin/officials?position=BPJS_BRANCH`, { headers: { authorization: `Bearer ${admin}` } })).json()) as { items: { name: string }[] };
      expect(listed.items.filter((o) => o.name === 'Ir. Contoh Kepala BPJS Sinjai')).toEqual([
        expect.objectContaining({ regionScope: '73.07', email: 'cabang.sinjai@bpjs.example', whatsapp: '+6281234567890', whatsappOptIn: true, active: true }),
      ]);
      expect(await page.content()).not.toContain('+6281234567890');
    });

    it('edits a ladder level through the ladder command: a new version, at once on the page', async () => {
      await page.goto(`${system.baseUrl}/console/admin/ladder`);
      await check('admin-ladder');
      await page.locator('#l1_wait').fill('5');
      await page.locator('#l1_unit').selectOption('hari');
      await page.getByRole('button', { name: 'Simpan tangga' }).click();
      await expect(page.getByRole('status').first().textContent()).resolves.toContain('Tangga eskalasi sudah disimpan sebagai versi baru (versi 2)');
      await expect(page.locator('ol.ladder').textContent()).resolves.toContain('Tingkat 1: Kepala Dinas, Kantor Cabang BPJS Ketenagakerjaan — naik setelah 5 hari');
      const ladder = (await (await fetch(`${system.baseUrl}/v1/admin/ladders/73.07`, { headers: { authorization: `Bearer ${admin}` } })).json()) as { version: number; levels: { waitBeforeNext: string | null }[] };
      expect(ladder.version).toBe(2);
      expect(ladder.levels.map((l) => l.waitBeforeNext)).toEqual(['P3D', 'P5D', 'P14D', null]);
    });

    it('creates a procurement client whose secret is shown once and signs requests, then is never listed', async () => {
      await page.goto(`${system.baseUrl}/console/admin/clients`);
      await check('admin-clients');
      await page.getByLabel('ID klien').fill('sirup-7307');
      await page.getByLabel('Nama', { exact: true }).fill('SIRUP Kabupaten Sinjai');
      await page.getByRole('button', { name: 'Tambah sistem pengadaan' }).click();
      await expect(page.getByRole('status').first().textContent()).resolves.toContain('Sistem pengadaan sirup-7307 sudah dibuat.');
      const secret = (await page.locator('code.secret').textContent())!.trim();
      expect(secret).toMatch(/^[\w-]{43}$/);
      await check(null);
      // The secret is the client's: a signed (empty) event is refused for its body (400), not for its signature (401).
      expect((await signedPost(system.baseUrl, '/v1/procurement/events', { id: 'sirup-7307', secret }, {})).status).toBe(400);
      expect((await signedPost(system.baseUrl, '/v1/procurement/events', { id: 'sirup-7307', secret: `${secret}x` }, {})).status).toBe(401);
      await page.goto(`${system.baseUrl}/console/admin/clients`);
      const listed = await page.content();
      expect(listed).toContain('SIRUP Kabupaten Sinjai');
      expect(listed).toContain(sinjaiClient.id);
      expect(listed).not.toContain(secret);
      expect(listed).not.toContain(sinjaiClient.secret);
    });

    it('refuses a form posted from the session without its CSRF token (403)', async () => {
      const res = await page.context().request.post(`${system.baseUrl}/console/admin/officials`, { form: { name: 'Tanpa Token', position: 'SEKDA', regionScope: '73.07' }, maxRedirects: 0 });
      expect(res.status()).toBe(403);
      const ladder = await page.context().request.post(`${system.baseUrl}/console/admin/ladder`, { form: { rows: '1', l0_BUPATI: 'ya' }, maxRedirects: 0 });
      expect(ladder.status()).toBe(403);
    });
  });
});
