/**
 * Temporal's official web UI (@temporalio/ui, built into infra/temporal-dev/ui/build) served by the embedded
 * server on its UI port, driven in Debian's chromium: the workflow list, a history with activities, a timer and
 * signals, a running workflow's pending activity, and its call stack (the `__stack_trace` query). One server and
 * one worker for the file; screenshots of each page land in test/ui/screenshots.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Browser, Page } from 'playwright-core';
import { startTemporalDevServer, type TemporalDevServer } from '../../infra/temporal-dev';
import { TEMPORAL_UI_BUILD } from '../../infra/temporal-dev/src/ui-server';
import * as activities from '../../infra/temporal-dev/conformance/activities';
import { bundleConformanceWorkflows, quietSdkLogs } from '../../infra/temporal-dev/conformance/helpers';
import { browserUnavailable, launchChromium } from './browser';

const SHOTS = join(__dirname, 'screenshots');
const unavailable = browserUnavailable() ?? (existsSync(join(TEMPORAL_UI_BUILD, 'index.html')) ? null : `${TEMPORAL_UI_BUILD} is absent (npm run temporal-ui:build); Temporal UI tests skipped`);
if (unavailable) console.warn(unavailable);
const describeBrowser = unavailable ? describe.skip : describe;

jest.setTimeout(180_000);

describeBrowser("Temporal's web UI on the embedded server (chromium)", () => {
  let server: TemporalDevServer;
  let connection: Connection;
  let native: NativeConnection;
  let client: Client;
  let worker: Worker;
  let running: Promise<void>;
  let browser: Browser;
  let page: Page;
  const taskQueue = `temporal-ui-${randomUUID()}`;
  const ids = { items: `ui-items-${randomUUID()}`, sleeper: `ui-sleeper-${randomUUID()}`, pending: `ui-pending-${randomUUID()}` };
  const runs: Record<string, string> = {};

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    quietSdkLogs();
    server = await startTemporalDevServer({ port: 0, uiPort: 0 });
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection });
    native = await NativeConnection.connect({ address: server.address });
    worker = await Worker.create({ connection: native, taskQueue, workflowBundle: await bundleConformanceWorkflows(), activities, shutdownGraceTime: '1s' });
    running = worker.run();
    // Signals and activities: collectItems gets two signals and finishes; sequentialActivities runs two activities.
    const items = await client.workflow.start('collectItems', { workflowId: ids.items, taskQueue, args: [2] });
    await items.signal('item', 1);
    await items.signal('item', 2);
    await items.result();
    runs.items = items.firstExecutionRunId;
    const sleeper = await client.workflow.start('sleeper', { workflowId: ids.sleeper, taskQueue, args: [10] });
    await sleeper.result();
    runs.sleeper = sleeper.firstExecutionRunId;
    // A running workflow whose activity stays pending until completed by id (async completion).
    const pending = await client.workflow.start('runActivity', { workflowId: ids.pending, taskQueue, args: ['completeFromOutside', [], { startToCloseTimeout: '1 hour' }] });
    await activities.activityStarted(ids.pending);
    runs.pending = pending.firstExecutionRunId;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await client?.workflow.getHandle(ids.pending).terminate('test over').catch(() => undefined);
    worker?.shutdown();
    await running;
    await native?.close();
    await connection?.close();
    await server?.close();
  });

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `temporal-ui-${name}.png`), fullPage: true });
  const runPage = (key: keyof typeof ids, tab: string) => `${server.uiUrl}/namespaces/default/workflows/${ids[key]}/${runs[key]}/${tab}`;

  it('serves the UI on its own port, with settings and the HTTP API under /api/v1 on the same origin', async () => {
    expect(server.uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const settings = (await (await fetch(`${server.uiUrl}/api/v1/settings`)).json()) as Record<string, unknown>;
    expect(settings).toMatchObject({ DefaultNamespace: 'default', Version: expect.any(String), Auth: { Enabled: false } });
    const list = (await (await fetch(`${server.uiUrl}/api/v1/namespaces/default/workflows?query=${encodeURIComponent(`WorkflowId="${ids.items}"`)}`)).json()) as { executions: unknown[] };
    expect(list.executions).toHaveLength(1);
    const cluster = (await (await fetch(`${server.uiUrl}/api/v1/cluster-info`)).json()) as Record<string, unknown>;
    expect(cluster.serverVersion).toEqual(expect.any(String));
    const html = await (await fetch(`${server.uiUrl}/namespaces/default/workflows`)).text();
    expect(html).toContain('/_app/immutable/');
  });

  it('lists the workflows with their types', async () => {
    await page.goto(`${server.uiUrl}/namespaces/default/workflows`);
    const table = page.getByRole('table');
    for (const id of Object.values(ids)) await table.getByRole('link', { name: id }).waitFor();
    await table.getByText('collectItems').first().waitFor();
    await table.getByText('runActivity').first().waitFor();
    await shot('list');
  });

  it("shows a history's events: started, signals and completion", async () => {
    await page.goto(runPage('items', 'history'));
    await page.getByText('Workflow Execution Started').first().waitFor();
    await page.getByText('Workflow Execution Signaled').first().waitFor();
    await page.getByText('Workflow Execution Completed').first().waitFor();
    await shot('history-signals');
  });

  it("shows a timer's events", async () => {
    await page.goto(runPage('sleeper', 'history'));
    await page.getByText(/Timer Started/).first().waitFor();
    await page.getByText(/Timer Fired/).first().waitFor();
    await shot('history-timer');
  });

  it("shows a running workflow's scheduled activity and its pending activity", async () => {
    await page.goto(runPage('pending', 'history'));
    await page.getByText(/Activity Task Scheduled/).first().waitFor();
    await page.goto(runPage('pending', 'pending-activities'));
    await page.getByText('completeFromOutside').first().waitFor();
    await shot('pending-activities');
  });

  it('answers the __stack_trace query on the call stack page', async () => {
    await page.goto(runPage('pending', 'call-stack'));
    // The stack names the workflow's source file; the page header alone would not.
    await page.getByText(/activity-workflows/).first().waitFor();
    await shot('call-stack');
  });
});
