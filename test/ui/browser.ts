/**
 * Chromium through playwright-core for the UI tests: Debian's /usr/bin/chromium, headless, and the built UI.
 * When the launcher under test does not serve ui/dist itself yet (the static router is not wired in), the
 * browser context answers non-API requests from ui/dist the way infra/launcher/ui-static.ts does, so the
 * same-origin API calls and the session cookie behave exactly as in production.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { UI_DIST } from '../../infra/launcher/ui-static';

/** Debian's chromium (installed by `apt-get install chromium`). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or null when they can. */
export function browserUnavailable(): string | null {
  return existsSync(CHROMIUM) ? null : `${CHROMIUM} is absent (apt-get install -y chromium); browser tests skipped`;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** True when the server at `baseUrl` answers a client route with the SPA's index.html. */
export async function launcherServesUi(baseUrl: string): Promise<boolean> {
  const res = await fetch(`${baseUrl}/inbox`, { headers: { accept: 'text/html' } });
  return res.ok && (await res.text()).includes('<div id="root">');
}

/** A browser context on `baseUrl`; serves ui/dist itself when `serveUi` (see the file comment). */
export async function newContext(
  browser: Browser,
  baseUrl: string,
  serveUi: boolean,
  locale = 'en-GB',
  viewport = { width: 1280, height: 900 },
): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    locale,
    viewport,
    ...(viewport.width < 600 ? { isMobile: true, hasTouch: true } : {}),
  });
  context.setDefaultTimeout(20_000);
  if (serveUi) {
    await context.route(
      (url) => url.origin === new URL(baseUrl).origin && !/^\/(api|healthz|readyz|metrics)(\/|$)/.test(url.pathname),
      async (route) => {
        const path = new URL(route.request().url()).pathname;
        const file = normalize(join(UI_DIST, path));
        const isAsset = file.startsWith(UI_DIST) && extname(file) !== '' && existsSync(file);
        const target = isAsset ? file : join(UI_DIST, 'index.html');
        await route.fulfill({
          status: 200,
          contentType: TYPES[extname(target)] ?? 'application/octet-stream',
          body: readFileSync(target),
        });
      },
    );
  }
  return context;
}

/** Where the committed screenshots of the pages live (README: how to regenerate them). */
export const SCREENSHOTS_DIR = join(__dirname, 'screenshots');

/**
 * A full-page screenshot as `<name>.jpg` in test/ui/screenshots, only when SCREENSHOTS=1: they are committed, so an
 * ordinary test run must not rewrite them (JPEG at quality 60 keeps the set small enough to commit).
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOTS !== '1') return;
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS_DIR, `${name}.jpg`), type: 'jpeg', quality: 60, fullPage: true });
}
