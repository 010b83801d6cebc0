/**
 * A person's path through the browser, end to end: the real launcher (embedded Temporal, PGlite, mail catcher,
 * every service and worker) started on free ports with a temporary DATA_DIR, Debian's chromium driven by
 * playwright-core, every control found by its label or role. The customer uploads a real board and sees its
 * analysis; the engineer approves the quote from the inbox; the customer accepts; the order's tasks are done by
 * each role in its own browser session until finance records the payment and the order ships and is
 * delivered; an RMA opened by the customer appears in after-sales' inbox. Screenshots of the main pages land in
 * test/ui/screenshots with SCREENSHOTS=1: one per page, language and width. The every-page walk shoots each page in
 * both languages (`en-<page>`, `zh-<page>`, `phone-…`); a step shoots only what the walk cannot show (the login, a
 * task's form, a quote in the state of that step, a customer's page), not a page the walk shoots again.
 *
 * SMT_UI_BASE_URL=http://127.0.0.1:3990 runs it against a launcher you started yourself.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { makeZip } from '../../activities/quote/test-support/make-zip';
import { daysFromToday } from '../dates';
import { ensureUiBuilt } from '../../infra/launcher/ui-static';
import {
  browserUnavailable,
  expectText,
  launchChromium,
  launcherServesUi,
  newContext,
  englishWords,
  readableText,
  screenshot,
  setLanguage,
  sidewaysOverflow,
} from './browser';
import { startLauncher, type LauncherProcess } from './launcher-process';

const FIXTURES = join(__dirname, '..', '..', '..', 'shared', 'fixtures');
const BOARD = join(FIXTURES, 'boards', 'arduino-uno');
// Only linked to, never contacted: the timeline's link to the workflow in Temporal's web UI.
const TEMPORAL_UI = 'http://temporal-ui.test:8080';
const unavailable = browserUnavailable();
if (unavailable) console.warn(unavailable);
const describeBrowser = unavailable ? describe.skip : describe;

interface ApiTask {
  id: string;
  kind: string;
  role: string;
  step: string;
  caseId: string;
  caseType: string;
  status: string;
  payload: Record<string, unknown>;
  title: string;
  dueAt: string | null;
}

jest.setTimeout(600_000);

describeBrowser('the browser path (chromium)', () => {
  let launcher: LauncherProcess | undefined;
  let baseUrl: string;
  let serveUi: boolean;
  let browser: Browser;
  let managerToken: string;
  const sessions = new Map<string, { context: BrowserContext; page: Page }>();

  /** The API as the manager sees it (every task), to know which role the process waits on next. */
  async function asManager<T>(path: string): Promise<T> {
    const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${managerToken}` } });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  /** Polls until `probe` returns a value (the workflows run asynchronously behind the API). */
  async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 400));
    }
  }

  async function openTaskOf(caseId: string): Promise<ApiTask | undefined> {
    const { tasks } = await asManager<{ tasks: ApiTask[] }>(`/api/tasks?case=${caseId}`);
    return tasks[0];
  }

  /** A signed-in browser page for a demo user; signs in through the login form the first time. */
  async function pageAs(email: string): Promise<Page> {
    const existing = sessions.get(email);
    if (existing) return existing.page;
    const context = await newContext(browser, baseUrl, serveUi);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.warn(`[${email}] page error: ${e.message}`));
    await page.goto('/login');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    sessions.set(email, { context, page });
    return page;
  }

  /**
   * Steps build on each other: without the fixtures a step is skipped (said once by the upload step); with them,
   * a missing result of an earlier step is a failure here too, not a silent pass.
   */
  function needs<T>(value: T | undefined, what: string): value is T {
    if (value !== undefined && value !== '') return true;
    if (!existsSync(BOARD)) return false;
    throw new Error(`this step needs ${what} from an earlier step, which failed`);
  }

  const shot = (page: Page, name: string) => screenshot(page, name);

  beforeAll(async () => {
    const build = await ensureUiBuilt();
    if (build.built) console.log(`ui/dist built in ${build.ms} ms`);
    if (process.env.SMT_UI_BASE_URL) baseUrl = process.env.SMT_UI_BASE_URL;
    else {
      launcher = await startLauncher({ TEMPORAL_UI_URL: TEMPORAL_UI });
      baseUrl = launcher.url;
    }
    serveUi = !(await launcherServesUi(baseUrl));
    if (serveUi) console.log('the launcher does not serve ui/dist yet; the browser context serves it (same origin)');
    const login = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'manager@demo.local', password: 'demo' }),
    });
    managerToken = ((await login.json()) as { token: string }).token;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await launcher?.stop();
  });

  it('signs in, refuses a wrong password next to the form, switches to Chinese and signs out', async () => {
    const context = await newContext(browser, baseUrl, serveUi);
    const page = await context.newPage();
    await page.goto('/inbox');
    await page.waitForURL('**/login');
    // Keyboard: the skip link comes first, then the language switch, then the e-mail field; focus is visible.
    await page.keyboard.press('Tab');
    expect(
      await page.evaluate(
        () =>
          (globalThis as unknown as { document: { activeElement: { textContent: string } } }).document.activeElement
            .textContent,
      ),
    ).toBe('Skip to content');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.type('qa@demo.local');
    expect(await page.getByLabel('Email').inputValue()).toBe('qa@demo.local');
    const outline = await page
      .getByLabel('Email')
      .evaluate((el) =>
        (
          globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string; outlineWidth: string } }
        ).getComputedStyle(el),
      );
    expect(outline.outlineStyle).toBe('solid');
    expect(outline.outlineWidth).toBe('3px');
    await page.getByLabel('Email').fill('qa@demo.local');
    await page.getByLabel('Password').fill('wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page.getByRole('alert'), 'email or password is wrong');
    await shot(page, '01-login');
    await page.getByLabel('Password').fill('demo');
    // Keyboard use: Enter submits the form.
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('heading', { name: 'Open tasks' }).waitFor();
    await page.getByLabel('Language').selectOption('zh');
    await page.getByRole('heading', { name: '待办任务' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const me = await page.evaluate(async () => (await fetch('/api/auth/me')).status);
    expect(me).toBe(401);
    await context.close();
  });

  let quoteId: string;
  let quoteReference: string;

  it('the customer uploads a real board by drag and drop and sees its analysis', async () => {
    if (!existsSync(BOARD)) {
      console.warn(`${BOARD} is absent; the upload step is skipped`);
      return;
    }
    const page = await pageAs('buyer@demo.local');
    await page.getByRole('heading', { name: 'Your quotes, orders and returns' }).waitFor();
    await page.getByRole('link', { name: 'Request a quote' }).first().click();
    const entries = readdirSync(BOARD)
      .filter((name) => !['manifest.json', 'LICENSE'].includes(name))
      .map((name) => ({ name: `arduino-uno/${name}`, data: readFileSync(join(BOARD, name)) }));
    const zip = makeZip(entries);
    // Drag and drop: a real DataTransfer with the zip as a File, dropped on the drop zone.
    const transfer = await page.evaluateHandle((b64) => {
      // Runs in the page: the DOM's DataTransfer and File (the test's tsconfig has no DOM types).
      const w = globalThis as unknown as {
        DataTransfer: new () => { items: { add(file: unknown): void } };
        File: new (parts: unknown[], name: string, options: object) => unknown;
      };
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new w.DataTransfer();
      dt.items.add(new w.File([bytes], 'arduino-uno.zip', { type: 'application/zip' }));
      return dt;
    }, zip.toString('base64'));
    await page.getByTestId('dropzone').dispatchEvent('dragover', { dataTransfer: transfer });
    await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer: transfer });
    await expectText(page.getByTestId('dropzone'), 'Gerber zip: arduino-uno.zip');
    const bom = join(FIXTURES, 'assembly', 'sensor-node-bom-kicad.csv');
    // A BOM without its placement file: assembly cannot be priced automatically, so an engineer reviews it.
    if (existsSync(bom)) await page.getByLabel('BOM (CSV or XLSX, optional)').setInputFiles(bom);
    await page.getByLabel('Quantity').fill('abc');
    await page.getByRole('button', { name: 'Upload and quote' }).click();
    // The API's validation message appears next to the quantity field.
    await expectText(page.locator('.field.has-error'), 'Quantity');
    await page.getByLabel('Quantity').fill('50');
    await page.getByLabel('Assembly (SMT)').check();
    await page.getByLabel('Parts').selectOption('turnkey');
    await page.getByRole('button', { name: 'Upload and quote' }).click();
    await page.waitForURL(/\/quotes\/[0-9a-f-]{36}$/);
    quoteId = page.url().split('/').pop() as string;
    // The Arduino Uno's outline is 68.58 × 53.34 mm; the page follows the workflow until the analysis is in.
    await expectText(page.getByRole('region', { name: 'Analysis' }), '68.58', 120_000);
    await page.getByRole('region', { name: 'Price breakdown' }).getByRole('table').waitFor({ timeout: 120_000 });
    quoteReference = ((await page.getByRole('heading', { level: 1 }).textContent()) ?? '').match(/Q-[\w-]+/)?.[0] ?? '';
    expect(quoteReference).toMatch(/^Q-/);
    await shot(page, '03-quote-analysis');
  });

  it("the quote's board preview shows both sides, and says why when there is none yet or none at all", async () => {
    if (!needs(quoteId, 'the uploaded quote')) return;
    const page = await pageAs('buyer@demo.local');
    await page.goto(`/quotes/${quoteId}`);
    const analysis = page.getByRole('region', { name: 'Analysis' });
    const preview = analysis.getByRole('group', { name: 'Board preview' });
    await preview.getByRole('img', { name: 'Top side' }).waitFor();
    await preview.getByRole('img', { name: 'Bottom side' }).waitFor();
    // Both drawings loaded (an image that fails to load is taken out of the page).
    await page.waitForFunction(
      "[...document.querySelectorAll('.board-preview img')].filter((i) => i.complete && i.naturalWidth > 0).length === 2",
    );
    const noDrawing = (route: import('playwright-core').Route) =>
      route.fulfill({
        status: 404,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'not_found', message: 'a drawn board preview not found' } }),
      });
    await page.route('**/api/quotes/*/preview/*', noDrawing);
    // While the workflow is still at its analysis, a missing drawing is "not yet".
    const stillAnalysing = async (route: import('playwright-core').Route) => {
      const real = await route.fetch();
      const body = (await real.json()) as { workflow?: { stage?: string } | null; status: string };
      body.status = 'analysing';
      if (body.workflow) body.workflow.stage = 'analysing';
      await route.fulfill({ response: real, json: body });
    };
    await page.route(`**/api/quotes/${quoteId}`, stillAnalysing);
    await page.reload();
    await expectText(analysis, 'No preview yet: the board is drawn once the files are analysed.');
    await page.unroute(`**/api/quotes/${quoteId}`, stillAnalysing);
    // Past the analysis, no drawing means the files cannot be drawn; in Chinese too.
    await page.reload();
    await expectText(analysis, 'No preview: the board cannot be drawn from these files.');
    await page.getByLabel('Language').selectOption('zh');
    await expectText(page.getByRole('region', { name: '分析' }), '无法预览：这些文件画不出板子。');
    await page.getByLabel('语言').selectOption('en');
    await page.unroute('**/api/quotes/*/preview/*', noDrawing);
  });

  it('the engineer approves the quote from the inbox, adjusting a line item', async () => {
    if (!needs(quoteId, 'the uploaded quote')) return;
    const task = await eventually('the quote to be reviewed or issued', async () => {
      const t = await openTaskOf(quoteId);
      return t && ['quote.engineering-review', 'quote.customer-decision'].includes(t.kind) ? t : undefined;
    });
    if (task.kind !== 'quote.engineering-review') {
      console.warn('the quote was priced automatically (no engineering review needed); the engineer step is skipped');
      return;
    }
    const page = await pageAs('engineer@demo.local');
    await page.goto('/inbox');
    const row = page.getByRole('row').filter({ hasText: quoteReference });
    await row.waitFor();
    await expectText(row, 'left');
    await page.getByLabel('Kind').selectOption('quote.engineering-review');
    await row.locator(`a[href="/tasks/${task.id}"]`).click();
    await page.getByRole('heading', { name: 'Price line items' }).waitFor();
    const firstPrice = page.getByLabel(/^Unit price of/).first();
    await firstPrice.fill('not money');
    await page.getByRole('button', { name: 'Approve' }).click();
    await expectText(page.locator('.field.has-error').first(), 'must be an amount');
    await firstPrice.fill('12.34');
    // The line and grand totals follow the typed price (¥ in English, from integer fen).
    await expectText(page.getByTestId('review-total'), '¥');
    await expectText(page.getByTestId('review-total'), 'priced at');
    await page.getByLabel('Comment').fill('Checked the panel rails; price adjusted.');
    await shot(page, '05-engineer-review');
    await page.getByRole('button', { name: 'Approve' }).click();
    await expectText(page.getByRole('status'), 'Completed: approve');
  });

  let orderId: string | undefined;

  it('the customer accepts the issued quote, and the case shows who decided when', async () => {
    if (!needs(quoteId, 'the uploaded quote')) return;
    await eventually(
      'the customer decision task',
      async () => ((await openTaskOf(quoteId))?.kind === 'quote.customer-decision' ? true : undefined),
      120_000,
    );
    const page = await pageAs('buyer@demo.local');
    await page.goto(`/quotes/${quoteId}`);
    await page.getByRole('region', { name: 'Your decision' }).waitFor();
    await expectText(page.locator('.waiting'), 'Waiting on Customer');
    await page.getByLabel('Comment').fill('Go ahead.');
    await page.getByRole('button', { name: 'Accept' }).click();
    await expectText(page.getByRole('status'), 'Your decision was recorded');
    await page.reload();
    const decisions = page.getByRole('region', { name: 'Decisions' });
    await expectText(decisions, 'accept', 60_000);
    await page.getByRole('button', { name: 'Show raw events' }).click();
    await page.getByRole('region', { name: 'Timeline' }).locator('pre.raw').waitFor();
    await shot(page, '06-quote-accepted');
    const quote = await asManager<{ workflow: { orderWorkflowId: string | null } | null }>(`/api/quotes/${quoteId}`);
    orderId = await eventually('the order to start', async () => {
      const q = await asManager<{ workflow: { orderWorkflowId: string | null; stage: string } | null }>(
        `/api/quotes/${quoteId}`,
      );
      return q.workflow?.orderWorkflowId?.replace(/^order:/, '') ?? undefined;
    }).catch(() => quote.workflow?.orderWorkflowId?.replace(/^order:/, '') ?? undefined);
    expect(orderId).toBeTruthy();
  });

  it('the customer asks for a revision with a new quantity, then rejects the revised quote', async () => {
    if (!existsSync(BOARD)) return;
    const page = await pageAs('buyer@demo.local');
    await page.goto('/portal/rfq');
    const entries = readdirSync(BOARD)
      .filter((name) => !['manifest.json', 'LICENSE'].includes(name))
      .map((name) => ({ name, data: readFileSync(join(BOARD, name)) }));
    // A bare board without assembly is priced automatically: no engineer in the loop.
    await page
      .getByLabel('Gerber zip')
      .setInputFiles({ name: 'uno-bare.zip', mimeType: 'application/zip', buffer: makeZip(entries) });
    await page.getByLabel('Quantity').fill('10');
    // The Uno has no bottom legend: declared absent, the file set is complete and the price comes without an engineer.
    await page.getByLabel('Bottom silkscreen (legend)').check();
    await page.getByRole('button', { name: 'Upload and quote' }).click();
    await page.waitForURL(/\/quotes\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop() as string;
    await page.getByRole('region', { name: 'Your decision' }).waitFor({ timeout: 120_000 });
    await page.getByText('New quantity or new files').click();
    await page.getByLabel('New quantity (optional)').fill('100');
    await page.getByLabel('Comment').fill('Please quote 100 pieces.');
    await page.getByRole('button', { name: 'Ask for a revision' }).click();
    await expectText(page.getByRole('status'), 'Your decision was recorded');
    await eventually(
      'revision 2 to be issued',
      async () => {
        const q = await asManager<{ revision: number; workflow: { stage: string } | null }>(`/api/quotes/${id}`);
        return q.revision === 2 && q.workflow?.stage === 'awaiting_customer' ? true : undefined;
      },
      120_000,
    );
    await page.reload();
    await expectText(page.getByRole('heading', { level: 1 }), 'Awaiting customer');
    await expectText(page.locator('dl.kv'), '100');
    // Rejecting asks for a reason and a second, explicit click.
    await page.getByRole('button', { name: 'Reject' }).click();
    await page.getByRole('button', { name: 'Confirm: Reject' }).click();
    await expectText(page.locator('.field.has-error'), 'Give a reason');
    await page.getByLabel('Reason (required)').fill('Too expensive at 100 pieces.');
    await page.getByRole('button', { name: 'Confirm: Reject' }).click();
    await expectText(page.getByRole('status'), 'Your decision was recorded');
    await eventually('the quote to be rejected', async () =>
      (await asManager<{ status: string }>(`/api/quotes/${id}`)).status === 'rejected' ? true : undefined,
    );
    await page.reload();
    await expectText(page.getByRole('heading', { level: 1 }), 'Rejected');
    await shot(page, '06c-quote-revised-rejected');
  });

  it("the quote's timeline tells its Temporal history in words, raw events and the Temporal UI one click away", async () => {
    if (!needs(quoteId, 'the accepted quote')) return;
    const page = await pageAs('manager@demo.local');
    await page.goto(`/quotes/${quoteId}`);
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await expectText(timeline, 'Workflow quoteWorkflow started');
    await expectText(timeline, 'Task Engineering review (1) completed: Approve by engineer@demo.local');
    await expectText(timeline, 'Task Customer decision (1) completed: Accept by buyer@demo.local');
    await expectText(timeline, 'Timer: ');
    if (launcher) {
      const link = timeline.getByRole('link', { name: /Open in Temporal UI/ });
      expect(await link.getAttribute('href')).toContain(
        `${TEMPORAL_UI}/namespaces/default/workflows/quote%3A${quoteId}/`,
      );
    }
    await timeline.getByRole('button', { name: 'Show raw events' }).click();
    await expectText(timeline.locator('pre.raw'), 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
    await shot(page, '06b-quote-timeline');
  });

  it('each role does its order task in the browser until the order is paid, shipped and delivered', async () => {
    if (!needs(orderId, 'the order started by the accepted quote')) return;
    const id = orderId;
    const done: string[] = [];
    for (let step = 0; step < 40; step++) {
      const order = await asManager<{ status: string; workflow: { stage?: string } | null }>(`/api/orders/${id}`);
      const stage = order.workflow?.stage ?? order.status;
      if (stage === 'delivered') break;
      // Either the next task opens or the order reaches its end (the workflow updates the stage after the last task).
      const task = await eventually(
        `the next task of order ${id} (stage ${stage}; done so far: ${done.join(', ')})`,
        async () => {
          const next = await openTaskOf(id);
          if (next) return next;
          const now = await asManager<{ status: string; workflow: { stage?: string } | null }>(`/api/orders/${id}`);
          return (now.workflow?.stage ?? now.status) === 'delivered' ? null : undefined;
        },
        60_000,
      );
      if (!task) break;
      const user = task.role === 'customer' ? 'buyer@demo.local' : `${task.role}@demo.local`;
      const page = await pageAs(user);
      if (task.kind === 'order.payment') await payOnFinancePage(page, task);
      else await completeOnTaskPage(page, task);
      done.push(task.kind);
      // The workflow closes the task and moves on; wait until this one is gone before asking again.
      await eventually(`${task.kind} to close`, async () =>
        (await openTaskOf(id))?.id === task.id ? undefined : true,
      );
    }
    expect(done).toEqual(
      expect.arrayContaining([
        'order.contract-signature',
        'order.payment',
        'order.inspection',
        'order.rework',
        'order.shipment-booking',
        'order.delivery',
      ]),
    );
    const page = await pageAs('manager@demo.local');
    await page.goto(`/orders/${id}`);
    await page.getByRole('heading', { name: /Order .* Delivered/ }).waitFor({ timeout: 60_000 });
    await expectText(page.getByRole('region', { name: 'Shipment tracking' }), 'SF Express');
    // One unit failed the first AOI round: the lot shows 2 rounds, 1 rework, 98 % first-pass yield.
    const lotRow = page.getByRole('region', { name: 'Inspection summary' }).getByRole('row').nth(1);
    await expectText(lotRow, '98.0 %');
    await expectText(page.getByRole('region', { name: 'Decisions' }), 'qa@demo.local');
    // The customer follows the same order from the portal: listed, delivered, with its tracking number.
    const buyer = await pageAs('buyer@demo.local');
    await buyer.goto('/portal');
    const orders = buyer.getByRole('region', { name: 'Orders' });
    await expectText(orders, 'Delivered');
    await orders.getByRole('link').first().click();
    await expectText(buyer.getByRole('region', { name: 'Shipment tracking' }), 'SF Express');
    await expectText(buyer.getByRole('region', { name: 'Production progress' }), '50 / 50');
  });

  let inspectionShot = false;

  async function completeOnTaskPage(page: Page, task: ApiTask): Promise<void> {
    await page.goto(`/tasks/${task.id}`);
    await page.getByRole('heading', { name: task.title }).waitFor();
    // The factory's today (Shanghai is a day ahead of UTC in the evening): a plan may not start in its past.
    const today = daysFromToday(0);
    const fill = (label: RegExp, value: string) => page.getByLabel(label).fill(value);
    let decision: string;
    switch (task.kind) {
      case 'order.contract-signature':
        await fill(/^Signatory name/, 'Li Wei');
        decision = 'Sign';
        break;
      case 'order.kitting': {
        // The kit is prefilled from the quoted BOM the task carries: each line per board × boards plus its spare.
        const bom = (task.payload.bom ?? []) as {
          partNumber: string;
          perBoard: number;
          spare: number;
          designators: string[];
        }[];
        const boards = Number(task.payload.boards ?? 50);
        expect(bom.length).toBeGreaterThan(0);
        expect(await page.getByLabel('Part number 1', { exact: true }).inputValue()).toBe(bom[0].partNumber);
        expect(await page.getByLabel('Quantity 1', { exact: true }).inputValue()).toBe(
          String(bom[0].perBoard * boards + bom[0].spare),
        );
        expect(await page.getByRole('textbox', { name: /^Part number \d+$/ }).count()).toBe(bom.length);
        await shot(page, '07b-kitting');
        decision = 'Report';
        break;
      }
      case 'order.reflow-profile':
        await fill(/^Profile name/, 'SAC305-6zone');
        await fill(/^Furnace board/, 'KIC-TB-01');
        decision = 'Ready';
        break;
      case 'order.line-slot':
        await fill(/^Line/, 'SMT-1');
        await fill(/^Starts on/, today);
        decision = 'Booked';
        break;
      case 'order.build-samples':
        await fill(/^Sample count/, '2');
        decision = 'Built';
        break;
      case 'order.progress': {
        const quantity = Number(task.payload.quantity ?? 50);
        await page.getByLabel(/^Step/).selectOption('assembly');
        await fill(/^Quantity done/, String(quantity));
        decision = 'Report';
        break;
      }
      case 'order.inspection': {
        const units = Number(task.payload.unitsToInspect ?? 50);
        // The lot is picked from the order's lots, the task's own preselected.
        expect(await page.getByLabel('Lot number').inputValue()).toBe(String(task.payload.lotIndex ?? 1));
        await page.getByLabel('Inspection', { exact: true }).selectOption('aoi');
        if (!inspectionShot && units > 1) {
          // The first round finds a solder bridge on U1 of one unit: it goes to rework and comes back.
          // Adding a failed unit takes one from the units passed, so the round still adds up.
          await page.getByRole('button', { name: 'Add a failed unit' }).click();
          expect(await page.getByLabel(/^Units passed/).inputValue()).toBe(String(units - 1));
          await page.getByLabel('Serial number 1').fill('SN-0042');
          await page.getByLabel('Defect code 1.1').selectOption('BRIDGE');
          await page.getByLabel('Designator 1.1').fill('U1');
          await page.getByLabel('Defect description 1.1').fill('solder bridge between pins 3 and 4');
          await shot(page, '08-qa-inspection');
          inspectionShot = true;
        } else {
          await fill(/^Units passed/, String(units));
        }
        decision = 'Record';
        break;
      }
      case 'order.shipment-booking':
        await page.getByLabel(/^Carrier/).selectOption('SF Express');
        decision = 'Book';
        break;
      default: {
        // Approvals and confirmations: the first (affirmative) decision button.
        const kinds = await page.evaluate(
          async () => (await fetch('/api/task-kinds')).json() as Promise<{ kind: string; decisions: string[] }[]>,
        );
        const first = kinds.find((k) => k.kind === task.kind)?.decisions[0] ?? 'approve';
        decision = first.charAt(0).toUpperCase() + first.slice(1).replace(/_/g, ' ');
      }
    }
    await page.getByRole('group', { name: 'Decision' }).getByRole('button', { name: decision, exact: true }).click();
    await expectText(page.getByRole('status'), 'Completed');
  }

  async function payOnFinancePage(page: Page, task: ApiTask): Promise<void> {
    await page.goto('/finance');
    const card = page.getByRole('listitem').filter({ has: page.locator(`a[href="/tasks/${task.id}"]`) });
    await card.getByRole('button', { name: 'Record payment and release' }).click();
    await card.getByLabel('Bank reference').fill('');
    await card.getByRole('button', { name: 'Record', exact: true }).click();
    // The API names the empty reference; the message sits next to the field.
    await expectText(card.locator('.field.has-error'), 'Bank reference');
    await card.getByLabel('Bank reference').fill(`BOC-${Date.now()}`);
    await card.getByRole('button', { name: 'Record', exact: true }).click();
    await card.waitFor({ state: 'detached' });
  }

  let rmaId = '';

  it('an RMA opened by the customer appears in the inbox of the after-sales role that must act', async () => {
    const page = await pageAs('buyer@demo.local');
    await page.goto('/portal/rma');
    await page.getByLabel('Symptoms').fill('x');
    await page.getByLabel('Affected quantity').fill('3');
    await page.getByRole('button', { name: 'Open the RMA' }).click();
    await expectText(page.locator('.field.has-error'), 'Symptoms');
    await page.getByLabel('Symptoms').fill('Boards reset when the USB cable is plugged in');
    await page.getByLabel('Product model').fill('UNO-R3');
    await page.getByRole('button', { name: 'Open the RMA' }).click();
    await page.waitForURL(/\/rmas\/[0-9a-f-]{36}$/);
    rmaId = page.url().split('/').pop() as string;
    const task = await eventually('the first RMA task', () => openTaskOf(rmaId));
    const staff = await pageAs(`${task.role}@demo.local`);
    await staff.goto('/inbox');
    const row = staff.locator('tr', { has: staff.locator(`a[href="/tasks/${task.id}"]`) });
    await row.waitFor();
    await row.locator(`a[href="/rmas/${rmaId}"]`).click();
    await staff.getByRole('region', { name: 'Timeline' }).waitFor();
    await expectText(staff.getByRole('region', { name: 'Timeline' }), task.title);

    // The quality-abnormality report: the generic form built from the kind's schema, with the API's message.
    const report = (await asManager<{ tasks: ApiTask[] }>(`/api/tasks?case=${rmaId}&kind=rma.quality-report`)).tasks[0];
    if (report) {
      const sales = await pageAs(`${report.role}@demo.local`);
      await sales.goto(`/tasks/${report.id}`);
      await sales.getByLabel(/^Defect quantity/).fill('0');
      await sales.getByLabel(/^Symptoms/).fill('Resets on USB plug-in; 3 of 50 units');
      await sales.getByRole('button', { name: 'Submitted', exact: true }).click();
      await expectText(sales.locator('.field.has-error'), 'Defect quantity');
      await sales.getByLabel(/^Defect quantity/).fill('3');
      await sales.getByRole('button', { name: 'Submitted', exact: true }).click();
      await expectText(sales.getByRole('status'), 'Completed: submitted');
    }
    // The on-site visit: whose fault it is, with the evidence and both signatories.
    const visit = await eventually(
      'the site-visit task',
      async () => (await asManager<{ tasks: ApiTask[] }>(`/api/tasks?case=${rmaId}&kind=rma.site-visit`)).tasks[0],
    );
    const visitor = await pageAs(`${visit.role}@demo.local`);
    await visitor.goto(`/tasks/${visit.id}`);
    await visitor.getByRole('heading', { name: 'Responsibility', level: 3 }).waitFor();
    await visitor.getByLabel('Factory (us)').check();
    await visitor
      .getByLabel('Evidence', { exact: true })
      .fill('Cold joint on the USB connector shield; reproduced on site.');
    await visitor
      .getByLabel(/^Evidence files/)
      .setInputFiles({ name: 'joint.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('fake jpeg') });
    await visitor.getByLabel('Customer signatory').fill('Zhang San');
    await visitor.getByLabel('Factory signatory').fill('Li Si');
    await shot(visitor, '14-rma-site-visit');
    await visitor.getByRole('button', { name: 'Confirmed', exact: true }).click();
    await expectText(visitor.getByRole('status'), 'Completed: confirmed');
    // Staff read the decision; the customer reads the milestone (their view names no staff and no recorded data).
    const manager = await pageAs('manager@demo.local');
    await manager.goto(`/rmas/${rmaId}`);
    await expectText(manager.getByRole('region', { name: 'Decisions' }), 'On-site confirmation: Confirmed');
    const customer = await pageAs('buyer@demo.local');
    await customer.goto(`/rmas/${rmaId}`);
    await expectText(customer.getByRole('region', { name: 'Decisions' }), 'On-site confirmation done');
    await expectText(customer.locator('dl.kv dt'), 'Stage');

    // Sales confirms what the customer claimed before money depends on it (dates left as claimed: none).
    const claims = await eventually(
      'the confirm-claims task',
      async () => (await asManager<{ tasks: ApiTask[] }>(`/api/tasks?case=${rmaId}&kind=rma.confirm-claims`)).tasks[0],
    );
    const checker = await pageAs(`${claims.role}@demo.local`);
    await checker.goto(`/tasks/${claims.id}`);
    await checker.getByLabel(/^Quantity/).fill('3');
    await checker.getByLabel(/^Checked against/).fill('Checked against the unit labels');
    await checker
      .getByRole('group', { name: 'Decision' })
      .getByRole('button', { name: 'Confirmed', exact: true })
      .click();
    await expectText(checker.getByRole('status'), 'Completed');

    // The sales manager accepts the return; the warehouse receives the units, one row per labelled unit.
    const acceptance = await eventually(
      'the return-acceptance task',
      async () =>
        (await asManager<{ tasks: ApiTask[] }>(`/api/tasks?case=${rmaId}&kind=rma.return-acceptance`)).tasks[0],
    );
    const vp = await pageAs(`${acceptance.role}@demo.local`);
    await vp.goto(`/tasks/${acceptance.id}`);
    await vp.getByLabel(/^Resolution/).selectOption('repair');
    await vp.getByRole('group', { name: 'Decision' }).getByRole('button', { name: 'Accept', exact: true }).click();
    await expectText(vp.getByRole('status'), 'Completed');
    const receive = await eventually(
      'the receive-units task',
      async () => (await asManager<{ tasks: ApiTask[] }>(`/api/tasks?case=${rmaId}&kind=rma.receive-units`)).tasks[0],
    );
    const warehouse = await pageAs(`${receive.role}@demo.local`);
    await warehouse.goto(`/tasks/${receive.id}`);
    // No JSON to type: the units are rows with labelled cells, added and removed with buttons.
    expect(await warehouse.locator('textarea').count()).toBe(0);
    await warehouse.getByLabel(/^Quantity/).fill('3');
    await warehouse.getByText('No rows yet.').waitFor();
    const addUnit = warehouse.getByRole('button', { name: 'Add a row: Units' });
    await addUnit.click();
    await addUnit.click();
    await warehouse.getByLabel('Serial number 1 (optional)').fill('UNO-0001');
    await warehouse.getByLabel('Part number 1', { exact: true }).fill('A000066');
    await warehouse.getByRole('button', { name: 'Received', exact: true }).click();
    // The empty second row is left out; the first lacks its model, and the message sits next to that cell.
    await expectText(warehouse.locator('.field.has-error'), 'Model');
    await warehouse.getByLabel('Model 1', { exact: true }).fill('UNO-R3');
    await warehouse.getByRole('button', { name: 'Remove row 2' }).click();
    expect(await warehouse.getByLabel('Serial number 2 (optional)').count()).toBe(0);
    await shot(warehouse, '14b-rma-receive-units');
    // The same rows in Chinese, and at phone width as cards without sideways scrolling.
    await warehouse.getByLabel('Language').selectOption('zh');
    await warehouse.getByRole('button', { name: /^添加一行/ }).waitFor();
    await shot(warehouse, 'zh-14b-rma-receive-units');
    await warehouse.setViewportSize({ width: 390, height: 844 });
    expect(await sidewaysOverflow(warehouse)).toBeLessThanOrEqual(0);
    await shot(warehouse, 'phone-zh-14b-rma-receive-units');
    await warehouse.setViewportSize({ width: 1280, height: 900 });
    await warehouse.getByLabel('语言').selectOption('en');
    await warehouse.getByRole('button', { name: 'Received', exact: true }).click();
    await expectText(warehouse.getByRole('status'), 'Completed: received');
  });

  it('the manager sees the dashboards: turnaround against the SLA, open tasks by role, yield, RMA aging, penalties', async () => {
    const page = await pageAs('manager@demo.local');
    await page.goto('/dashboard');
    await page.getByRole('heading', { name: 'Dashboards' }).waitFor();
    if (quoteId) {
      await page.getByRole('img', { name: 'Quote turnaround (hours) against the 24 h SLA' }).waitFor();
      await expectText(page.locator('.metric').first(), 'quotes issued within 24 h');
      await expectText(page.getByRole('region', { name: 'First-pass yield and rework' }), 'Rework rounds: 1');
    }
    // The dashboard reads eight lists at once; on a loaded machine that takes longer than one page's request.
    await page
      .getByRole('img', { name: 'Open tasks by role and age' })
      .waitFor({ timeout: 60_000 })
      .catch(async (error: Error) => {
        // Say what the section showed instead (no open tasks, or an error banner).
        const section = await page.getByRole('region', { name: 'Open tasks by role and age' }).innerText();
        throw new Error(`${error.message}\nThe section read: ${section}`);
      });
    await page.getByRole('img', { name: 'RMA aging (open cases)' }).waitFor({ timeout: 60_000 });
    await page.getByRole('region', { name: 'Penalty ledger (50 CNY per day late)' }).waitFor();
    // The customer's case page gathers its quotes, orders and returns.
    await page.getByRole('link', { name: 'Customers' }).click();
    await page
      .getByRole('link', { name: 'DEMO' })
      .or(page.getByRole('link', { name: 'Demo Electronics Co.' }))
      .first()
      .click();
    await page.getByRole('heading', { name: /Customer Demo Electronics Co\./ }).waitFor();
    await expectText(page.getByRole('region', { name: 'Quotes' }), 'Q-');
    await expectText(page.getByRole('region', { name: 'RMAs' }), 'RMA-');
    await shot(page, '17-customer');
    await page.getByRole('link', { name: 'Users' }).click();
    await expectText(page.getByRole('table'), 'buyer@demo.local');
  });

  it('the factory floor reads the inbox in Chinese', async () => {
    // Someone with open work: the role of any open task (the RMA's next step at this point).
    const open = (await asManager<{ tasks: ApiTask[] }>('/api/tasks')).tasks.find((t) => t.role !== 'customer');
    const page = await pageAs(`${open?.role ?? 'production'}@demo.local`);
    await page.goto('/inbox');
    await page.getByLabel('Language').selectOption('zh');
    await page.getByRole('heading', { name: '待办任务' }).waitFor();
    // The filter lives in the address (so it can be saved and shared); the box follows once the address changes.
    await page.getByLabel('只看逾期').click();
    await page.waitForURL(/overdue=true/);
    await page.locator('p.empty').waitFor();
    await page.getByLabel('只看逾期').click();
    await page.waitForURL((url) => !url.search.includes('overdue'));
    if (open) {
      const row = page.locator('table.inbox tbody tr').first();
      await expectText(row, open.dueAt ? '剩余' : '无截止时间');
      const zhRoles: Record<string, string> = {
        sales: '销售',
        sales_manager: '销售经理',
        engineer: '工程',
        production: '生产',
        qa: '品质',
        warehouse: '仓库',
        finance: '财务',
        manager: '经理',
        admin: '管理员',
      };
      await expectText(row, zhRoles[open.role]);
    }
    await page.getByLabel('语言').selectOption('en');
  });

  /** Pages to read, by who reads them. */
  function pagesToWalk(): { user: string; name: string; path: string }[] {
    const buyer = 'buyer@demo.local';
    const manager = 'manager@demo.local';
    const pages = [
      { user: buyer, name: 'portal', path: '/portal' },
      { user: buyer, name: 'portal-rfq', path: '/portal/rfq' },
      { user: buyer, name: 'portal-rma-new', path: '/portal/rma' },
      { user: manager, name: 'inbox', path: '/inbox' },
      { user: manager, name: 'quotes', path: '/quotes' },
      { user: manager, name: 'orders', path: '/orders' },
      { user: manager, name: 'rmas', path: '/rmas' },
      { user: manager, name: 'customers', path: '/customers' },
      { user: manager, name: 'finance', path: '/finance' },
      { user: manager, name: 'dashboard', path: '/dashboard' },
      { user: manager, name: 'admin-users', path: '/admin/users' },
    ];
    if (quoteId)
      pages.push(
        { user: buyer, name: 'portal-quote', path: `/quotes/${quoteId}` },
        { user: manager, name: 'quote', path: `/quotes/${quoteId}` },
      );
    if (orderId)
      pages.push(
        { user: buyer, name: 'portal-order', path: `/orders/${orderId}` },
        { user: manager, name: 'order', path: `/orders/${orderId}` },
      );
    if (rmaId)
      pages.push(
        { user: buyer, name: 'portal-rma', path: `/rmas/${rmaId}` },
        { user: manager, name: 'rma', path: `/rmas/${rmaId}` },
      );
    return pages;
  }

  // What people typed in the steps above and the demo data: their words are theirs, not the UI's.
  const TYPED = [
    'Demo Electronics Co.',
    'Checked the panel rails; price adjusted.',
    'Go ahead.',
    'Please quote 100 pieces.',
    'Too expensive at 100 pieces.',
    'Boards reset when the USB cable is plugged in',
    'Resets on USB plug-in; 3 of 50 units',
    'Cold joint on the USB connector shield; reproduced on site.',
    'solder bridge between pins 3 and 4',
    'Checked against the unit labels',
    'Zhang San',
    'Li Si',
    'Li Wei',
    'SF Express',
    'SAC305-6zone',
    'demo',
  ];

  async function settled(page: Page): Promise<void> {
    await page.locator('main, .banner, [role="alert"]').first().waitFor({ timeout: 60_000 });
    await page.waitForFunction(
      () => {
        const text = (globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText;
        return !text.includes('加载中') && !text.includes('Loading…');
      },
      undefined,
      { timeout: 30_000 },
    );
  }

  it('every page reads in Chinese: no English words, ISO timestamps or true / false; screenshots in both languages', async () => {
    const problems: string[] = [];
    for (const { user, name, path } of pagesToWalk()) {
      const page = await pageAs(user);
      for (const lang of ['zh', 'en'] as const) {
        await setLanguage(page, lang);
        await page.goto(path);
        await settled(page);
        await shot(page, `${lang}-${name}`);
        if (lang !== 'zh') continue;
        const text = await readableText(page);
        const english = [...new Set(englishWords(text, TYPED))];
        if (english.length) problems.push(`${path} (${user}): English words ${english.join(', ')}`);
        const iso = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.exec(text);
        if (iso) problems.push(`${path} (${user}): ISO timestamp ${iso[0]}`);
        if (/\b(true|false)\b/.test(text)) problems.push(`${path} (${user}): a raw boolean`);
        if (/[[{]\s*"/.test(text)) problems.push(`${path} (${user}): raw JSON`);
      }
      await setLanguage(page, 'en');
    }
    expect(problems).toEqual([]);
  });

  it('the portal fits a phone (390 × 844): no sideways scrolling on any page, in both languages', async () => {
    const phone = await newContext(browser, baseUrl, serveUi, 'zh-CN', { width: 390, height: 844 });
    try {
      const page = await phone.newPage();
      await page.goto('/login');
      await page.getByLabel('Email').fill('buyer@demo.local');
      await page.getByLabel('Password').fill('demo');
      await page.getByLabel('Password').press('Enter');
      await page.waitForURL('**/portal');
      const wide: string[] = [];
      for (const { name, path } of pagesToWalk().filter((p) => p.user === 'buyer@demo.local')) {
        for (const lang of ['zh', 'en'] as const) {
          await setLanguage(page, lang);
          await page.goto(path);
          await settled(page);
          const { scrollWidth, innerWidth } = await page.evaluate(() => {
            const g = globalThis as unknown as {
              document: { documentElement: { scrollWidth: number } };
              innerWidth: number;
            };
            return { scrollWidth: g.document.documentElement.scrollWidth, innerWidth: g.innerWidth };
          });
          if (scrollWidth > innerWidth)
            wide.push(`${path} (${lang}): ${scrollWidth} px wide in a ${innerWidth} px viewport`);
          await shot(page, `phone-${lang}-${name}`);
        }
      }
      expect(wide).toEqual([]);
    } finally {
      await phone.close().catch(() => undefined);
    }
  });
});
