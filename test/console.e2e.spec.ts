import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, launchChromium, SCREENSHOT_DIR, scrollsSideways, seriousAxeViolations } from './support/browser';
import { type ConsoleFixture, PUPR, seedConsoleFixture } from './support/console-fixture';
import { type RunningSystem, startSystem } from './support/running-system';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
/** `CONSOLE_SCREENSHOTS=1` writes the screenshots shown in the README to docs/screenshots/. */
const SAVE_SCREENSHOTS = process.env.CONSOLE_SCREENSHOTS === '1';

// Skipped only on a developer machine without chromium; CI (which installs it in .ci/run) always runs it.
const describeWithChromium = existsSync(CHROMIUM) || process.env.CI ? describe : describe.skip;

describeWithChromium('officials’ console in a real browser (chromium, local OpenID sign-in, axe-core)', () => {
  let system: RunningSystem;
  let fixture: ConsoleFixture;
  let browser: Browser;

  beforeAll(async () => {
    system = await startSystem('console-browser');
    const kadis = await system.token({ sub: 'kadis', roles: ['official'], regions: ['73.07'], position: 'KEPALA_DINAS', agency: PUPR });
    const admin = await system.token({ sub: 'admin', roles: ['admin'], regions: ['73.07'] });
    fixture = await seedConsoleFixture(system, admin, kadis);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  /** A fresh browser profile signed in by clicking `account` on the local provider's page. */
  async function signedIn(account: string, viewport = DESKTOP): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport, locale: 'id-ID' });
    const page = await context.newPage();
    await page.goto(`${system.baseUrl}/console`);
    expect(new URL(page.url()).pathname).toBe('/console/masuk');
    await page.getByRole('link', { name: /^Masuk dengan/ }).click();
    await page.waitForURL(/\/console\/masuk\/lokal\//);
    await page.getByRole('button', { name: new RegExp(account) }).click();
    await page.waitForURL((url) => url.pathname === '/console');
    return { context, page };
  }

  /** Every page must pass axe-core, declare a responsive viewport and not scroll sideways on a phone. */
  async function checkPage(page: Page, name: string): Promise<void> {
    expect(await page.getAttribute('html', 'lang')).toBe('id');
    expect(await page.getAttribute('meta[name="viewport"]', 'content')).toBe('width=device-width, initial-scale=1');
    expect(await seriousAxeViolations(page)).toEqual([]);
    const desktop = page.viewportSize()!;
    if (SAVE_SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-desktop.png`), fullPage: true });
    await page.setViewportSize(PHONE);
    expect(await scrollsSideways(page)).toBe(false);
    expect(await seriousAxeViolations(page)).toEqual([]);
    if (SAVE_SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-phone.png`), fullPage: true });
    await page.setViewportSize(desktop);
  }

  it('signs the Kepala Dinas in with one click, shows coverage, opens a case from the inbox and acknowledges it', async () => {
    const { context, page } = await signedIn('Kepala Dinas PUPR Sinjai');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Cakupan Kabupaten Sinjai');
    await expect(page.locator('.figure').first().textContent()).resolves.toContain('25,0 %');
    expect(await page.getByRole('row').count()).toBeGreaterThanOrEqual(10);
    await checkPage(page, 'coverage');

    await page.getByRole('navigation', { name: 'Menu utama' }).getByRole('link', { name: 'Kasus' }).click();
    await page.waitForURL((url) => url.pathname === '/console/cases');
    await checkPage(page, 'cases');

    const target = fixture.cases.find((c) => c.name.includes('Tellu Limpoe'))!;
    await page.getByRole('link', { name: target.name }).click();
    await page.waitForURL((url) => url.pathname === `/console/cases/${target.caseId}`);
    await checkPage(page, 'case');
    await page.getByLabel('Catatan tindak lanjut').fill('Sudah saya instruksikan PPK menahan SPP-LS termin 1');
    await page.getByRole('button', { name: 'Catat tanggapan' }).click();
    await page.waitForURL((url) => url.searchParams.get('selesai') === 'acknowledged');
    await expect(page.getByRole('status').textContent()).resolves.toContain('Tanggapan Anda sudah dicatat.');
    await expect(page.locator('ol.timeline').textContent()).resolves.toContain('Sudah saya instruksikan PPK menahan SPP-LS termin 1');

    await page.getByRole('link', { name: target.name }).first().click();
    await page.waitForURL((url) => url.pathname === `/console/projects/${target.projectId}`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(target.name);
    await checkPage(page, 'project');
    await context.close();
  });

  it('passes axe on the sign-in pages, and works on a phone without JavaScript: sign-in and the inbox filter', async () => {
    const checked = await browser.newContext({ viewport: DESKTOP });
    const signInPage = await checked.newPage();
    await signInPage.goto(`${system.baseUrl}/console/cases`);
    await checkPage(signInPage, 'sign-in');
    await signInPage.getByRole('link', { name: /^Masuk dengan/ }).click();
    await signInPage.waitForURL(/\/console\/masuk\/lokal\//);
    await checkPage(signInPage, 'sign-in-accounts');
    await checked.close();

    // No script at all: every page and form still works (progressive enhancement only).
    const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${system.baseUrl}/console/cases`);
    await page.getByRole('link', { name: /^Masuk dengan/ }).click();
    await page.waitForURL(/\/console\/masuk\/lokal\//);
    await page.getByRole('button', { name: /PPK Dinas PUPR Sinjai/ }).click();
    await page.waitForURL((url) => url.pathname === '/console/cases');
    await page.getByLabel('Kode wilayah').fill('73.07.09');
    await page.getByRole('button', { name: 'Terapkan' }).click();
    await page.waitForURL((url) => url.searchParams.get('regionCode') === '73.07.09');
    const rows = page.locator('table tbody tr');
    expect(await rows.count()).toBe(1);
    await expect(rows.first().textContent()).resolves.toContain('Pembangunan Puskesmas Pulau Sembilan');
    await rows.first().getByRole('link').click();
    await page.getByLabel('Catatan tindak lanjut').fill('Bukti dari penyedia belum ada; SPP-LS saya tahan');
    await page.getByRole('button', { name: 'Catat tanggapan' }).click();
    await page.waitForURL((url) => url.searchParams.get('selesai') === 'acknowledged');
    await expect(page.getByRole('status').textContent()).resolves.toContain('Tanggapan Anda sudah dicatat.');
    await context.close();
  });

  it('shows an official of another regency a 404 for Sinjai’s region, case and project', async () => {
    const { context, page } = await signedIn('Kepala Dinas PUPR Gowa');
    const target = fixture.cases[0];
    for (const path of ['/console/regions/73.07', `/console/cases/${target.caseId}`, `/console/projects/${target.projectId}`]) {
      const res = await page.goto(`${system.baseUrl}${path}`);
      expect(res!.status()).toBe(404);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Halaman tidak ditemukan');
      expect(await page.content()).not.toContain('Sinjai');
    }
    expect(await seriousAxeViolations(page)).toEqual([]);
    await context.close();
  });
});
