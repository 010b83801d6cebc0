// Conformance: workflow updates (UpdateWorkflowExecution / PollWorkflowExecutionUpdate and the protocol
// messages of workflow tasks), through the official SDK only.
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { bundleServerFeatureWorkflows } from './bundle';
import {
  historyEventTypes,
  historyEvents,
  useConformanceEnv,
  uniqueWorkflowId,
  withoutWorkflowTaskEvents,
} from '../helpers';
import * as wf from './workflows';

describe('workflow updates', () => {
  let client: Client;
  let taskQueue: string;

  useConformanceEnv(
    'updates',
    (setup) => {
      client = setup.client;
      taskQueue = setup.worker.taskQueue;
    },
    { bundle: bundleServerFeatureWorkflows },
  );

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
    const handle = await client.workflow.start(wf.counter, {
      taskQueue,
      workflowId: uniqueWorkflowId('counter-reject'),
    });
    const err = await handle.executeUpdate(wf.addUpdate, { args: [-1] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((err as WorkflowUpdateFailedError).cause?.message).toBe('negative numbers are not allowed');
    await handle.signal(wf.doneSignal);
    expect(await handle.result()).toBe(0);
    expect((await historyEventTypes(handle)).some((t) => t.startsWith('WorkflowExecutionUpdate'))).toBe(false);
  });

  it('starts an update, then fetches its result through its handle; the same update id is not applied twice', async () => {
    const handle = await client.workflow.start(wf.counter, {
      taskQueue,
      workflowId: uniqueWorkflowId('counter-async'),
    });
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

  describe('update-with-start (ExecuteMultiOperation)', () => {
    const startOperation = (
      workflowId: string,
      workflowIdConflictPolicy: 'FAIL' | 'USE_EXISTING' | 'TERMINATE_EXISTING',
    ) => new WithStartWorkflowOperation(wf.counter, { workflowId, taskQueue, workflowIdConflictPolicy });

    it('starts the workflow with the update in its first workflow task and returns the update result', async () => {
      const workflowId = uniqueWorkflowId('update-with-start');
      const startWorkflowOperation = startOperation(workflowId, 'USE_EXISTING');
      expect(await client.workflow.executeUpdateWithStart(wf.addUpdate, { args: [5], startWorkflowOperation })).toBe(5);
      const handle = await startWorkflowOperation.workflowHandle();
      expect(handle.workflowId).toBe(workflowId);
      // The first workflow task already accepts the update: the request came with the start.
      expect((await historyEventTypes(handle)).slice(0, 5)).toEqual([
        'WorkflowExecutionStarted',
        'WorkflowTaskScheduled',
        'WorkflowTaskStarted',
        'WorkflowTaskCompleted',
        'WorkflowExecutionUpdateAccepted',
      ]);

      // USE_EXISTING: the second update-with-start goes to the running run instead of starting another.
      const again = startOperation(workflowId, 'USE_EXISTING');
      expect(
        await client.workflow.executeUpdateWithStart(wf.addUpdate, { args: [7], startWorkflowOperation: again }),
      ).toBe(12);
      expect((await (await again.workflowHandle()).describe()).runId).toBe((await handle.describe()).runId);
      await handle.signal(wf.doneSignal);
      expect(await handle.result()).toBe(12);
    });

    it('returns early once the update is accepted (startUpdateWithStart), the workflow going on', async () => {
      const workflowId = uniqueWorkflowId('early-return');
      const startWorkflowOperation = startOperation(workflowId, 'FAIL');
      const update = await client.workflow.startUpdateWithStart(wf.addUpdate, {
        args: [4],
        waitForStage: 'ACCEPTED',
        startWorkflowOperation,
      });
      const handle = await startWorkflowOperation.workflowHandle();
      expect(update.workflowRunId).toBe((await handle.describe()).runId);
      expect(await update.result()).toBe(4);
      expect((await handle.describe()).status.name).toBe('RUNNING');
      await handle.signal(wf.doneSignal);
      expect(await handle.result()).toBe(4);
    });

    it('refuses a start under FAIL while the workflow runs, running no update; TERMINATE_EXISTING replaces the run', async () => {
      const workflowId = uniqueWorkflowId('update-with-start-conflict');
      const first = await client.workflow.start(wf.counter, { workflowId, taskQueue });
      const refused = startOperation(workflowId, 'FAIL');
      await expect(
        client.workflow.executeUpdateWithStart(wf.addUpdate, { args: [1], startWorkflowOperation: refused }),
      ).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
      await expect(refused.workflowHandle()).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
      expect((await historyEventTypes(first)).some((t) => t.startsWith('WorkflowExecutionUpdate'))).toBe(false);

      const replacing = startOperation(workflowId, 'TERMINATE_EXISTING');
      expect(
        await client.workflow.executeUpdateWithStart(wf.addUpdate, { args: [2], startWorkflowOperation: replacing }),
      ).toBe(2);
      const second = await replacing.workflowHandle();
      expect((await second.describe()).runId).not.toBe(first.firstExecutionRunId);
      expect((await client.workflow.getHandle(workflowId, first.firstExecutionRunId).describe()).status.name).toBe(
        'TERMINATED',
      );
      await second.signal(wf.doneSignal);
      expect(await second.result()).toBe(2);
    });

    it("answers the update validator's rejection as an update failure; the started workflow stays", async () => {
      const workflowId = uniqueWorkflowId('update-with-start-rejected');
      const startWorkflowOperation = startOperation(workflowId, 'FAIL');
      const err = await client.workflow
        .executeUpdateWithStart(wf.addUpdate, { args: [-1], startWorkflowOperation })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
      const handle = await startWorkflowOperation.workflowHandle();
      await handle.signal(wf.doneSignal);
      expect(await handle.result()).toBe(0);
    });
  });
});
