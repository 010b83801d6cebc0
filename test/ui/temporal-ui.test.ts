/**
 * Temporal's official web UI (@temporalio/ui, built into infra/temporal-dev/ui/build) served by the embedded
 * server on its UI port, driven in Debian's chromium: the workflow list (and filtered by a visibility query), a
 * history with activities, a timer and signals in each of its views (all, compact, JSON, one event), a running
 * workflow's pending activity, its call stack (the `__stack_trace` query), a query answered from the Queries tab,
 * and the schedule pages (list, detail, and the create form). One server and one worker for the file; screenshots of each page
 * land in test/ui/screenshots with SCREENSHOTS=1.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Browser, Page } from 'playwright-core';
import { startTemporalDevServer, type TemporalDevServer } from '../../infra/temporal-dev';
import { TEMPORAL_UI_BUILD } from '../../infra/temporal-dev/src/ui-server';
import * as activities from '../../infra/temporal-dev/conformance/activities';
import { bundleConformanceWorkflows, quietSdkLogs } from '../../infra/temporal-dev/conformance/helpers';
import { browserUnavailable, launchChromium, screenshot } from './browser';

const unavailable =
  browserUnavailable() ??
  (existsSync(join(TEMPORAL_UI_BUILD, 'index.html'))
    ? null
    : `${TEMPORAL_UI_BUILD} is absent (npm run temporal-ui:build); Temporal UI tests skipped`);
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
  const ids = {
    items: `ui-items-${randomUUID()}`,
    sleeper: `ui-sleeper-${randomUUID()}`,
    pending: `ui-pending-${randomUUID()}`,
    waiting: `ui-waiting-${randomUUID()}`,
  };
  const scheduleId = `ui-schedule-${randomUUID()}`;
  const runs: Record<string, string> = {};

  beforeAll(async () => {
    quietSdkLogs();
    server = await startTemporalDevServer({ port: 0, uiPort: 0 });
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection });
    native = await NativeConnection.connect({ address: server.address });
    worker = await Worker.create({
      connection: native,
      taskQueue,
      workflowBundle: await bundleConformanceWorkflows(),
      activities,
      shutdownGraceTime: '1s',
    });
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
    const pending = await client.workflow.start('runActivity', {
      workflowId: ids.pending,
      taskQueue,
      args: ['completeFromOutside', [], { startToCloseTimeout: '1 hour' }],
    });
    await activities.activityStarted(ids.pending);
    runs.pending = pending.firstExecutionRunId;
    // A running workflow with a query handler (phase) for the Queries tab.
    const waiting = await client.workflow.start('waitForUnblock', { workflowId: ids.waiting, taskQueue });
    expect(await waiting.query<string>('phase')).toBe('waiting');
    runs.waiting = waiting.firstExecutionRunId;
    await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: '1h' }] },
      action: { type: 'startWorkflow', workflowType: 'echoWorkflow', args: ['from the schedule'], taskQueue },
      state: { paused: true, note: 'created by the UI test' },
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await client?.workflow
      .getHandle(ids.pending)
      .terminate('test over')
      .catch(() => undefined);
    await client?.workflow
      .getHandle(ids.waiting)
      .terminate('test over')
      .catch(() => undefined);
    worker?.shutdown();
    await running;
    await native?.close();
    await connection?.close();
    await server?.close();
  });

  const shot = (name: string) => screenshot(page, `temporal-ui-${name}`);
  const runPage = (key: keyof typeof ids, tab: string) =>
    `${server.uiUrl}/namespaces/default/workflows/${ids[key]}/${runs[key]}/${tab}`;

  it('serves the UI on its own port, with settings and the HTTP API under /api/v1 on the same origin', async () => {
    expect(server.uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const settings = (await (await fetch(`${server.uiUrl}/api/v1/settings`)).json()) as Record<string, unknown>;
    expect(settings).toMatchObject({
      DefaultNamespace: 'default',
      Version: expect.any(String),
      Auth: { Enabled: false },
    });
    const list = (await (
      await fetch(
        `${server.uiUrl}/api/v1/namespaces/default/workflows?query=${encodeURIComponent(`WorkflowId="${ids.items}"`)}`,
      )
    ).json()) as { executions: unknown[] };
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

  it('filters the list with a visibility query', async () => {
    const query = `WorkflowType = "collectItems" AND WorkflowId = "${ids.items}"`;
    await page.goto(`${server.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(query)}`);
    const table = page.getByRole('table');
    await table.getByRole('link', { name: ids.items }).waitFor();
    await expect(table.getByRole('link', { name: ids.pending }).count()).resolves.toBe(0);
    await expect(table.getByRole('link', { name: ids.sleeper }).count()).resolves.toBe(0);
    await shot('list-query');
  });

  it("shows a history's events: started, signals and completion", async () => {
    await page.goto(runPage('items', 'history'));
    await page.getByText('Workflow Execution Started').first().waitFor();
    await page.getByText('Workflow Execution Signaled').first().waitFor();
    await page.getByText('Workflow Execution Completed').first().waitFor();
    await shot('history-signals');
  });

  it("shows the history's compact and JSON views and one event's page", async () => {
    // The view is remembered in the origin's local storage, so this test has a context of its own.
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const views = await context.newPage();
    await views.goto(runPage('items', 'history'));
    await views.getByTestId('compact').click();
    await views
      .getByTestId('event-summary-table')
      .getByText(/Signal/)
      .first()
      .waitFor();
    await screenshot(views, 'temporal-ui-history-compact');
    await views.getByTestId('json').click();
    // The JSON view prints the events themselves, with their payloads decoded.
    await views
      .getByText(/"eventType": "WorkflowExecutionStarted"/)
      .first()
      .waitFor();
    await views
      .getByText(/"name": "collectItems"/)
      .first()
      .waitFor();
    await screenshot(views, 'temporal-ui-history-json');
    await views.goto(runPage('items', 'history/events/1'));
    await views.getByText('collectItems').first().waitFor();
    await screenshot(views, 'temporal-ui-history-event');
    await context.close();
  });

  it("shows a timer's events", async () => {
    await page.goto(runPage('sleeper', 'history'));
    await page
      .getByText(/Timer Started/)
      .first()
      .waitFor();
    await page
      .getByText(/Timer Fired/)
      .first()
      .waitFor();
    await shot('history-timer');
  });

  it("shows a running workflow's scheduled activity and its pending activity", async () => {
    await page.goto(runPage('pending', 'history'));
    await page
      .getByText(/Activity Task Scheduled/)
      .first()
      .waitFor();
    await page.goto(runPage('pending', 'pending-activities'));
    await page.getByText('completeFromOutside').first().waitFor();
    await shot('pending-activities');
  });

  it('answers the __stack_trace query on the call stack page', async () => {
    await page.goto(runPage('pending', 'call-stack'));
    // The stack names the workflow's source file; the page header alone would not.
    await page
      .getByText(/at runActivity .*activity-workflows/)
      .first()
      .waitFor();
    await shot('call-stack');
  });

  it('runs a query from the Queries tab', async () => {
    await page.goto(runPage('waiting', 'query'));
    // The query type menu (the package's Select: a button around a disabled input) offers the workflow's queries.
    await page.locator('#query-select').locator('xpath=../..').click();
    await page.getByRole('option', { name: 'phase' }).click();
    await page.getByRole('button', { name: /Run Query|Refresh/ }).click();
    await page.getByText('"waiting"').first().waitFor();
    await shot('query');
  });

  it('lists schedules and shows one', async () => {
    await page.goto(`${server.uiUrl}/namespaces/default/schedules`);
    await page.getByRole('link', { name: scheduleId }).first().waitFor();
    await shot('schedules');
    await page.getByRole('link', { name: scheduleId }).first().click();
    await page.getByText('echoWorkflow').first().waitFor();
    await page
      .getByText(/Paused/)
      .first()
      .waitFor();
    await shot('schedule');
  });

  it("creates a schedule from the UI's form", async () => {
    const created = `ui-created-${randomUUID()}`;
    await page.goto(`${server.uiUrl}/namespaces/default/schedules/create`);
    await page.getByTestId('schedule-name-input').fill(created);
    await page.getByTestId('schedule-type-input').fill('echoWorkflow');
    await page.getByTestId('schedule-workflow-id-input').fill(`${created}-run`);
    await page.getByTestId('schedule-task-queue-input').fill(taskQueue);
    await page.getByTestId('hour-interval-input').fill('2');
    await shot('schedule-create');
    await page.getByRole('button', { name: 'Create Schedule' }).click();
    await page.waitForURL(/\/schedules$/);
    const described = await client.schedule.getHandle(created).describe();
    expect(described.spec.intervals).toEqual([{ every: 2 * 60 * 60 * 1000, offset: 0 }]);
    expect(described.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'echoWorkflow',
      workflowId: `${created}-run`,
      taskQueue,
    });
    await client.schedule.getHandle(created).delete();
  });
});
