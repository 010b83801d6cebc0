// Conformance: child workflows, external signals and cancels, continue-as-new — through the official SDK only.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleServerFeatureWorkflows } from './bundle';
import {
  eventTypeName,
  historyEventTypes,
  historyEvents,
  isSubsequence,
  useConformanceEnv,
  uniqueWorkflowId,
  withoutWorkflowTaskEvents,
} from '../helpers';
import * as wf from './workflows';

describe('child workflows, external workflows and continue-as-new', () => {
  let env: TestWorkflowEnvironment;
  let client: Client;
  let taskQueue: string;

  useConformanceEnv(
    'children',
    (setup) => {
      env = setup.env;
      client = setup.client;
      taskQueue = setup.worker.taskQueue;
    },
    { bundle: bundleServerFeatureWorkflows },
  );

  it("returns a child's result and records the child's events in the parent", async () => {
    const handle = await client.workflow.start(wf.parentOfEcho, {
      taskQueue,
      workflowId: uniqueWorkflowId('parent-echo'),
      args: ['hi'],
    });
    expect(await handle.result()).toBe('child says hi');
    expect(withoutWorkflowTaskEvents(await historyEventTypes(handle))).toEqual([
      'WorkflowExecutionStarted',
      'StartChildWorkflowExecutionInitiated',
      'ChildWorkflowExecutionStarted',
      'ChildWorkflowExecutionCompleted',
      'WorkflowExecutionCompleted',
    ]);
    const child = client.workflow.getHandle(`${handle.workflowId}-child`);
    const started = (await historyEvents(child))[0].workflowExecutionStartedEventAttributes!;
    expect(started.parentWorkflowExecution?.workflowId).toBe(handle.workflowId);
    expect(started.parentWorkflowExecution?.runId).toBe(handle.firstExecutionRunId);
    expect(Number(started.parentInitiatedEventId)).toBeGreaterThan(0);
    expect(started.rootWorkflowExecution?.workflowId).toBe(handle.workflowId);
    expect((await child.describe()).parentExecution?.workflowId).toBe(handle.workflowId);
  });

  it("delivers a child's failure to the parent", async () => {
    const handle = await client.workflow.start(wf.parentOfFailing, {
      taskQueue,
      workflowId: uniqueWorkflowId('parent-failing'),
    });
    expect(await handle.result()).toBe('ChildWorkflowFailure: child broke (ChildBroke)');
    expect(await historyEventTypes(handle)).toContain('ChildWorkflowExecutionFailed');
  });

  it('fails the child start when the id is taken by a running workflow', async () => {
    const taken = await client.workflow.start(wf.waitForRelease, { taskQueue, workflowId: uniqueWorkflowId('taken') });
    const handle = await client.workflow.start(wf.parentOfDuplicate, {
      taskQueue,
      workflowId: uniqueWorkflowId('parent-dup'),
      args: [taken.workflowId],
    });
    expect(await handle.result()).toBe('WorkflowExecutionAlreadyStartedError');
    const failed = (await historyEvents(handle)).find((e) => eventTypeName(e) === 'StartChildWorkflowExecutionFailed');
    expect(failed?.startChildWorkflowExecutionFailedEventAttributes?.workflowId).toBe(taken.workflowId);
    await taken.terminate('cleanup');
  });

  it.each([
    ['TERMINATE', 'TERMINATED'],
    ['REQUEST_CANCEL', 'COMPLETED'],
    ['ABANDON', 'RUNNING'],
  ] as const)('applies parent close policy %s to a running child', async (policy, childStatus) => {
    const handle = await client.workflow.start(wf.parentThatLeaves, {
      taskQueue,
      workflowId: uniqueWorkflowId(`leave-${policy}`),
      args: [policy],
    });
    const childId = await handle.result();
    const child = client.workflow.getHandle(childId);
    if (childStatus !== 'RUNNING') {
      // The child reacts to its parent closing: terminated outright, or cancelled (it then returns normally).
      await child.result().catch(() => undefined);
      expect((await child.describe()).status.name).toBe(childStatus);
      if (policy === 'REQUEST_CANCEL') {
        expect(await child.result()).toBe('child saw cancel');
        expect(await historyEventTypes(child)).toContain('WorkflowExecutionCancelRequested');
      }
    } else {
      expect((await child.describe()).status.name).toBe('RUNNING');
      await child.signal(wf.releaseSignal, 'free');
      expect(await child.result()).toBe('free');
    }
  });

  it('cancels a child and reports the cancellation to the parent', async () => {
    const handle = await client.workflow.start(wf.parentCancelsChild, {
      taskQueue,
      workflowId: uniqueWorkflowId('cancel-child'),
    });
    const outcome = await handle.result();
    const types = withoutWorkflowTaskEvents(await historyEventTypes(handle));
    expect(types).toContain('RequestCancelExternalWorkflowExecutionInitiated');
    expect(types).toContain('ExternalWorkflowExecutionCancelRequested');
    // The child handles the cancel by returning normally.
    expect(outcome).toBe('child saw cancel');
    expect(types).toContain('ChildWorkflowExecutionCompleted');
  });

  it('reports a child that timed out', async () => {
    if (!env.supportsTimeSkipping) return; // an hour of real time against a real server
    const handle = await client.workflow.start(wf.parentOfTimedOutChild, {
      taskQueue,
      workflowId: uniqueWorkflowId('child-timeout'),
    });
    expect(await handle.result()).toBe('ChildWorkflowFailure/TimeoutFailure');
    expect(await historyEventTypes(handle)).toContain('ChildWorkflowExecutionTimedOut');
  });

  it('signals an external workflow, and fails to signal one that does not exist', async () => {
    const target = await client.workflow.start(wf.waitForRelease, {
      taskQueue,
      workflowId: uniqueWorkflowId('signal-target'),
    });
    const sender = await client.workflow.start(wf.signalOther, {
      taskQueue,
      workflowId: uniqueWorkflowId('signaller'),
      args: [target.workflowId, 'from a friend'],
    });
    expect(await sender.result()).toBe('signalled');
    expect(await target.result()).toBe('from a friend');
    expect(withoutWorkflowTaskEvents(await historyEventTypes(sender))).toEqual([
      'WorkflowExecutionStarted',
      'SignalExternalWorkflowExecutionInitiated',
      'ExternalWorkflowExecutionSignaled',
      'WorkflowExecutionCompleted',
    ]);
    const lost = await client.workflow.start(wf.signalOther, {
      taskQueue,
      workflowId: uniqueWorkflowId('signaller-lost'),
      args: [`missing-${randomUUID()}`, 'x'],
    });
    // The SDK turns SignalExternalWorkflowExecutionFailed(EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND) into this failure.
    expect(await lost.result()).toBe('ApplicationFailure: Unable to signal external workflow because it was not found');
    expect(await historyEventTypes(lost)).toContain('SignalExternalWorkflowExecutionFailed');
  });

  it('requests cancellation of an external workflow', async () => {
    const target = await client.workflow.start(wf.waitForRelease, {
      taskQueue,
      workflowId: uniqueWorkflowId('cancel-target'),
    });
    const canceller = await client.workflow.start(wf.cancelOther, {
      taskQueue,
      workflowId: uniqueWorkflowId('canceller'),
      args: [target.workflowId],
    });
    expect(await canceller.result()).toBe('cancel requested');
    expect(await target.result()).toBe('child saw cancel');
    const requested = (await historyEvents(target)).find(
      (e) => eventTypeName(e) === 'WorkflowExecutionCancelRequested',
    );
    expect(requested?.workflowExecutionCancelRequestedEventAttributes?.externalWorkflowExecution?.workflowId).toBe(
      canceller.workflowId,
    );
    expect(await historyEventTypes(canceller)).toContain('ExternalWorkflowExecutionCancelRequested');
  });

  it('chains runs with continue-as-new and follows the chain to the result', async () => {
    const handle = await client.workflow.start(wf.countdown, {
      taskQueue,
      workflowId: uniqueWorkflowId('countdown'),
      args: [3],
    });
    expect(await handle.result()).toBe(4);
    const latest = await client.workflow.getHandle(handle.workflowId).describe();
    expect(latest.runId).not.toBe(handle.firstExecutionRunId);
    expect(latest.status.name).toBe('COMPLETED');
    const firstRun = client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId);
    const firstEvents = await historyEvents(firstRun);
    const last = firstEvents[firstEvents.length - 1];
    expect(eventTypeName(last)).toBe('WorkflowExecutionContinuedAsNew');
    const secondRunId = last.workflowExecutionContinuedAsNewEventAttributes!.newExecutionRunId!;
    expect((await firstRun.describe()).status.name).toBe('CONTINUED_AS_NEW');
    const second = (await historyEvents(client.workflow.getHandle(handle.workflowId, secondRunId)))[0]
      .workflowExecutionStartedEventAttributes!;
    expect(second.continuedExecutionRunId).toBe(handle.firstExecutionRunId);
    expect(second.firstExecutionRunId).toBe(handle.firstExecutionRunId);
    expect(second.originalExecutionRunId).toBe(secondRunId);
    // History by workflow id alone resolves the latest run.
    const latestTypes = await historyEventTypes(client.workflow.getHandle(handle.workflowId));
    expect(latestTypes[latestTypes.length - 1]).toBe('WorkflowExecutionCompleted');
    expect(isSubsequence(['WorkflowExecutionStarted', 'WorkflowExecutionCompleted'], latestTypes)).toBe(true);
  });
});
