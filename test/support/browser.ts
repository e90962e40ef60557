import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's chromium: Playwright's own browser download cannot work on these machines. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless chromium with nothing reaching outside hosts (no background networking, component updates or sync);
 * `launch` gives every run a fresh, temporary profile.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A fresh browser profile signed in the way a newcomer does it: open `/console`, follow "Masuk dengan …" to the local
 * OpenID provider and click the seeded `account`; it ends on the coverage page.
 */
export async function signInWithOneClick(browser: Browser, baseUrl: string, account: RegExp, viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, locale: 'id-ID' });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/console`);
  await page.getByRole('link', { name: /^Masuk dengan/ }).click();
  await page.waitForURL(/\/console\/masuk\/lokal\//);
  await page.getByRole('button', { name: account }).click();
  await page.waitForURL((url) => url.pathname === '/console');
  return { context, page };
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's default rules on the page as it stands; only serious and critical violations are returned. */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, so the page's CSP (script-src 'self') does not block it.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Whether the page scrolls sideways (wider than the viewport). */
export function scrollsSideways(page: Page): Promise<boolean> {
  // The page's globals: this file is compiled without the DOM library.
  return page.evaluate(() => {
    const w = globalThis as unknown as { document: { documentElement: { scrollWidth: number } }; innerWidth: number };
    return w.document.documentElement.scrollWidth > w.innerWidth + 1;
  });
}

export const SCREENSHOT_DIR = join(__dirname, '..', '..', 'docs', 'screenshots');
