import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MailCatcher, startMailCatcher } from '@sinergi/local-services';
import { waitFor } from '@sinergi/testing';
import { simpleParser } from 'mailparser';
import type { Browser } from 'playwright-core';
import { consoleSigningKey } from '../src/modules/console/auth/console-secrets';
import { mintCaseLinkToken } from '../src/modules/console/case-link/case-link-token';
import { CHROMIUM, launchChromium, SCREENSHOT_DIR, scrollsSideways, seriousAxeViolations } from './support/browser';
import { type ConsoleFixture, PUPR, seedConsoleFixture } from './support/console-fixture';
import { type RunningSystem, startSystem } from './support/running-system';

/**
 * Signed single-case links (issue 12): the L0 notice takes the contractor and the contract's PPK, who have no
 * account, to that one case; the contractor hands in evidence, an official confirms it on the case page, the project
 * turns compliant on the re-verification and the link then says the case has ended. Refusals are documented here:
 * a link not signed by this server (tampered, truncated) is 404; a genuine link past its expiry, or to a case that
 * has ended, is 410 with a page saying so and no form; a form without the link's CSRF token is 403, and so is the
 * other role's form; every other console page ignores the link entirely (303 to sign-in for a browser, 401 for a
 * script), whether it comes as a query string or as a cookie.
 */

const EVIDENCE = {
  projectNumber: '7307250000777',
  npp: '73070001',
  receiptNumber: '730725000000777',
  paymentCode: '',
  premiumPaid: 'Rp 3.252.703',
  coveredFrom: '2025-04-28',
  coveredTo: '2026-04-22',
};

/** The hidden fields of the first form on a page. */
const hiddenOf = (page: string) => ({ t: /name="t" value="([^"]+)"/.exec(page)![1].replace(/&amp;/g, '&'), _csrf: /name="_csrf" value="([^"]+)"/.exec(page)![1] });

