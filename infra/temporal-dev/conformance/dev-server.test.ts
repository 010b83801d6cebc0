// Conformance: the embedded server launched the way @temporalio/testing launches the Temporal CLI dev server
// (createLocal with an `existing-path` executable: `server start-dev --port P --namespace NS ...`). Time runs
// at wall pace here. With TEMPORAL_ADDRESS set, the same tests run against that server instead.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { TEMPORAL_DEV_BIN, usingEmbeddedServer } from '../../temporal/test-env';
import {
  bundleConformanceWorkflows,
  quietSdkLogs,
  historyEventTypes,
  startConformanceWorker,
  uniqueWorkflowId,
  withoutWorkflowTaskEvents,
  type RunningWorker,
} from './helpers';
import { phaseQuery, sequentialActivities, sleeper, unblockSignal, waitForUnblock } from './workflows';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';

const NAMESPACE = 'conformance';

function createDevServerEnv(dbFilename?: string): Promise<TestWorkflowEnvironment> {
  if (!usingEmbeddedServer()) {
    return TestWorkflowEnvironment.createFromExistingServer({
      address: process.env.TEMPORAL_ADDRESS,
      namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    });
  }
  return TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: TEMPORAL_DEV_BIN }, namespace: NAMESPACE, dbFilename },
  });
}

let bundle: WorkflowBundleWithSourceMap;
let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let client: Client;

beforeAll(async () => {
  quietSdkLogs();
  bundle = await bundleConformanceWorkflows();
  env = await createDevServerEnv();
  worker = await startConformanceWorker(env, bundle, 'dev-server');
  client = env.client;
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
});

it('serves the namespace given with --namespace and does not skip time', async () => {
  if (usingEmbeddedServer()) expect(env.namespace).toBe(NAMESPACE);
  expect(env.supportsTimeSkipping).toBe(false);
  const realStart = Date.now();
  const elapsed = await client.workflow.execute(sleeper, {
    taskQueue: worker.taskQueue,
    workflowId: uniqueWorkflowId('dev-timer'),
    args: [1500],
  });
  expect(elapsed).toBeGreaterThanOrEqual(1500);
  expect(Date.now() - realStart).toBeGreaterThanOrEqual(1400);
});

it('runs signals, queries and activities', async () => {
  const handle = await client.workflow.start(waitForUnblock, {
    taskQueue: worker.taskQueue,
    workflowId: uniqueWorkflowId('dev-signal'),
  });
  expect(await handle.query(phaseQuery)).toBe('waiting');
  await handle.signal(unblockSignal, 'hello dev server');
  expect(await handle.result()).toBe('hello dev server');
  expect(await handle.query(phaseQuery)).toBe('done');

  const activities = await client.workflow.start(sequentialActivities, {
    taskQueue: worker.taskQueue,
    workflowId: uniqueWorkflowId('dev-activities'),
    args: [2],
  });
  expect(await activities.result()).toEqual(['step 0', 'step 1']);
  expect(withoutWorkflowTaskEvents(await historyEventTypes(activities))).toEqual([
    'WorkflowExecutionStarted',
    'ActivityTaskScheduled',
    'ActivityTaskStarted',
    'ActivityTaskCompleted',
    'ActivityTaskScheduled',
    'ActivityTaskStarted',
    'ActivityTaskCompleted',
    'WorkflowExecutionCompleted',
  ]);
});

// Persistence across restarts is a property of the embedded server's --db-filename; a remote server is not restarted.
const itEmbedded = usingEmbeddedServer() ? it : it.skip;

itEmbedded(
  'keeps workflows across a restart when started with --db-filename',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'temporal-dev-conformance-'));
    const dbFilename = join(dir, 'temporal.db');
    const workflowId = uniqueWorkflowId('persisted');
    const taskQueue = `persisted-${workflowId}`;
    try {
      // No worker on the first server: the workflow's first task is still pending when the server stops.
      const first = await createDevServerEnv(dbFilename);
      let runId: string;
      try {
        runId = (await first.client.workflow.start(waitForUnblock, { taskQueue, workflowId })).firstExecutionRunId;
      } finally {
        await first.teardown();
      }

      const second = await createDevServerEnv(dbFilename);
      try {
        const handle = second.client.workflow.getHandle(workflowId);
        const described = await handle.describe();
        expect(described.runId).toBe(runId);
        expect(described.status.name).toBe('RUNNING');
        const restartedWorker = await startConformanceWorker(second, bundle, 'persisted', taskQueue);
        try {
          await handle.signal(unblockSignal, 'after restart');
          expect(await handle.result()).toBe('after restart');
        } finally {
          await restartedWorker.stop();
        }
      } finally {
        await second.teardown();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  120_000,
);
