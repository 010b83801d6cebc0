/**
 * `npm start` in embedded mode serves Temporal's web UI beside the embedded server and links case pages to it:
 * the real launcher on free ports, one quote asked for by the demo buyer, then in chromium the quote page's
 * "Open in Temporal UI" link opens the quote workflow's history in Temporal's own UI, and the UI's workflow list
 * shows the quote workflow.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { makeZip } from '../../activities/quote/test-support/make-zip';
import { copperGerber, maskGerber, nonPlatedDrill, outlineGerber, platedDrill } from '../../domain/quote/test-support/test-boards';
import { ensureUiBuilt } from '../../infra/launcher/ui-static';
import { TEMPORAL_UI_BUILD } from '../../infra/temporal-dev/src/ui-server';
import { browserUnavailable, launchChromium, launcherServesUi, newContext } from './browser';
import { startLauncher, type LauncherProcess } from './launcher-process';

const SHOTS = join(__dirname, 'screenshots');
const unavailable = browserUnavailable() ?? (existsSync(join(TEMPORAL_UI_BUILD, 'index.html')) ? null : `${TEMPORAL_UI_BUILD} is absent (npm run temporal-ui:build); Temporal UI tests skipped`);
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

  async function login(email: string): Promise<string> {
    const res = await fetch(`${launcher.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'demo' }) });
    return ((await res.json()) as { token: string }).token;
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await ensureUiBuilt();
    launcher = await startLauncher();
    const printed = /Temporal UI\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(launcher.output());
    if (!printed) throw new Error(`the banner names no Temporal UI:\n${launcher.output()}`);
    temporalUi = printed[1];
    const form = new FormData();
    form.append('quantity', '20');
    form.append('options', '{"sourcing":"consigned"}');
    form.append('gerber', new Blob([board()]), 'board.zip');
    const created = await fetch(`${launcher.url}/api/quotes`, { method: 'POST', headers: { authorization: `Bearer ${await login('buyer@demo.local')}` }, body: form });
    if (created.status !== 201) throw new Error(`quote not created: ${created.status} ${await created.text()}`);
    quoteId = ((await created.json()) as { id: string }).id;
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
    await ui.getByText(/Activity Task Scheduled|Activity Task Completed/).first().waitFor();
    await ui.screenshot({ path: join(SHOTS, 'temporal-ui-quote-history.png'), fullPage: true });
    await context.close();
  });

  it("Temporal UI's workflow list shows the quote workflow", async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${temporalUi}/namespaces/default/workflows`);
    await page.getByRole('table').getByRole('link', { name: `quote:${quoteId}` }).waitFor();
    await page.getByRole('table').getByText('quoteWorkflow').first().waitFor();
    await page.close();
  });
});
