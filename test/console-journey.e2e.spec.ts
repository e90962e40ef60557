import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimulatedProject } from '@sinergi/bpjs-simulator';
import { signedHeaders } from '@sinergi/auth';
import { freePort, type MailCatcher, startMailCatcher } from '@sinergi/local-services';
import { waitFor } from '@sinergi/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { demoProjects } from '../scripts/demo-post';
import { caseStreamId } from '../src/modules/escalation/case-decider/escalation-case.events';
import { projectStreamId } from '../src/modules/project-intake/construction-project.events';
import { SetCoverageTargetHandler } from '../src/modules/regional-coverage/targets/set-coverage-target/set-coverage-target.handler';
import { seedSinjaiTarget } from '../src/modules/regional-coverage/targets/sinjai-target.seed';
import { CHROMIUM, launchChromium, signInWithOneClick } from './support/browser';
import { DINKES } from './support/console-fixture';
import { linkIn, recipientsOf, waitForMail } from './support/mail';
import { type RunningSystem, startSystem } from './support/running-system';

/**
 * The officials' console issue's "Done when", in one browser journey over what a newcomer sees after
 * `npm run start:local -- --fast-ladder` and `npm run demo:post`: the same 30 Sinjai projects (scripts/demo-post.ts,
 * 12 enrolled at the simulator: 40 %), the same 60 % target (the start:local seed), notices caught by a real SMTP
 * receiver, and the ladder shortened as --fast-ladder does (15 s a level), so the Kepala Dinas's own level-1 e-mail
 * arrives.
 * Links and buttons are clicked wherever a page offers them; only the e-mail links and the refusals are typed in.
 */

const DISTRICTS = ['Sinjai Barat', 'Sinjai Selatan', 'Sinjai Timur', 'Sinjai Tengah', 'Sinjai Utara', 'Bulupoddo', 'Sinjai Borong', 'Tellu Limpoe', 'Pulau Sembilan'];
const PUPR_NAME = 'Dinas Pekerjaan Umum dan Penataan Ruang';
const NOTE = 'Sudah saya instruksikan PPK menahan SPP-LS termin 1';
const JUSTIFICATION = 'Kontrak diputus oleh PA sebelum pekerjaan dimulai; tidak ada pekerja di lapangan';

const describeWithChromium = existsSync(CHROMIUM) || process.env.CI ? describe : describe.skip;

