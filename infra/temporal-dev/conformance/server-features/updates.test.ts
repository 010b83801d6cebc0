// Conformance: workflow updates (UpdateWorkflowExecution / PollWorkflowExecutionUpdate and the protocol
// messages of workflow tasks), through the official SDK only.
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleServerFeatureWorkflows } from './bundle';
import { createTestEnv } from '../../../temporal/test-env';
import { historyEventTypes, historyEvents, quietSdkLogs, startConformanceWorker, uniqueWorkflowId, withoutWorkflowTaskEvents } from '../helpers';
import * as wf from './workflows';

describe('workflow updates', () => {
  let env: TestWorkflowEnvironment;
  let client: Client;
  let taskQueue: string;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    quietSdkLogs();
    env = await createTestEnv();
    client = env.client;
    taskQueue = `updates-${randomUUID()}`;
    const worker = await startConformanceWorker(env, await bundleServerFeatureWorkflows(), 'updates', taskQueue);
    stop = () => worker.stop();
  }, 120_000);

  afterAll(async () => {
    await stop?.();
    await env?.teardown();
  });

  it('runs updates, records accepted and completed events, and returns their results', async () => {
    const handle = await client.workflow.start(wf.counter, { taskQueue, workflowId: uniqueWorkflowId('counter') });
    expect(await handle.executeUpdate(wf.addUpdate, { args: [5] })).toBe(5);
    expect(await handle.executeUpdate(wf.addUpdate, { args: [7] })).toBe(12);
    await handle.signal(wf.doneSignal);
    expect(await handle.result()).toBe(12);
    const types = withoutWorkflowTaskEvents(await historyEventTypes(handle));
    expect(types.filter((t) => t.startsWith('WorkflowExecutionUpdate'))).toEqual([
      'WorkflowExecutionUpdateAccepted',
      'WorkflowExecutionUpdateCompleted',
      'WorkflowExecutionUpdateAccepted',
      'WorkflowExecutionUpdateCompleted',
    ]);
  });

  it('rejects an update the validator refuses, writing no event', async () => {
    const handle = await client.workflow.start(wf.counter, { taskQueue, workflowId: uniqueWorkflowId('counter-reject') });
    const err = await handle.executeUpdate(wf.addUpdate, { args: [-1] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((err as WorkflowUpdateFailedError).cause?.message).toBe('negative numbers are not allowed');
    await handle.signal(wf.doneSignal);
    expect(await handle.result()).toBe(0);
    expect((await historyEventTypes(handle)).some((t) => t.startsWith('WorkflowExecutionUpdate'))).toBe(false);
  });

  it('starts an update, then fetches its result through its handle; the same update id is not applied twice', async () => {
    const handle = await client.workflow.start(wf.counter, { taskQueue, workflowId: uniqueWorkflowId('counter-async') });
    const updateId = `add-${randomUUID()}`;
    const update = await handle.startUpdate(wf.addUpdate, { args: [3], updateId, waitForStage: 'ACCEPTED' });
    expect(await update.result()).toBe(3);
    expect(await handle.getUpdateHandle<number>(updateId).result()).toBe(3);
    // Same id again: the recorded outcome, not a second addition.
    expect(await handle.executeUpdate(wf.addUpdate, { args: [3], updateId })).toBe(3);
    await handle.signal(wf.doneSignal);
    expect(await handle.result()).toBe(3);
    const completed = (await historyEvents(handle)).filter((e) => e.workflowExecutionUpdateCompletedEventAttributes);
    expect(completed).toHaveLength(1);
    expect(completed[0].workflowExecutionUpdateCompletedEventAttributes?.meta?.updateId).toBe(updateId);
  });
});
