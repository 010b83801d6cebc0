/**
 * An empty date input shows the page's placeholder in the page's language, not the browser's own (mm/dd/yyyy in
 * the browser's language): Chromium, the launcher with the demo data, the customer's "report a problem" form.
 */
import { ensureUiBuilt } from '../../infra/launcher/ui-static';
import type { Browser } from 'playwright-core';
import { browserUnavailable, launchChromium, launcherServesUi, newContext } from './browser';
import { startLauncher, type LauncherProcess } from './launcher-process';

const unavailable = browserUnavailable();
if (unavailable) console.warn(unavailable);
const describeBrowser = unavailable ? describe.skip : describe;

jest.setTimeout(400_000);

describeBrowser('the date input speaks the page language (chromium)', () => {
  let launcher: LauncherProcess;
  let browser: Browser;
  let serveUi: boolean;
  beforeAll(async () => {
    await ensureUiBuilt();
    launcher = await startLauncher();
    serveUi = !(await launcherServesUi(launcher.url));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await launcher?.stop();
  });

  test.each([
    ['en', 'yyyy-mm-dd'],
    ['zh', '年/月/日'],
  ])('%s: empty shows %s; focused, partly typed or filled shows the browser fields', async (lang, placeholder) => {
    // The browser's own language is English (US) whatever the page's: its placeholder would read mm/dd/yyyy.
    const context = await newContext(browser, launcher.url, serveUi, 'en-US');
    await context.addInitScript(
      (l) =>
        (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem(
          'smt.lang',
          l,
        ),
      lang,
    );
    const page = await context.newPage();
    await page.goto('/login');
    await page.locator('input[type=email]').fill('buyer@demo.local');
    await page.locator('input[type=password]').fill('demo');
    await page.locator('button[type=submit]').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    await page.goto('/portal/rma');
    const input = page.locator('input[type=date]').first();
    const shown = page.locator('.date-field .date-placeholder').first();
    await input.waitFor();
    await expect(shown.isVisible()).resolves.toBe(true);
    await expect(shown.textContent()).resolves.toBe(placeholder);
    // The browser's fields are drawn transparent beneath it (only where they would show its placeholder).
    await expect(input.evaluate((e) => e.closest('.date-field')?.classList.contains('empty'))).resolves.toBe(true);
    // Focused, the browser's fields take over to be typed into.
    await input.focus();
    await expect(shown.isVisible()).resolves.toBe(false);
    // Partly typed and left: what was typed stays visible (no value yet, so the placeholder must not cover it).
    await page.keyboard.type('11');
    await page.locator('h1, h2').first().click();
    await expect(page.locator('.date-field .date-placeholder').count()).resolves.toBe(0);
    // Filled: the value, and beside it the date in the page's language.
    await input.fill('2026-11-02');
    await page.locator('h1, h2').first().click();
    await expect(page.locator('.date-field .date-placeholder').count()).resolves.toBe(0);
    await expect(page.locator('.date-input .hint').first().textContent()).resolves.toBe(
      lang === 'zh' ? '2026年11月2日' : '2 Nov 2026',
    );
    await context.close();
  });
});
