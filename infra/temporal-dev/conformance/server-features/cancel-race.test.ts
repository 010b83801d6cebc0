// Conformance: a cancel request for an activity whose completion arrived while the workflow task that
// cancels it was running. Temporal records ActivityTaskCancelRequested anyway, so the history replays.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createTestEnv } from '../../../temporal/test-env';
import { eventTypeName, historyEvents, quietSdkLogs } from '../helpers';
import { bundleServerFeatureWorkflows } from './bundle';
import * as wf from './workflows';

describe('cancelling an activity that already finished', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    quietSdkLogs();
    env = await createTestEnv();
  }, 60_000);

  afterAll(async () => {
    await env?.teardown();
  });

  it('records the cancel request before the buffered completion, and the history replays', async () => {
    const taskQueue = `cancel-race-${randomUUID()}`;
    const workflowBundle = await bundleServerFeatureWorkflows();
    // The activity finishes only once the local activity runs, i.e. while the cancelling workflow task is open.
    let releaseQuick!: () => void;
    const quickMayFinish = new Promise<void>((r) => (releaseQuick = r));
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle,
      activities: {
        quick: async () => {
          await quickMayFinish;
          return 'done';
        },
        slowLocal: async (ms: number) => {
          releaseQuick();
          await new Promise<void>((r) => setTimeout(r, ms));
        },
      },
    });
    const handle = await worker.runUntil(async () => {
      const h = await env.client.workflow.start(wf.cancelAfterFinish, {
        taskQueue,
        workflowId: `cancel-race-${randomUUID()}`,
      });
      await h.signal(wf.goSignal);
      expect(await h.result()).toBe('cancelled');
      return h;
    });
    const events = await historyEvents(handle);
    const types = events.map(eventTypeName);
    const requested = types.indexOf('ActivityTaskCancelRequested');
    expect(requested).toBeGreaterThan(0);
    expect(types.indexOf('ActivityTaskCompleted')).toBeGreaterThan(requested);
    await Worker.runReplayHistory({ workflowBundle }, await handle.fetchHistory(), handle.workflowId);
  }, 60_000);
});
