/**
 * Flows the browser path does not walk, clicked in Chromium in both languages and at phone width (390 × 844):
 * a cancelled order's refund (finance proposes it in yuan, the manager approves it, finance records the payout on
 * the task page and the order reads it as paid), the factory audit's actions on the customer page (sales moves an
 * agreed visit; after a failed audit the sales manager asks for a re-audit, from 30 days after the failure), and
 * the dashboard while its lists are still on their way or fail. One platform in this process (every service and
 * worker, PGlite, the embedded Temporal server with time skipping); the set-up goes through the HTTP API.
 * Screenshots with SCREENSHOTS=1 as in the browser path (one name per page, language and width).
 */
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { ensureUiBuilt } from '../../infra/launcher/ui-static';
import { customersRepo } from '../../infra/db';
import { DEMO_CUSTOMER } from '../../infra/db/seed';
import { ORDER_TASK_QUEUE } from '../../domain/order/contract';
import { ORDER_TASK_KIND_NAMES as K } from '../../domain/order/task-kind-names';
import { eventually } from '../eventually';
import { startTestPlatform, type TestPlatform } from '../platform/helpers';
import { startAcceptedOrder } from '../order-flow/start-order';
import { daysFromToday } from '../dates';
import { formatDate } from '../../ui/src/lib/format';
import {
  browserUnavailable,
  englishWords,
  expectText,
  launchChromium,
  launcherServesUi,
  newContext,
  readableText,
  screenshot,
  setLanguage,
  sidewaysOverflow,
} from './browser';

const unavailable = browserUnavailable();
if (unavailable) console.warn(unavailable);
const describeBrowser = unavailable ? describe.skip : describe;

jest.setTimeout(180_000);

const PHONE = { width: 390, height: 844 };
// What people type in this walk, and the names of its records: their words are theirs, not the UI's.
const TYPED = ['Audit Walk Ltd', 'their QA lead is travelling', 'ESD floor installed', 'Ann', 'CNY'];
const DESKTOP = { width: 1280, height: 900 };

interface ApiTask {
  id: string;
  kind: string;
  step: string;
  status: string;
}

