/**
 * `npm start` in embedded mode serves Temporal's web UI beside the embedded server and links case pages to it:
 * the real launcher on free ports, one quote asked for by the demo buyer (reviewed if it needs an engineer) and
 * accepted, then in chromium the quote page's "Open in Temporal UI" link opens the quote workflow's history in
 * Temporal's own UI (started, activities, timers, signals), the UI's workflow list shows the quote and order
 * workflows, and the running order's pages show its activities, its parent quote and answer the `__stack_trace` query.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { makeZip } from '../../activities/quote/test-support/make-zip';
import {
  copperGerber,
  maskGerber,
  nonPlatedDrill,
  outlineGerber,
  platedDrill,
} from '../../domain/quote/test-support/test-boards';
import { ensureUiBuilt } from '../../infra/launcher/ui-static';
import { TEMPORAL_UI_BUILD } from '../../infra/temporal-dev/src/ui-server';
import { browserUnavailable, launchChromium, launcherServesUi, newContext, screenshot } from './browser';
import { startLauncher, type LauncherProcess } from './launcher-process';
import { eventually } from '../platform/helpers';

const unavailable =
  browserUnavailable() ??
  (existsSync(join(TEMPORAL_UI_BUILD, 'index.html'))
    ? null
    : `${TEMPORAL_UI_BUILD} is absent (npm run temporal-ui:build); Temporal UI tests skipped`);
if (unavailable) console.warn(unavailable);
const describeBrowser = unavailable ? describe.skip : describe;

jest.setTimeout(400_000);

const board = () =>
  makeZip([
    { name: 'board-Edge_Cuts.gbr', data: outlineGerber(50, 30) },
    { name: 'board-F_Cu.gbr', data: copperGerber('Top') },
    { name: 'board-B_Cu.gbr', data: copperGerber('Bot') },
    { name: 'board-F_Mask.gbr', data: maskGerber('Top') },
    { name: 'board-B_Mask.gbr', data: maskGerber('Bot') },
    { name: 'board-PTH.drl', data: platedDrill() },
    { name: 'board-NPTH.drl', data: nonPlatedDrill() },
  ]);

describeBrowser('npm start serves Temporal UI and case pages link to it (chromium)', () => {
  let launcher: LauncherProcess;
  let browser: Browser;
  let temporalUi: string;
  let quoteId: string;
  let orderWorkflowId: string;
  let orderRunId: string;

  async function login(email: string): Promise<string> {
    const res = await fetch(`${launcher.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'demo' }),
    });
    return ((await res.json()) as { token: string }).token;
  }

  async function call(
    token: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${launcher.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  beforeAll(async () => {
    await ensureUiBuilt();
    launcher = await startLauncher();
    const printed = /Temporal UI\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(launcher.output());
    if (!printed) throw new Error(`the banner names no Temporal UI:\n${launcher.output()}`);
    temporalUi = printed[1];
    const form = new FormData();
    form.append('quantity', '20');
    form.append('options', '{"sourcing":"consigned"}');
    form.append('gerber', new Blob([board()]), 'board.zip');
    const created = await fetch(`${launcher.url}/api/quotes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await login('buyer@demo.local')}` },
      body: form,
    });
    if (created.status !== 201) throw new Error(`quote not created: ${created.status} ${await created.text()}`);
    quoteId = ((await created.json()) as { id: string }).id;
    // Through to an order: an engineer's review when the quote asks for one, then the buyer accepts (task signals).
    const buyer = await login('buyer@demo.local');
    const status = await eventually(
      async () => {
        const s = (await call(buyer, 'GET', `/api/quotes/${quoteId}`)).body.status as string;
        expect(['awaiting_customer', 'engineering_review']).toContain(s);
        return s;
      },
      120_000,
      250,
    );
    if (status === 'engineering_review') {
      expect(
        (
          await call(await login('engineer@demo.local'), 'POST', `/api/quotes/${quoteId}/review`, {
            decision: 'approve',
          })
        ).status,
      ).toBe(200);
      await eventually(
        async () => expect((await call(buyer, 'GET', `/api/quotes/${quoteId}`)).body.status).toBe('awaiting_customer'),
        120_000,
        250,
      );
    }
    expect((await call(buyer, 'POST', `/api/quotes/${quoteId}/decision`, { decision: 'accept' })).status).toBe(200);
    // The accepted quote starts the order workflow (a child); its run is found through the UI's own HTTP API.
    [orderWorkflowId, orderRunId] = await eventually(
      async () => {
        const list = await fetch(
          `${temporalUi}/api/v1/namespaces/default/workflows?query=${encodeURIComponent('WorkflowType = "orderWorkflow"')}`,
        );
        const executions =
          ((await list.json()) as { executions?: Array<{ execution: { workflowId: string; runId: string } }> })
            .executions ?? [];
        expect(executions).toHaveLength(1);
        return [executions[0].execution.workflowId, executions[0].execution.runId];
      },
      120_000,
      250,
    );
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await launcher?.stop();
  });

  it("the quote page's Temporal UI link opens the quote workflow's history in Temporal's UI", async () => {
    const serveUi = !(await launcherServesUi(launcher.url));
    const context = await newContext(browser, launcher.url, serveUi);
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByLabel('Email').fill('manager@demo.local');
    await page.getByLabel('Password').fill('demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.goto(`/quotes/${quoteId}`);
    const link = page.getByRole('region', { name: 'Timeline' }).getByRole('link', { name: /Open in Temporal UI/ });
    const href = (await link.getAttribute('href')) as string;
    expect(href).toContain(`${temporalUi}/namespaces/default/workflows/quote%3A${quoteId}/`);
    const ui = await context.newPage();
    await ui.goto(href);
    await ui.getByText(`quote:${quoteId}`).first().waitFor();
    await ui.getByText('Workflow Execution Started').first().waitFor();
    await ui
      .getByText(/Activity Task Scheduled|Activity Task Completed/)
      .first()
      .waitFor();
    await ui
      .getByText(/Timer Started/)
      .first()
      .waitFor();
    await ui.getByText('Workflow Execution Signaled').first().waitFor();
    await screenshot(ui, 'temporal-ui-quote-history');
    await context.close();
  });

  it("Temporal UI's workflow list shows the quote workflow", async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${temporalUi}/namespaces/default/workflows`);
    await page
      .getByRole('table')
      .getByRole('link', { name: `quote:${quoteId}` })
      .waitFor();
    await page.getByRole('table').getByText('quoteWorkflow').first().waitFor();
    await page.getByRole('table').getByRole('link', { name: orderWorkflowId }).waitFor();
    await page.close();
  });

  it("the running order's pages show its activities and answer the __stack_trace query", async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const run = `${temporalUi}/namespaces/default/workflows/${encodeURIComponent(orderWorkflowId)}/${orderRunId}`;
    await page.goto(`${run}/history`);
    await page.getByText(orderWorkflowId).first().waitFor();
    // Its first steps are activities (the order record, the contract, the signature task), then it waits.
    for (const activity of ['orderRecord', 'orderIssueContract', 'openTask'])
      await page.getByText(activity).first().waitFor();
    await screenshot(page, 'temporal-ui-order-history');
    await page.goto(`${run}/pending-activities`);
    // Its activities finish as soon as they run; the tab answers with the one in flight or with none.
    await page
      .getByText(/No Pending Activities|Activity ID/)
      .first()
      .waitFor();
    // The Relationships tab draws the family: the quote workflow that started the order.
    await page.goto(`${run}/relationships`);
    await page
      .getByRole('link', { name: `quote:${quoteId}` })
      .first()
      .waitFor();
    await page.goto(`${run}/call-stack`);
    // The order waits for a person (the customer's signature): its stack names the order workflow's source.
    await page
      .getByText(/order-workflow|human-waits/)
      .first()
      .waitFor();
    await screenshot(page, 'temporal-ui-order-call-stack');
    await page.close();
  });
});