describe('signed single-case links for the contractor and the PPK', () => {
  let system: RunningSystem;
  let fixture: ConsoleFixture;
  let catcher: MailCatcher;
  let mailDir: string;
  let kadis: string;

  beforeAll(async () => {
    mailDir = await mkdtemp(join(tmpdir(), 'sinergi-link-mail-'));
    catcher = await startMailCatcher({ dir: mailDir });
    system = await startSystem('console-link', { SMTP_URL: catcher.url });
    kadis = await system.token({ sub: 'kadis-pupr', name: 'Kepala Dinas PUPR', roles: ['official'], regions: ['73.07'], position: 'KEPALA_DINAS', agency: PUPR });
    const admin = await system.token({ sub: 'admin', roles: ['admin'], regions: ['73.07'] });
    fixture = await seedConsoleFixture(system, admin, kadis);
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await catcher?.close();
    if (mailDir) await rm(mailDir, { recursive: true, force: true });
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${system.baseUrl}${path}`, { redirect: 'manual', headers: { accept: 'text/html', ...headers } });
  const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${system.baseUrl}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
    });

  /** The link (path and query) in the level-0 notice e-mailed to `to` about the project named `name`. */
  async function linkFromMail(to: string, name: string): Promise<string> {
    const mail = await waitFor(
      async () => {
        for (const file of await readdir(mailDir)) {
          const parsed = await simpleParser(await readFile(join(mailDir, file)));
          const recipients = [parsed.to].flat().flatMap((a) => a?.value ?? []).map((v) => v.address);
          if (recipients.includes(to) && parsed.subject?.includes(name)) return parsed;
        }
        return null;
      },
      (m) => m !== null,
      60_000,
    );
    const url = /https?:\/\/\S+\/console\/link\?t=\S+/.exec(mail!.text ?? '')![0];
    return new URL(url).pathname + new URL(url).search;
  }

  describe('the contractor', () => {
    let link: string;

    it('gets a signed link in its level-0 notice that opens its case without an account, and sets no cookie', async () => {
      const target = fixture.cases[0];
      link = await linkFromMail('kontak@karyasinjai.example', target.name);
      expect(link).toMatch(new RegExp(`^/console/link\\?t=${target.caseId}\\.c\\.`));
      const res = await get(link);
      expect(res.status).toBe(200);
      expect(res.headers.get('set-cookie')).toBeNull();
      const page = await res.text();
      expect(page).toContain(`Kasus kepatuhan: ${target.name}`);
      expect(page).toContain('Halaman ini khusus untuk Penyedia jasa (kontraktor) pada kasus ini saja, tanpa akun.');
      expect(page).toContain('Bayar iuran sebesar Rp 3.252.703.');
      expect(page).toContain('Kirim bukti untuk diperiksa');
      // Nothing else of the console: no menu, no inbox, no other case.
      expect(page).not.toContain('Menu utama');
      expect(page).not.toContain('/console/cases');
      for (const other of fixture.cases.slice(1)) expect(page).not.toContain(other.caseId);
    });

    it('refuses a form without the link’s CSRF token, and shows the fields in error with what was typed', async () => {
      const page = await (await get(link)).text();
      const { t, _csrf } = hiddenOf(page);
      expect((await post('/console/link/evidence', { t, ...EVIDENCE })).status).toBe(403);
      const bad = await post('/console/link/evidence', { t, _csrf, ...EVIDENCE, projectNumber: '12345', coveredTo: '2025-01-01' });
      expect(bad.status).toBe(400);
      const shown = await bad.text();
      expect(shown).toContain('Nomor proyek pada sertifikat kepesertaan terdiri atas 13 angka.');
      expect(shown).toContain('tidak sebelum tanggal mulai');
      expect(shown).toContain('value="12345"');
      expect(shown).toContain('value="Rp 3.252.703"');
      // The contractor's link cannot acknowledge for the PPK.
      expect((await post('/console/link/acknowledge', { t, _csrf, note: 'x' })).status).toBe(403);
    });

    it('hands in evidence through the existing command; an official confirms it; the project turns compliant and the link then says the case has ended', async () => {
      const target = fixture.cases[0];
      const { t, _csrf } = hiddenOf(await (await get(link)).text());
      const sent = await post('/console/link/evidence', { t, _csrf, ...EVIDENCE });
      expect(sent.status).toBe(303);
      expect(sent.headers.get('location')).toBe(`${link}&selesai=evidence`);
      const after = await (await get(sent.headers.get('location')!)).text();
      expect(after).toContain('Bukti Anda sudah diterima.');
      expect(after).toContain('Menunggu pemeriksaan petugas');
      expect(after).toContain('730725000000777');
      // The same receipt twice is refused by the decider (409), the form kept.
      const again = await post('/console/link/evidence', { t, _csrf, ...EVIDENCE });
      expect(again.status).toBe(409);
      expect(await again.text()).toContain('sudah dikirim dan sedang diperiksa');

      // The official's case page shows it with confirm and reject forms; an empty rejection reason is refused.
      const auth = { authorization: `Bearer ${kadis}` };
      const casePage = await (await get(`/console/cases/${target.caseId}`, auth)).text();
      expect(casePage).toContain('1 bukti menunggu pemeriksaan Anda.');
      const evidenceId = /\/console\/cases\/[\w-]+\/evidence\/([\w-]+)\/confirm/.exec(casePage)![1];
      const noReason = await post(`/console/cases/${target.caseId}/evidence/${evidenceId}/reject`, { reason: '  ' }, auth);
      expect(noReason.status).toBe(400);
      expect(await noReason.text()).toContain('Tulis alasan penolakan.');
      const auditor = await system.token({ sub: 'auditor', roles: ['auditor'], regions: ['73.07'] });
      expect((await post(`/console/cases/${target.caseId}/evidence/${evidenceId}/confirm`, {}, { authorization: `Bearer ${auditor}` })).status).toBe(403);
      const gowa = await system.token({ sub: 'kadis-gowa', roles: ['official'], regions: ['73.06'], position: 'KEPALA_DINAS' });
      expect((await post(`/console/cases/${target.caseId}/evidence/${evidenceId}/confirm`, {}, { authorization: `Bearer ${gowa}` })).status).toBe(404);

      const confirmed = await post(`/console/cases/${target.caseId}/evidence/${evidenceId}/confirm`, {}, auth);
      expect(confirmed.status).toBe(303);
      expect(confirmed.headers.get('location')).toBe(`/console/cases/${target.caseId}?selesai=evidence-confirmed`);
      expect(await (await get(confirmed.headers.get('location')!, auth)).text()).toContain('Bukti sudah dikonfirmasi.');

      const project = await waitFor(
        async () => (await (await fetch(`${system.baseUrl}/v1/projects/${target.projectId}`, { headers: auth })).json()) as { complianceStatus: string; enrolment: { source: string } | null },
        (p) => p.complianceStatus === 'COMPLIANT',
        60_000,
      );
      expect(project.enrolment?.source).toBe('evidence');
      await waitFor(
        async () => (await (await fetch(`${system.baseUrl}/v1/cases/${target.caseId}`, { headers: auth })).json()) as { status: string },
        (c) => c.status === 'RESOLVED',
        60_000,
      );
      const ended = await get(link);
      expect(ended.status).toBe(410);
      const endedPage = await ended.text();
      expect(endedPage).toContain('Kasus sudah berakhir');
      expect(endedPage).toContain('Proyek ini sudah patuh dan kasusnya selesai.');
      expect(endedPage).not.toContain('<form');
      expect(endedPage).not.toContain(target.name);
      expect((await post('/console/link/evidence', { t, _csrf, ...EVIDENCE, receiptNumber: '730725000000778' })).status).toBe(410);
    });
  });

  describe('refusals', () => {
    it('answers 404 to a tampered or truncated link and 410 to an expired one', async () => {
      const target = fixture.cases[2];
      const key = consoleSigningKey(system.config);
      const token = mintCaseLinkToken(key, { caseId: target.caseId, role: 'CONTRACTOR', expiresAt: new Date(Date.now() + 3_600_000) });
      expect((await get(`/console/link?t=${token}`)).status).toBe(200);
      const [caseId, role, exp, sig] = token.split('.');
      const other = fixture.cases[1].caseId;
      for (const bad of [[other, role, exp, sig], [caseId, 'p', exp, sig], [caseId, role, (parseInt(exp, 36) + 999).toString(36), sig], [caseId, role, exp]]) {
        const res = await get(`/console/link?t=${encodeURIComponent(bad.join('.'))}`);
        expect(res.status).toBe(404);
        const text = await res.text();
        expect(text).toContain('Halaman tidak ditemukan');
        expect(text).not.toContain(target.name);
      }
      expect((await get('/console/link')).status).toBe(404);
      const expired = mintCaseLinkToken(key, { caseId: target.caseId, role: 'CONTRACTOR', expiresAt: new Date(Date.now() - 1000) });
      const res = await get(`/console/link?t=${expired}`);
      expect(res.status).toBe(410);
      const text = await res.text();
      expect(text).toContain('Tautan sudah kedaluwarsa');
      expect(text).not.toContain(target.name);
      expect(text).not.toContain('<form');
    });

    it('grants nothing else: not the inbox, a region page, another case or its own case page, as a query string or a cookie', async () => {
      const target = fixture.cases[2];
      const token = mintCaseLinkToken(consoleSigningKey(system.config), { caseId: target.caseId, role: 'CONTRACTOR', expiresAt: new Date(Date.now() + 3_600_000) });
      const paths = ['/console/cases', '/console/regions/73.07', '/console', `/console/cases/${target.caseId}`, `/console/cases/${fixture.cases[1].caseId}`, `/console/projects/${target.projectId}`];
      for (const path of paths) {
        for (const param of ['t', 'link']) {
          const asQuery = await get(`${path}?${param}=${encodeURIComponent(token)}`);
          expect(asQuery.status).toBe(303);
          expect(asQuery.headers.get('location')).toMatch(/^\/console\/masuk\?kembali=/);
        }
        const asCookie = await get(path, { cookie: `sinergi_console=${encodeURIComponent(token)}; t=${encodeURIComponent(token)}` });
        expect(asCookie.status).toBe(303);
        const script = await get(`${path}?t=${encodeURIComponent(token)}`, { accept: 'application/json' });
        expect(script.status).toBe(401);
      }
      // Nor the API, nor an official's form.
      expect((await fetch(`${system.baseUrl}/v1/cases/${target.caseId}?t=${token}`)).status).toBe(401);
      expect((await post(`/console/cases/${target.caseId}/acknowledge`, { t: token, note: 'x' })).status).toBe(401);
    });
  });

  describe('the contract’s PPK', () => {
    it('gets a link with what a PPK may do there: read the evidence and acknowledge, not hand in evidence', async () => {
      const target = fixture.cases[1];
      const link = await linkFromMail('ppk.pupr@sinjaikab.example', target.name);
      expect(link).toMatch(new RegExp(`^/console/link\\?t=${target.caseId}\\.p\\.`));
      const page = await (await get(link)).text();
      expect(page).toContain('Pejabat Pembuat Komitmen (PPK) pada kasus ini saja');
      expect(page).toContain('Tahan permintaan pembayaran (SPP-LS)');
      expect(page).toContain('Catat tanggapan');
      expect(page).not.toContain('Kirim bukti untuk diperiksa');
      const { t, _csrf } = hiddenOf(page);
      expect((await post('/console/link/evidence', { t, _csrf, ...EVIDENCE })).status).toBe(403);
      const done = await post('/console/link/acknowledge', { t, _csrf, note: 'SPP-LS termin 1 saya tahan' });
      expect(done.status).toBe(303);
      expect(await (await get(done.headers.get('location')!)).text()).toContain('Tanggapan Anda sudah dicatat.');
      const api = (await (await fetch(`${system.baseUrl}/v1/cases/${target.caseId}`, { headers: { authorization: `Bearer ${kadis}` } })).json()) as {
        acknowledgements: { note: string; by: { position: string } }[];
      };
      expect(api.acknowledgements).toEqual([expect.objectContaining({ note: 'SPP-LS termin 1 saya tahan', by: expect.objectContaining({ position: 'PPK' }) })]);
    });
  });

  describe('an official', () => {
    it('makes a fresh link for the contractor or the PPK on the case page, shown once, for an open case only', async () => {
      const target = fixture.cases[2];
      const auth = { authorization: `Bearer ${kadis}` };
      const res = await post(`/console/cases/${target.caseId}/link`, { role: 'PPK' }, auth);
      expect(res.status).toBe(200);
      const page = await res.text();
      expect(page).toContain('Tautan untuk PPK kontrak, berlaku sampai');
      const url = new URL(/<p class="link-out"><a href="([^"]+)">/.exec(page)![1].replace(/&amp;/g, '&'));
      expect(url.pathname).toBe('/console/link');
      expect(url.searchParams.get('t')).toMatch(new RegExp(`^${target.caseId}\\.p\\.`));
      expect(await (await get(url.pathname + url.search)).text()).toContain('Catat tanggapan');
      expect((await post(`/console/cases/${target.caseId}/link`, { role: 'ADMIN' }, auth)).status).toBe(400);
      const auditor = await system.token({ sub: 'auditor', roles: ['auditor'], regions: ['73.07'] });
      expect((await post(`/console/cases/${target.caseId}/link`, { role: 'CONTRACTOR' }, { authorization: `Bearer ${auditor}` })).status).toBe(403);
      // The first case ended (compliant) above: no link to it.
      expect((await post(`/console/cases/${fixture.cases[0].caseId}/link`, { role: 'CONTRACTOR' }, auth)).status).toBe(409);
    });
  });

  // Skipped only on a developer machine without chromium; CI (which installs it in .ci/run) always runs it.
  (existsSync(CHROMIUM) || process.env.CI ? describe : describe.skip)('in a real browser', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(() => browser?.close());

    it('the contractor submits evidence on a phone and an official confirms it on the case page (axe, no sideways scroll)', async () => {
      const target = fixture.cases[2];
      const token = mintCaseLinkToken(consoleSigningKey(system.config), { caseId: target.caseId, role: 'CONTRACTOR', expiresAt: new Date(Date.now() + 3_600_000) });
      const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'id-ID' });
      const page = await phone.newPage();
      await page.goto(`${system.baseUrl}/console/link?t=${token}`);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(`Kasus kepatuhan: ${target.name}`);
      expect(await seriousAxeViolations(page)).toEqual([]);
      expect(await scrollsSideways(page)).toBe(false);
      if (process.env.CONSOLE_SCREENSHOTS === '1') await page.screenshot({ path: join(SCREENSHOT_DIR, 'case-link-phone.png'), fullPage: true });
      await page.getByLabel('Nomor proyek pada sertifikat kepesertaan').fill('7307250000888');
      await page.getByLabel('NPP (nomor pendaftaran perusahaan)').fill('73070001');
      await page.getByLabel('Nomor bukti bayar iuran').fill('730725000000888');
      await page.getByLabel('Jumlah iuran yang dibayar (Rp)').fill('3.252.703');
      await page.getByLabel('Kepesertaan mulai').fill('2025-04-28');
      await page.getByLabel('Kepesertaan berakhir').fill('2026-04-22');
      await page.getByRole('button', { name: 'Kirim bukti untuk diperiksa' }).click();
      await page.waitForURL((url) => url.searchParams.get('selesai') === 'evidence');
      await expect(page.getByRole('status').textContent()).resolves.toContain('Bukti Anda sudah diterima.');
      expect(await seriousAxeViolations(page)).toEqual([]);
      expect(await scrollsSideways(page)).toBe(false);
      expect(await phone.cookies()).toEqual([]);
      await phone.close();

      // The official, with the API's token on every request, confirms it on the case page.
      const desk = await browser.newContext({ viewport: { width: 1280, height: 900 }, extraHTTPHeaders: { authorization: `Bearer ${kadis}` } });
      const official = await desk.newPage();
      await official.goto(`${system.baseUrl}/console/cases/${target.caseId}`);
      await expect(official.getByRole('heading', { name: 'Bukti kepesertaan dari penyedia' }).isVisible()).resolves.toBe(true);
      expect(await seriousAxeViolations(official)).toEqual([]);
      await official.getByRole('button', { name: 'Konfirmasi bukti' }).click();
      await official.waitForURL((url) => url.searchParams.get('selesai') === 'evidence-confirmed');
      await expect(official.getByRole('status').textContent()).resolves.toContain('Bukti sudah dikonfirmasi.');
      await official.setViewportSize({ width: 390, height: 844 });
      expect(await scrollsSideways(official)).toBe(false);
      await desk.close();
      await waitFor(
        async () => (await (await fetch(`${system.baseUrl}/v1/projects/${target.projectId}`, { headers: { authorization: `Bearer ${kadis}` } })).json()) as { complianceStatus: string },
        (p) => p.complianceStatus === 'COMPLIANT',
        60_000,
      );
    });
  });
});
