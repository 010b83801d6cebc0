/**
 * Chromium through playwright-core for the UI tests: Debian's /usr/bin/chromium, headless, and the built UI.
 * When the launcher under test does not serve ui/dist itself yet (the static router is not wired in), the
 * browser context answers non-API requests from ui/dist the way infra/launcher/ui-static.ts does, so the
 * same-origin API calls and the session cookie behave exactly as in production.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
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

/** Waits until the locator holds an element containing `text` (Playwright's own auto-waiting). */
export async function expectText(locator: Locator, text: string, timeout = 20_000): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ timeout });
}

/** Chooses the page's language for the next load (what the language switch stores). */
export async function setLanguage(page: Page, lang: 'en' | 'zh'): Promise<void> {
  await page.evaluate(
    (l) =>
      (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem(
        'smt.lang',
        l,
      ),
    lang,
  );
}

/** The page's text as a reader sees it, without the parts marked translate="no" (ids, lot and invoice numbers) and code. */
export async function readableText(page: Page): Promise<string> {
  return page.evaluate(() => {
    interface El {
      remove(): void;
      append(text: string): void;
      textContent: string | null;
      selectedOptions?: { textContent: string | null }[];
      querySelectorAll(s: string): El[];
      cloneNode(deep: boolean): El;
    }
    const doc = (globalThis as unknown as { document: { body: El } }).document;
    // What a select shows is its chosen option; the others are choices, not text on the page.
    const chosen = Array.from(doc.body.querySelectorAll('select')).map(
      (s) => s.selectedOptions?.[0]?.textContent ?? '',
    );
    const copy = doc.body.cloneNode(true);
    for (const el of copy.querySelectorAll('[translate="no"], code, pre, script, style, select')) el.remove();
    // Cells and items read apart, as they are seen.
    for (const el of copy.querySelectorAll('*')) el.append(' ');
    return `${copy.textContent ?? ''} ${chosen.join(' ')}`;
  });
}

/** How many pixels the page is wider than its viewport (above 0: the reader scrolls sideways). */
export async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const g = globalThis as unknown as { document: { documentElement: { scrollWidth: number } }; innerWidth: number };
    return g.document.documentElement.scrollWidth - g.innerWidth;
  });
}

/**
 * English words of a page's text outside what may stay as written (names, references, files, codes, units) and
 * the words people typed (`typed`): what a page in Chinese must not show.
 */
export function englishWords(text: string, typed: readonly string[] = []): string[] {
  // E-mail addresses first: a typed word ('demo') must not cut one in two.
  let rest = text.replace(/[\w.+-]+@[\w.-]+\.[a-z]{2,}/g, ' ');
  for (const words of typed) rest = rest.split(words).join(' ');
  rest = rest
    .replace(/Demo [a-z ]+/g, ' ') // demo users' display names
    .replace(/(?:活动|流程) [a-z]\w*/g, ' ') // names of activities and workflows in the timeline (identifiers)
    .replace(/\b(?:Q|SO|RMA)-[\w-]+/g, ' ') // references
    .replace(/[\w./-]+\.[A-Za-z0-9]{1,5}\b/g, ' '); // file names
  const words = rest.match(/[A-Za-z][A-Za-z'-]*/g) ?? [];
  // Upper-case words are part numbers, designators, codes and abbreviations (PCB, BOM, AOI, U1); camelCase ones are
  // names of activities and workflows in the timeline; units stay as written.
  return words.filter(
    (w) =>
      w.length > 1 &&
      !/^[A-Z0-9_-]+$/.test(w) &&
      !/^[a-z]+[A-Z]\w*$/.test(w) &&
      !/^(mm|cm|KiB|MiB|GMT|Gerber|Temporal|Works|pcs)$/.test(w),
  );
}