describeBrowser('finance and the factory audit in the browser (chromium)', () => {
  let running: TestPlatform;
  let baseUrl: string;
  let serveUi: boolean;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  /** The API as `who` (a demo user's local part). */
  async function call(who: string, method: string, path: string, body?: unknown) {
    return running.api.call(method, path, { token: running.tokens[who], body });
  }

  /** The one open task of `kind` on a case, once its workflow opened it. */
  async function openTask(caseId: string, kind: string): Promise<ApiTask> {
    return eventually(async () => {
      const r = await call('manager', 'GET', `/api/tasks?case=${caseId}&kind=${kind}`);
      const open = (r.body.tasks as ApiTask[]).filter((t) => t.status === 'open');
      if (open.length !== 1) throw new Error(`${open.length} open ${kind} tasks on ${caseId}`);
      return open[0];
    }, 30_000);
  }

  /** A page signed in as a demo user (through the API, the session cookie in the browser), in `lang`. */
  async function pageAs(email: string, lang: 'en' | 'zh', viewport = DESKTOP): Promise<Page> {
    const context = await newContext(browser, baseUrl, serveUi, lang === 'zh' ? 'zh-CN' : 'en-GB', viewport);
    contexts.push(context);
    const login = await context.request.post('/api/auth/login', { data: { email, password: 'demo' } });
    expect(login.status()).toBe(200);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.warn(`[${email}] page error: ${e.message}`));
    await page.goto('/login');
    await setLanguage(page, lang);
    return page;
  }

  /**
   * What a reader must never see: ISO timestamps or dates, true / false, raw JSON, snake_case or dotted codes, ids,
   * minor units; and on a page in Chinese, English words other than what people typed.
   */
  async function rawValues(page: Page): Promise<string[]> {
    const text = await readableText(page);
    const plain = text.replace(/[\w.+-]+@[\w.-]+\.[a-z]{2,}/g, ' ');
    const found = [
      /\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?/.exec(plain)?.[0],
      /\b(true|false|null|undefined|NaN)\b/.exec(plain)?.[0],
      /[[{]\s*"/.exec(plain)?.[0],
      /\b[a-z]+(?:_[a-z]+)+\b/.exec(plain)?.[0],
      /\b[a-z]+\.[a-z]+(?:-[a-z]+)*\b/.exec(plain)?.[0],
      /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}/.exec(plain)?.[0],
      /\bminor units?\b/i.exec(plain)?.[0],
    ].filter((f): f is string => !!f);
    if ((await page.getAttribute('html', 'lang')) === 'zh-CN') found.push(...new Set(englishWords(text, TYPED)));
    // Each with where it stands, to find it on the page.
    return found.map((f) => {
      const at = text.indexOf(f);
      return `${f} in “${text.slice(Math.max(0, at - 30), at + f.length + 30).replace(/\s+/g, ' ')}”`;
    });
  }

  /** A step's screenshot: `<name>` in English, `zh-<name>` in Chinese, `phone-…` at 390 px (as the browser path names them). */
  const shot = (page: Page, name: string, lang: 'en' | 'zh' = 'en', viewport = DESKTOP) =>
    screenshot(page, `${viewport === PHONE ? 'phone-' : ''}${lang === 'zh' ? 'zh-' : ''}${name}`);

  beforeAll(async () => {
    await ensureUiBuilt();
    running = await startTestPlatform({
      dataDirPrefix: 'smt-ui-finance-',
      logins: ['buyer', 'sales', 'sales_manager', 'finance', 'manager'].map((who) => `${who}@demo.local`),
    });
    baseUrl = running.platform.url;
    serveUi = !(await launcherServesUi(baseUrl));
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await running?.stop();
  });

  it("a cancelled order's refund: proposed in yuan, approved by someone else, its payout recorded on the task page; read as paid", async () => {
    // Set-up through the API: an accepted order, signed, its deposit paid, then cancelled by the sales manager.
    const customer = (await customersRepo.findCustomerByCode(running.t.db, DEMO_CUSTOMER.code))!;
    const { orderId } = await startAcceptedOrder(running.t.db, running.env.client, {
      customerId: customer.id,
      taskQueue: ORDER_TASK_QUEUE,
      totalFen: 100_000,
    });
    const base = `/api/orders/${orderId}`;
    for (const [kind, who, decision] of [
      [K.contractSignature, 'buyer', 'sign'],
      [K.contractApproval, 'sales_manager', 'approve'],
    ] as const) {
      const task = await openTask(orderId, kind);
      expect((await call(who, 'POST', `/api/tasks/${task.id}/complete`, { decision, data: {} })).status).toBe(200);
    }
    await eventually(async () => {
      const r = await call('finance', 'POST', `${base}/payments`, {
        amountFen: 30_000,
        currency: 'CNY',
        reference: 'DEP-1',
      });
      expect(r.status).toBe(202);
    }, 30_000);
    // Paid, the order moves on to its materials (kitting); cancelled there, the deposit is refunded.
    await eventually(async () => expect((await call('manager', 'GET', base)).body.workflow.stage).toBe('kitting'));
    expect((await call('sales_manager', 'POST', `${base}/cancel`, { reason: 'project stopped' })).status).toBe(202);

    // Finance works the refund out on the task page: what was retained is typed in yuan, not in fen.
    const finance = await pageAs('finance@demo.local', 'en');
    const proposal = await openTask(orderId, K.refund);
    await finance.goto(`/tasks/${proposal.id}`);
    await finance.getByRole('heading', { name: 'Work out the refund of the cancelled order (¥300.00 paid)' }).waitFor();
    await finance.getByLabel(/^Parts already bought/).fill('50');
    await finance.getByLabel(/^Tooling already made/).fill('0');
    await expectText(finance.locator('.field .hint'), '¥50.00');
    expect(await rawValues(finance)).toEqual([]);
    await shot(finance, '18a-refund-proposal');
    await finance.getByRole('button', { name: 'Propose', exact: true }).click();
    await expectText(finance.getByRole('status'), 'Completed: Propose');

    // Four eyes: the preparer is turned away with the reason; the manager approves.
    const approval = await openTask(orderId, K.moneyApproval);
    await finance.goto(`/tasks/${approval.id}`);
    await expectText(finance.locator('dl.kv'), '¥250.00');
    expect(await rawValues(finance)).toEqual([]);
    await finance.getByRole('button', { name: 'Approve', exact: true }).click();
    await expectText(finance.getByRole('alert'), 'someone other than the person who asked for it');
    const manager = await pageAs('manager@demo.local', 'zh');
    await manager.goto(`/tasks/${approval.id}`);
    await manager.getByRole('heading', { name: '复核退款 250.00 元（四眼原则：制单人以外的人审批）' }).waitFor();
    await expectText(manager.locator('dl.kv'), '250.00 元');
    expect(await rawValues(manager)).toEqual([]);
    await manager.getByRole('button', { name: '批准', exact: true }).click();
    await expectText(manager.getByRole('status'), '已完成');

    // The payout: the day the bank paid (today by default, never in the future) and the bank's reference.
    const payout = await openTask(orderId, K.refundPayout);
    await finance.goto(`/tasks/${payout.id}`);
    await finance.getByRole('heading', { name: 'Pay out the approved refund of ¥250.00 and record it' }).waitFor();
    const paidOn = finance.getByLabel(/^Paid out on/);
    expect(await paidOn.inputValue()).toBe(daysFromToday(0));
    const tomorrow = daysFromToday(1);
    await paidOn.fill(tomorrow);
    await finance.getByLabel(/^Bank reference/).fill('BOC-20261130-7781');
    await finance.getByRole('button', { name: 'Paid', exact: true }).click();
    // The API's 400 names the field: its message stands under the date, the day written as the page writes days.
    const dateError = finance.locator('.field.has-error', { has: finance.getByLabel(/^Paid out on/) });
    await expectText(dateError.locator('.field-error'), 'must be today');
    expect(await dateError.locator('.field-error').textContent()).toBe(
      `must be today (${formatDate(daysFromToday(0), 'en')}) or earlier`,
    );
    expect(await rawValues(finance)).toEqual([]);
    await shot(finance, '18-refund-payout');

    // The same form and refusal in Chinese, and at phone width without sideways scrolling.
    const financeZh = await pageAs('finance@demo.local', 'zh', PHONE);
    await financeZh.goto(`/tasks/${payout.id}`);
    await financeZh
      .getByRole('heading', { name: '支付已批准的退款 250.00 元 并登记（支付日期、银行流水号）' })
      .waitFor();
    await financeZh.getByLabel(/^退款支付日期/).fill(tomorrow);
    await financeZh.getByLabel(/^银行流水号/).fill('BOC-20261130-7781');
    await financeZh.getByRole('button', { name: '已付款', exact: true }).click();
    await expectText(financeZh.locator('.field.has-error .field-error'), '今天');
    expect(await financeZh.locator('.field.has-error .field-error').textContent()).toBe(
      `不能晚于今天（${formatDate(daysFromToday(0), 'zh')}）`,
    );
    expect(await sidewaysOverflow(financeZh)).toBeLessThanOrEqual(0);
    expect(await rawValues(financeZh)).toEqual([]);
    await shot(financeZh, '18-refund-payout', 'zh', PHONE);
    await financeZh.setViewportSize(DESKTOP);
    await shot(financeZh, '18-refund-payout', 'zh');
    // Corrected to yesterday, the payout completes the task.
    await financeZh.getByLabel(/^退款支付日期/).fill(daysFromToday(-1));
    await financeZh.getByRole('button', { name: '已付款', exact: true }).click();
    await expectText(financeZh.getByRole('status'), '已完成');

    // The order reads the refund as paid, in yuan, on the factory's day, for staff and for the customer. The page
    // reads the order once: open it after the workflow has taken in the completed task (a signal, a moment later).
    await eventually(async () => {
      const r = await call('finance', 'GET', `/api/orders/${orderId}`);
      expect(r.body.workflow?.refund?.status).toBe('paid');
    }, 30_000);
    const en = formatDate(daysFromToday(-1), 'en');
    const zh = formatDate(daysFromToday(-1), 'zh');
    await finance.goto(`/orders/${orderId}`);
    await expectText(finance.locator('main'), `Refund of ¥250.00 paid on ${en}`, 30_000);
    expect(await rawValues(finance)).toEqual([]);
    await financeZh.goto(`/orders/${orderId}`);
    await expectText(financeZh.locator('main'), `退款 250.00 元 已于 ${zh} 支付`, 30_000);
    expect(await rawValues(financeZh)).toEqual([]);
    const buyer = await pageAs('buyer@demo.local', 'zh', PHONE);
    await buyer.goto(`/orders/${orderId}`);
    await expectText(buyer.locator('main'), `退款 250.00 元 已于 ${zh} 支付`, 30_000);
    expect(await sidewaysOverflow(buyer)).toBeLessThanOrEqual(0);
    expect(await rawValues(buyer)).toEqual([]);
    // Cancelled before it shipped: no shipment "awaiting release" is promised.
    expect(await buyer.getByRole('region', { name: '物流跟踪' }).count()).toBe(0);
    await shot(buyer, '18b-order-refund-paid', 'zh', PHONE);
  });

  it('sales moves an agreed audit visit on the customer page; after a failed audit the sales manager asks for a re-audit from day 30', async () => {
    const registered = await call('sales', 'POST', '/api/customers', {
      code: 'AUDIT-UI',
      name: 'Audit Walk Ltd',
      auditRequired: true,
      contact: { name: 'Ann', email: 'ann@audit-walk.test' },
    });
    expect(registered.status).toBe(201);
    const id = registered.body.id as string;
    await openTask(id, 'customer.audit-visit');
    expect(
      (await call('sales', 'POST', `/api/customers/${id}/audit/visit`, { visitOn: daysFromToday(2) })).status,
    ).toBe(200);
    await openTask(id, 'customer.audit-result');

    // Sales moves the visit: a day in the past is refused next to the date, a good day is taken and shown.
    for (const [lang, viewport] of [
      ['en', DESKTOP],
      ['zh', PHONE],
    ] as const) {
      const sales = await pageAs('sales@demo.local', lang, viewport);
      await sales.goto(`/customers/${id}`);
      const form = sales.getByRole('form', { name: lang === 'en' ? 'Move the audit visit' : '验厂改期' });
      await form.waitFor();
      await form.getByLabel(lang === 'en' ? /^New visit date/ : /^新的验厂日期/).fill(daysFromToday(-1));
      await form.getByLabel(lang === 'en' ? /^Reason/ : /^原因/).fill('their QA lead is travelling');
      await form.locator('button[type=submit]').click();
      await expectText(form.locator('.field.has-error .field-error'), lang === 'en' ? 'must be today' : '今天');
      expect(await form.locator('.field.has-error .field-error').textContent()).toBe(
        lang === 'en'
          ? `must be today (${formatDate(daysFromToday(0), 'en')}) or later`
          : `不能早于今天（${formatDate(daysFromToday(0), 'zh')}）`,
      );
      expect(await rawValues(sales)).toEqual([]);
      expect(await sidewaysOverflow(sales)).toBeLessThanOrEqual(0);
      await shot(sales, '19-audit-visit-move', lang, viewport);
      const moved = daysFromToday(lang === 'en' ? 5 : 6);
      await form.getByLabel(lang === 'en' ? /^New visit date/ : /^新的验厂日期/).fill(moved);
      await form.locator('button[type=submit]').click();
      await form.getByRole('status').waitFor();
      await eventually(async () =>
        expect((await call('sales', 'GET', `/api/customers/${id}`)).body.onboarding.visitOn).toBe(moved),
      );
      // The moved visit's result is recorded on a task of its own, open once the workflow took the move.
      await openTask(id, 'customer.audit-result');
      expect(await rawValues(sales)).toEqual([]);
    }

    // The visit fails. Before 30 days the sales manager reads from when a re-audit may be asked; no form yet.
    expect((await call('sales', 'POST', `/api/customers/${id}/audit/result`, { result: 'fail' })).status).toBe(200);
    const from = await eventually(async () => {
      const r = await call('sales', 'GET', `/api/customers/${id}`);
      expect(r.body.onboarding.reauditFrom).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      return r.body.onboarding.reauditFrom as string;
    });
    const manager = await pageAs('sales_manager@demo.local', 'en');
    await manager.goto(`/customers/${id}`);
    await expectText(manager.locator('main'), `A re-audit may be requested from ${formatDate(from, 'en')}`);
    expect(await manager.getByRole('form', { name: 'Request a re-audit' }).count()).toBe(0);
    expect(await rawValues(manager)).toEqual([]);

    // Thirty days on, the form: a blank reason is refused next to the field, a reason starts the next round.
    await running.env.sleep('30d');
    await openTask(id, 'customer.reaudit');
    for (const [lang, viewport] of [
      ['zh', PHONE],
      ['en', DESKTOP],
    ] as const) {
      const page = lang === 'en' ? manager : await pageAs('sales_manager@demo.local', lang, viewport);
      await page.goto(`/customers/${id}`);
      const form = page.getByRole('form', { name: lang === 'en' ? 'Request a re-audit' : '申请重新验厂' });
      await form.waitFor();
      await form.getByLabel(lang === 'en' ? /^What was fixed/ : /^验厂未通过后已整改/).fill('   ');
      await form.locator('button[type=submit]').click();
      await expectText(form.locator('.field.has-error .field-error'), lang === 'en' ? 'must not be empty' : '不能为空');
      expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
      expect(await rawValues(page)).toEqual([]);
      await shot(page, '20-reaudit-request', lang, viewport);
    }
    await manager
      .getByRole('form', { name: 'Request a re-audit' })
      .getByLabel(/^What was fixed/)
      .fill('ESD floor installed');
    await manager.getByRole('form', { name: 'Request a re-audit' }).locator('button[type=submit]').click();
    // The form goes (the audit starts again) and the word that the request went stays, in the one audit section.
    const audit = manager.getByRole('region', { name: 'Factory audit and corrective actions' });
    await expectText(audit.getByRole('status'), 'Re-audit requested: sales now agrees a new visit date.');
    await manager.getByRole('form', { name: 'Request a re-audit' }).waitFor({ state: 'detached' });
    expect(await audit.getByRole('status').count()).toBe(1);
    expect(await manager.getByRole('region', { name: 'Factory audit and corrective actions' }).count()).toBe(1);
    await eventually(async () =>
      expect((await call('sales', 'GET', `/api/customers/${id}`)).body.onboarding).toMatchObject({
        status: 'registered',
        auditRound: 2,
      }),
    );
  });

  it('the dashboard says "Loading…" per section until its list arrives, "no data" only when it is empty, and the error of a failed list', async () => {
    const page = await pageAs('manager@demo.local', 'en');
    // The open tasks are held until the test lets them through; the RMA list fails.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const openTasks = (url: URL) =>
      url.pathname === '/api/tasks' && url.searchParams.get('status') === 'open' && !url.searchParams.has('kind');
    await page.route(openTasks, async (route: Route) => {
      await held;
      await route.continue();
    });
    await page.route('**/api/rmas?*', (route: Route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'unavailable', message: 'the RMA list is unavailable' } }),
      }),
    );
    await page.goto('/dashboard');
    const tasks = page.getByRole('region', { name: 'Open tasks by role and age' });
    await expectText(tasks, 'Loading…');
    // The other sections have arrived meanwhile; this one still says it is loading, not that there is nothing.
    await page
      .getByRole('region', { name: /^Penalty ledger/ })
      .getByText('Total')
      .waitFor();
    expect(await tasks.getAttribute('aria-busy')).toBe('true');
    expect(await tasks.innerText()).not.toContain('No data');
    const rmas = page.getByRole('region', { name: 'RMA aging (open cases)' });
    await expectText(rmas.getByRole('alert'), 'the RMA list is unavailable');
    expect(await rmas.innerText()).not.toMatch(/No data|Loading/);
    expect(await rmas.getAttribute('aria-busy')).toBeNull();
    // Quotes: none were issued in this run, which is said only once the lists are in.
    await expectText(page.getByRole('region', { name: /^Quote turnaround/ }), 'No data yet.');
    release();
    await tasks.getByRole('img', { name: 'Open tasks by role and age' }).waitFor();
    expect(await tasks.getAttribute('aria-busy')).toBeNull();
    // In Chinese, the held section reads 加载中… with the same busy state.
    const zh = await pageAs('manager@demo.local', 'zh');
    let releaseZh: () => void = () => undefined;
    const heldZh = new Promise<void>((resolve) => (releaseZh = resolve));
    await zh.route(openTasks, async (route: Route) => {
      await heldZh;
      await route.continue();
    });
    await zh.goto('/dashboard');
    const tasksZh = zh.getByRole('region', { name: '按角色和时长的待办任务' });
    await expectText(tasksZh, '加载中…');
    expect(await tasksZh.getAttribute('aria-busy')).toBe('true');
    releaseZh();
    await tasksZh.getByRole('img').waitFor();
  });
});
