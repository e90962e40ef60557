import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '@sinergi/testing';
import type { Browser, Page } from 'playwright-core';
import { WriteCheckpointHandler } from '../src/modules/audit/tamper-evidence/checkpoint/write-checkpoint/write-checkpoint.handler';
import { CHROMIUM, launchChromium, SCREENSHOT_DIR, scrollsSideways, seriousAxeViolations } from './support/browser';
import { type ConsoleFixture, PUPR, seedConsoleFixture } from './support/console-fixture';
import { type RunningSystem, startSystem } from './support/running-system';

const SAVE_SCREENSHOTS = process.env.CONSOLE_SCREENSHOTS === '1';

/** The auditors' and admins' console pages (issue 12): every figure from the audit, operations and directory handlers. */
describe('console pages for auditors and admins', () => {
  let system: RunningSystem;
  let fixture: ConsoleFixture;
  let auditor: string;
  let admin: string;
  let official: string;
  let checkpointId: string;
  let deadLetterId: string;

  beforeAll(async () => {
    const signingKey = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString().replace(/\n/g, '\\n');
    system = await startSystem('console-audit', { AUDIT_SIGNING_KEY: signingKey });
    auditor = await system.token({ sub: 'auditor-sinjai', roles: ['auditor'], regions: ['73.07'] });
    admin = await system.token({ sub: 'admin-sinjai', roles: ['admin'], regions: ['73.07'] });
    official = await system.token({ sub: 'kadis', roles: ['official'], regions: ['73.07'], position: 'KEPALA_DINAS', agency: PUPR });
    fixture = await seedConsoleFixture(system, admin, official);
    const written = await system.worker.get(WriteCheckpointHandler).execute({ force: true });
    if (!written.written) throw new Error(`no checkpoint: ${written.reason}`);
    checkpointId = String(written.checkpoint.id);
    const created = await fetch(`${system.baseUrl}/v1/admin/officials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ir. Andi Kadis PUPR', position: 'KEPALA_DINAS', regionScope: '73.07', agencyCode: PUPR, email: 'kadis.pupr@sinjaikab.example' }),
    });
    expect(created.status).toBe(201);
    deadLetterId = randomUUID();
    await system.db.pool.query(
      `INSERT INTO dead_letters (id, queue, job_id, project_id, reason, attempts, failed_at) VALUES ($1, 'verification', $2, $3, 'BPJS unavailable after 8 attempts', 8, now())`,
      [deadLetterId, `verify-${fixture.cases[0].projectId}-${deadLetterId}`, fixture.cases[0].projectId],
    );
  }, 120_000);

  afterAll(() => system?.stop());

  const get = (path: string, token?: string) => fetch(`${system.baseUrl}${path}`, { redirect: 'manual', headers: { accept: 'text/html', ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  const post = (path: string, token: string) =>
    fetch(`${system.baseUrl}${path}`, { method: 'POST', redirect: 'manual', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' }, body: '' });

  describe('audit', () => {
    it('shows an auditor the history, the export buttons and the latest signed checkpoint with how to verify it offline', async () => {
      const res = await get('/console/audit', auditor);
      expect(res.status).toBe(200);
      const page = await res.text();
      expect(page).toContain('Checkpoint bertanda tangan terbaru');
      expect(page).toContain(`/console/audit/checkpoints/${checkpointId}`);
      expect(page).toContain('npm run cli -- audit:verify --checkpoint cp.json --public-key kunci.pem --offline');
      expect(page).toContain('-----BEGIN PUBLIC KEY-----');
      expect(page).toContain('ProjectRegistered');
      expect(page).toContain('href="/console/audit/export?format=csv"');
      expect(page).toContain('href="/console/audit/export?format=ndjson"');
      const filtered = await (await get('/console/audit?type=CaseOpened&regionCode=73.07.09', auditor)).text();
      expect(filtered).toContain('CaseOpened');
      expect(filtered).not.toContain('>ProjectRegistered<');
      expect((await get('/console/audit?regionCode=73.08', auditor)).status).toBe(404);
      expect((await get('/console/audit?from=kemarin', auditor)).status).toBe(400);
    });

    it('exports CSV and NDJSON through the audit API’s own query, and serves the checkpoint document', async () => {
      const csv = await get('/console/audit/export?format=csv&regionCode=73.07', auditor);
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toContain('text/csv');
      expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename=/);
      const text = await csv.text();
      expect(text).toMatch(/# count=\d+ sha256=[0-9a-f]{64}\r?\n?$/);
      const ndjson = await get('/console/audit/export?format=ndjson', auditor);
      expect(ndjson.headers.get('content-type')).toContain('ndjson');
      const doc = (await (await get(`/console/audit/checkpoints/${checkpointId}`, auditor)).json()) as { format: string; signedText: string };
      expect(doc.format).toBe('sinergi-audit-checkpoint/1');
      expect(doc.signedText).toContain('merkleRoot');
      // Export and search are the auditors' (as in the API); an admin sees the chains and checkpoints only.
      expect((await get('/console/audit/export?format=csv', admin)).status).toBe(403);
      expect(await (await get('/console/audit', admin)).text()).toContain('Pencarian riwayat dan ekspor hanya untuk auditor.');
      expect((await get('/console/audit', official)).status).toBe(403);
    });

    it('verifies a project’s hash chains at once and a region’s as a job with its own page', async () => {
      const project = await (await get(`/console/audit/verify?projectId=${fixture.cases[0].projectId}`, auditor)).text();
      expect(project).toContain('Utuh: rantai hash semua aliran proyek ini cocok.');
      // The project page links an auditor there.
      expect(await (await get(`/console/projects/${fixture.cases[0].projectId}`, auditor)).text()).toContain(`href="/console/audit/verify?projectId=${fixture.cases[0].projectId}"`);
      expect((await get(`/console/audit/verify?projectId=${randomUUID()}`, auditor)).status).toBe(404);
      const started = await get('/console/audit/verify?regionCode=73.07', auditor);
      expect(started.status).toBe(303);
      const location = started.headers.get('location')!;
      expect(location).toMatch(/^\/console\/audit\/verifikasi\/[\w-]+$/);
      const done = await waitFor(async () => (await get(location, auditor)).text(), (page) => page.includes('Selesai'), 60_000);
      expect(done).toContain('Utuh: semua rantai hash di wilayah ini cocok.');
      expect(done).not.toContain('http-equiv="refresh"');
    });
  });

  describe('admin', () => {
    it('shows dead letters with retry, the ladder and the officials directory, without addresses', async () => {
      const page = await (await get('/console/admin', admin)).text();
      expect(page).toContain('BPJS unavailable after 8 attempts');
      expect(page).toContain(`/console/admin/dead-letters/${deadLetterId}/retry`);
      expect(page).toContain('Tingkat 0');
      expect(page).toContain('Ir. Andi Kadis PUPR');
      expect(page).not.toContain('kadis.pupr@sinjaikab.example');
      const retried = await post(`/console/admin/dead-letters/${deadLetterId}/retry`, admin);
      expect(retried.status).toBe(303);
      expect(retried.headers.get('location')).toBe('/console/admin?selesai=retried');
      expect(await (await get('/console/admin?status=retried', admin)).text()).toContain('diulang');
      const again = await post(`/console/admin/dead-letters/${deadLetterId}/retry`, admin);
      expect(again.status).toBe(409);
      expect(await again.text()).toContain('Surat mati ini sudah diulang.');
      expect((await get('/console/admin', official)).status).toBe(403);
      expect((await get('/console/admin', auditor)).status).toBe(403);
      expect((await get('/console/admin?regionCode=73.08', admin)).status).toBe(404);
    });

    it('shows the region’s coverage target and sets a new one through the coverage API’s command', async () => {
      const form = (fields: Record<string, string>, token = admin) =>
        fetch(`${system.baseUrl}/console/admin/targets`, {
          method: 'POST',
          redirect: 'manual',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
          body: new URLSearchParams(fields).toString(),
        });
      expect(await (await get('/console/admin', admin)).text()).toContain('Target: <strong>60,0 %</strong> proyek terdaftar');
      const deadline = `${new Date().getUTCFullYear() + 2}-06-30`;
      const set = await form({ regionCode: '73.07', metric: 'projects', targetPercent: '65,5', deadline });
      expect(set.status).toBe(303);
      expect(set.headers.get('location')).toBe('/console/admin?regionCode=73.07&selesai=target');
      const after = await (await get(set.headers.get('location')!, admin)).text();
      expect(after).toContain('Target cakupan sudah disimpan.');
      expect(after).toContain('Target: <strong>65,5 %</strong>');
      const coverage = (await (await fetch(`${system.baseUrl}/v1/coverage/regions/73.07`, { headers: { authorization: `Bearer ${admin}` } })).json()) as { target: { targetPercent: number; deadline: string } };
      expect(coverage.target).toMatchObject({ targetPercent: 65.5, deadline });
      const bad = await form({ regionCode: '73.07', metric: 'projects', targetPercent: '150', deadline });
      expect(bad.status).toBe(400);
      expect(await bad.text()).toContain('value="150"');
      expect((await form({ regionCode: '73.08', metric: 'projects', targetPercent: '60', deadline })).status).toBe(403);
      expect((await form({ regionCode: '73.07', metric: 'projects', targetPercent: '60', deadline }, official)).status).toBe(403);
    });
  });

  (existsSync(CHROMIUM) || process.env.CI ? describe : describe.skip)('in a real browser', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(() => browser?.close());

    async function signedIn(account: RegExp): Promise<Page> {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'id-ID' });
      const page = await context.newPage();
      await page.goto(`${system.baseUrl}/console`);
      await page.getByRole('link', { name: /^Masuk dengan/ }).click();
      await page.waitForURL(/\/console\/masuk\/lokal\//);
      await page.getByRole('button', { name: account }).click();
      await page.waitForURL((url) => url.pathname === '/console');
      return page;
    }

    async function check(page: Page, name: string): Promise<void> {
      expect(await page.getAttribute('html', 'lang')).toBe('id');
      expect(await seriousAxeViolations(page)).toEqual([]);
      if (SAVE_SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-desktop.png`), fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await scrollsSideways(page)).toBe(false);
      expect(await seriousAxeViolations(page)).toEqual([]);
      if (SAVE_SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-phone.png`), fullPage: true });
      await page.setViewportSize({ width: 1280, height: 900 });
    }

    it('the auditor’s page and a project verification pass axe and fit a phone', async () => {
      const page = await signedIn(/Auditor Inspektorat Sinjai/);
      await page.getByRole('navigation', { name: 'Menu utama' }).getByRole('link', { name: 'Audit' }).click();
      await page.waitForURL((url) => url.pathname === '/console/audit');
      await check(page, 'audit');
      await page.getByLabel('ID proyek').fill(fixture.cases[1].projectId);
      await page.getByRole('button', { name: 'Verifikasi proyek' }).click();
      await page.waitForURL((url) => url.pathname === '/console/audit/verify');
      await expect(page.getByRole('status').first().textContent()).resolves.toContain('Utuh');
      await check(page, 'audit-verify');
      await page.context().close();
    });

    it('the admin’s page passes axe and fits a phone', async () => {
      const page = await signedIn(/Admin Sinergi Sinjai/);
      await page.getByRole('navigation', { name: 'Menu utama' }).getByRole('link', { name: 'Admin' }).click();
      await page.waitForURL((url) => url.pathname === '/console/admin');
      await check(page, 'admin');
      await page.context().close();
    });
  });
});