describeWithChromium('a newcomer’s journey through the officials’ console (demo data, real browser, e-mail links)', () => {
  let system: RunningSystem;
  let catcher: MailCatcher;
  let mailDir: string;
  let browser: Browser;
  let kadis: { context: BrowserContext; page: Page };
  /** The case acknowledged, followed from the e-mail and closed by the contractor's evidence; and the one waived. */
  const followed = { caseId: '', name: '', projectPath: '' };
  const waived = { caseId: '', name: '', projectId: '' };

  beforeAll(async () => {
    mailDir = await mkdtemp(join(tmpdir(), 'sinergi-journey-mail-'));
    catcher = await startMailCatcher({ dir: mailDir });
    const port = await freePort();
    system = await startSystem('console-journey', { SMTP_URL: catcher.url, PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, ESCALATION_FAST_LADDER_MS: '15000' });
    // What start:local seeds (the target) and what demo:post posts (through the signed batch API, the simulator's enrolments).
    await seedSinjaiTarget(system.api.get(SetCoverageTargetHandler), new Date());
    const { events, enrolled } = demoProjects(30);
    system.sim.upsertProjects(enrolled as unknown as SimulatedProject[]);
    const client = await system.client('demo-spse-journey', ['73.07']);
    const body = JSON.stringify({ events });
    const posted = await fetch(`${system.baseUrl}/v1/procurement/events/batch`, { method: 'POST', headers: { 'content-type': 'application/json', ...signedHeaders(client.id, client.secret, body) }, body });
    expect(posted.status).toBe(200);
    const admin = await system.token({ sub: 'admin', roles: ['admin'], regions: ['73.07'] });
    await waitFor(
      async () => (await (await fetch(`${system.baseUrl}/v1/coverage/regions/73.07`, { headers: { authorization: `Bearer ${admin}` } })).json()) as { projects: { total: number; registered: number; pending: number } },
      (r) => r.projects.total === 30 && r.projects.pending === 0 && r.projects.registered === 12,
      60_000,
    );
    browser = await launchChromium();
    kadis = await signInWithOneClick(browser, system.baseUrl, /Kepala Dinas PUPR Sinjai/);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    await catcher?.close();
    if (mailDir) await rm(mailDir, { recursive: true, force: true });
  });

  const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();
  const menu = (page: Page, name: string) => page.getByRole('navigation', { name: 'Menu utama' }).getByRole('link', { name, exact: true });

  it('shows the Kepala Dinas Sinjai at 40 % against the 60 % target, with all nine districts', async () => {
    const { page } = kadis;
    await expect(heading(page)).resolves.toBe('Cakupan Kabupaten Sinjai');
    await expect(page.locator('.figure').first().textContent()).resolves.toContain('40,0 %');
    const main = await page.locator('main').innerText();
    expect(main).toContain('Target: 60,0 %');
    expect(main).toContain('Kurang 20,0 poin');
    const districts = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Kecamatan' }) });
    for (const district of DISTRICTS) await expect(districts.getByRole('link', { name: district, exact: true }).count()).resolves.toBe(1);
  });

  it('opens a case from the inbox and acknowledges it with a note, shown at once', async () => {
    const { page } = kadis;
    await menu(page, 'Kasus').click();
    await page.waitForURL((url) => url.pathname === '/console/cases');
    const rows = page.locator('table tbody tr').filter({ hasText: PUPR_NAME });
    expect(await rows.count()).toBeGreaterThanOrEqual(2);
    waived.name = (await rows.nth(1).getByRole('link').first().textContent())!.trim();
    followed.name = (await rows.first().getByRole('link').first().textContent())!.trim();
    await rows.first().getByRole('link').first().click();
    await page.waitForURL(/\/console\/cases\/[\w-]+$/);
    followed.caseId = new URL(page.url()).pathname.split('/').pop()!;
    await expect(heading(page)).resolves.toContain(followed.name);
    await page.getByLabel('Catatan tindak lanjut').fill(NOTE);
    await page.getByRole('button', { name: 'Catat tanggapan' }).click();
    await page.waitForURL((url) => url.searchParams.get('selesai') === 'acknowledged');
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Tanggapan Anda sudah dicatat.');
    await expect(page.locator('ol.timeline').textContent()).resolves.toContain(NOTE);
  });

  it('lets the Kepala Dinas waive a case of its agency with a justification, and not the head of another agency', async () => {
    const { page } = kadis;
    await menu(page, 'Kasus').click();
    await page.getByRole('link', { name: waived.name, exact: true }).click();
    await page.waitForURL(/\/console\/cases\/[\w-]+$/);
    waived.caseId = new URL(page.url()).pathname.split('/').pop()!;

    // The Kepala Dinas of Dinas Kesehatan sees the case (same regency) but is offered no waiver, and a posted one is refused.
    const dinkes = await system.token({ sub: 'kadis-dinkes-sinjai', roles: ['official'], regions: ['73.07'], position: 'KEPALA_DINAS', agency: DINKES });
    const auth = { authorization: `Bearer ${dinkes}` };
    const asDinkes = await (await fetch(`${system.baseUrl}/console/cases/${waived.caseId}`, { headers: { ...auth, accept: 'text/html' } })).text();
    expect(asDinkes).toContain(waived.name);
    expect(asDinkes).not.toContain(`/console/cases/${waived.caseId}/waive`);
    expect(asDinkes).toContain(`Kasus ini milik ${PUPR_NAME}, bukan perangkat daerah Anda`);
    const before = (await (await fetch(`${system.baseUrl}/v1/cases/${waived.caseId}`, { headers: auth })).json()) as { status: string; timeline: unknown[] };
    const refused = await fetch(`${system.baseUrl}/console/cases/${waived.caseId}/waive`, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams({ justification: JUSTIFICATION }).toString(),
    });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('Jabatan Anda tidak berwenang mengecualikan kasus ini.');
    const api = await fetch(`${system.baseUrl}/v1/cases/${waived.caseId}/waive`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ justification: JUSTIFICATION }) });
    expect(api.status).toBe(403);
    const after = (await (await fetch(`${system.baseUrl}/v1/cases/${waived.caseId}`, { headers: auth })).json()) as { status: string; timeline: unknown[] };
    expect(after.status).toBe('OPEN');
    expect(after.timeline.filter((e) => (e as { type: string }).type === 'CaseWaived')).toEqual([]);
    expect(before.status).toBe('OPEN');

    await page.getByLabel(/^Alasan pengecualian/).fill(JUSTIFICATION);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Kecualikan kasus' }).click();
    await page.waitForURL((url) => url.searchParams.get('selesai') === 'waived');
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Kasus sudah dikecualikan');
    await expect(page.locator('ol.timeline').textContent()).resolves.toContain(JUSTIFICATION);

    await page.getByRole('link', { name: waived.name }).first().click();
    await page.waitForURL(/\/console\/projects\/[\w-]+$/);
    waived.projectId = new URL(page.url()).pathname.split('/').pop()!;
    await expect(heading(page)).resolves.toBe(waived.name);
    await expect(page.getByRole('region', { name: 'Kasus' }).textContent()).resolves.toContain('Dikecualikan');
  });

  it('lets an auditor download the history as CSV and NDJSON, holding that project’s events', async () => {
    const { context, page } = await signInWithOneClick(browser, system.baseUrl, /Auditor Inspektorat Sinjai/);
    await menu(page, 'Audit').click();
    await page.waitForURL((url) => url.pathname === '/console/audit');
    const download = async (name: string) => {
      const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name }).click()]);
      return readFile((await file.path())!, 'utf8');
    };
    const csv = await download('Unduh CSV');
    expect(csv.startsWith('position,transaction_id,stream_id')).toBe(true);
    expect(csv).toMatch(/# count=\d+ sha256=[0-9a-f]{64}\r\n$/);
    const rowsOf = (stream: string) => csv.split('\r\n').filter((line) => line.includes(`,${stream},`));
    expect(rowsOf(projectStreamId(waived.projectId)).some((line) => line.includes(',ProjectRegistered,'))).toBe(true);
    expect(rowsOf(caseStreamId(waived.caseId)).some((line) => line.includes(',CaseWaived,'))).toBe(true);

    const ndjson = (await download('Unduh NDJSON')).trim().split('\n').map((line) => JSON.parse(line) as { type: string; streamId?: string; data?: { justification?: string } });
    const ofCase = ndjson.filter((e) => e.streamId === caseStreamId(waived.caseId));
    expect(ofCase.map((e) => e.type)).toEqual(expect.arrayContaining(['CaseOpened', 'EscalationLevelReached', 'CaseWaived']));
    expect(ofCase.find((e) => e.type === 'CaseWaived')!.data!.justification).toBe(JUSTIFICATION);
    expect(ndjson.filter((e) => e.streamId === projectStreamId(waived.projectId)).map((e) => e.type)).toEqual(expect.arrayContaining(['ProjectRegistered', 'WorkersReported']));
    expect(ndjson[ndjson.length - 1]).toMatchObject({ type: 'trailer', count: ndjson.length - 1 });
    await context.close();
  });

  it('takes the Kepala Dinas from its own e-mail to the same case, signed in or through the sign-in', async () => {
    const mail = await waitForMail(mailDir, (m) => recipientsOf(m).includes('kadis.pupr@sinjaikab.example') && (m.text ?? '').includes(`/console/cases/${followed.caseId}`));
    expect(mail.subject).toContain(followed.name);
    const link = linkIn(mail, '/console/cases/');
    const { page } = kadis;
    await page.goto(link);
    expect(new URL(page.url()).pathname).toBe(`/console/cases/${followed.caseId}`);
    await expect(heading(page)).resolves.toContain(followed.name);
    await expect(page.locator('ol.timeline').textContent()).resolves.toContain(NOTE);

    // Opened in a browser not signed in (the phone the e-mail is read on): one click on the provider's page and back to the case.
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const fresh = await phone.newPage();
    await fresh.goto(link);
    expect(new URL(fresh.url()).pathname).toBe('/console/masuk');
    await fresh.getByRole('link', { name: /^Masuk dengan/ }).click();
    await fresh.getByRole('button', { name: /Kepala Dinas PUPR Sinjai/ }).click();
    await fresh.waitForURL((url) => url.pathname === `/console/cases/${followed.caseId}`);
    await expect(heading(fresh)).resolves.toContain(followed.name);
    await phone.close();
  });

  it('lets the contractor hand in evidence through its link; the official confirms it and the project turns compliant', async () => {
    const mail = await waitForMail(mailDir, (m) => recipientsOf(m).some((to) => to.startsWith('kontak@')) && (m.text ?? '').includes(`/console/link?t=${followed.caseId}.c.`));
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const contractor = await phone.newPage();
    await contractor.goto(linkIn(mail, '/console/link'));
    await expect(heading(contractor)).resolves.toBe(`Kasus kepatuhan: ${followed.name}`);
    const premium = /Bayar iuran sebesar Rp ([\d.]+)\./.exec(await contractor.locator('main').innerText())![1];
    await contractor.getByLabel('Nomor proyek pada sertifikat kepesertaan').fill('7307250000777');
    await contractor.getByLabel('NPP (nomor pendaftaran perusahaan)').fill('73070777');
    await contractor.getByLabel('Nomor bukti bayar iuran').fill('730725000000777');
    await contractor.getByLabel('Jumlah iuran yang dibayar (Rp)').fill(premium);
    await contractor.getByLabel('Kepesertaan mulai').fill('2025-04-28');
    await contractor.getByLabel('Kepesertaan berakhir').fill('2026-04-22');
    await contractor.getByRole('button', { name: 'Kirim bukti untuk diperiksa' }).click();
    await contractor.waitForURL((url) => url.searchParams.get('selesai') === 'evidence');
    await expect(contractor.getByRole('status').first().textContent()).resolves.toContain('Bukti Anda sudah diterima.');
    await phone.close();

    const { page } = kadis;
    await menu(page, 'Kasus').click();
    await page.getByRole('link', { name: followed.name, exact: true }).click();
    await page.waitForURL((url) => url.pathname === `/console/cases/${followed.caseId}`);
    await page.getByRole('button', { name: 'Konfirmasi bukti' }).click();
    await page.waitForURL((url) => url.searchParams.get('selesai') === 'evidence-confirmed');
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('Bukti sudah dikonfirmasi.');

    await page.getByRole('link', { name: followed.name }).first().click();
    await page.waitForURL(/\/console\/projects\/[\w-]+$/);
    followed.projectPath = new URL(page.url()).pathname;
    // The verdict, then the case it resolves: each its own consumer, so the page shows them one after the other.
    const shown = async () => {
      await page.reload();
      return { badge: await page.locator('main .badge').first().textContent(), cases: await page.getByRole('region', { name: 'Kasus' }).textContent() };
    };
    await waitFor(shown, (p) => p.badge === 'Patuh' && (p.cases?.includes('Selesai — proyek sudah patuh') ?? false), 60_000);
    // 13 of 30 registered now.
    await menu(page, 'Cakupan').click();
    await waitFor(async () => (await page.reload(), page.locator('.figure').first().textContent()), (text) => text?.includes('43,3 %') ?? false, 60_000);
  });

  it('answers 404 to the Kepala Dinas of Gowa for Sinjai’s case and project', async () => {
    const { context, page } = await signInWithOneClick(browser, system.baseUrl, /Kepala Dinas PUPR Gowa/);
    for (const path of [`/console/cases/${followed.caseId}`, followed.projectPath]) {
      const res = await page.goto(`${system.baseUrl}${path}`);
      expect(res!.status()).toBe(404);
      await expect(heading(page)).resolves.toBe('Halaman tidak ditemukan');
      expect(await page.content()).not.toContain(followed.name);
    }
    await context.close();
  });
});
