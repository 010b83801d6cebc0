// Conformance: workflow tasks (failure and retry), timers, markers from patches, workflow run and execution
// timeouts — through the official SDK, asserting the history the server records.
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { TimeoutFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTestEnv } from '../../temporal/test-env';
import {
  bundleConformanceWorkflows,
  quietSdkLogs,
  durationMs,
  eventTypeName,
  firstEventOfType,
  historyEventTypes,
  historyEvents,
  startConformanceWorker,
  uniqueWorkflowId,
  withoutWorkflowTaskEvents,
  type RunningWorker,
} from './helpers';
import { cancelTimer, failFirstWorkflowTask, patchedWorkflow, sleeper } from './workflows';

let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let client: Client;

beforeAll(async () => {
  quietSdkLogs();
  env = await createTestEnv();
  worker = await startConformanceWorker(env, await bundleConformanceWorkflows(), 'workflow-tasks');
  client = env.client;
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
});

function options(label: string) {
  return { taskQueue: worker.taskQueue, workflowId: uniqueWorkflowId(label) };
}

describe('workflow tasks', () => {
  it('retries a workflow task whose code threw a non-Temporal error, and the retry completes the workflow', async () => {
    const handle = await client.workflow.start(failFirstWorkflowTask, options('task-retry'));
    expect(await handle.result()).toMatch(/^succeeded with history length \d+$/);
    const events = await historyEvents(handle);
    expect(events.map(eventTypeName)).toEqual([
      'WorkflowExecutionStarted',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskFailed',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskCompleted',
      'WorkflowExecutionCompleted',
    ]);
    const failed = firstEventOfType(events, 'WorkflowTaskFailed').workflowTaskFailedEventAttributes!;
    expect(failed.failure?.message).toContain('first workflow task fails on purpose');
    expect(failed.scheduledEventId?.toString()).toBe('2');
    expect(failed.startedEventId?.toString()).toBe('3');
    expect(events[4].workflowTaskScheduledEventAttributes?.attempt).toBe(2);
    // The workflow itself never failed.
    expect((await handle.describe()).status.name).toBe('COMPLETED');
  });
});

describe('timers', () => {
  it('starts a timer and fires it after the requested duration of workflow time', async () => {
    const handle = await client.workflow.start(sleeper, { ...options('timer'), args: [2000] });
    const elapsed = await handle.result();
    expect(elapsed).toBeGreaterThanOrEqual(2000);
    const events = await historyEvents(handle);
    expect(withoutWorkflowTaskEvents(events.map(eventTypeName))).toEqual(['WorkflowExecutionStarted', 'TimerStarted', 'TimerFired', 'WorkflowExecutionCompleted']);
    const started = firstEventOfType(events, 'TimerStarted');
    expect(durationMs(started.timerStartedEventAttributes?.startToFireTimeout)).toBe(2000);
    const fired = firstEventOfType(events, 'TimerFired').timerFiredEventAttributes!;
    expect(fired.timerId).toBe(started.timerStartedEventAttributes?.timerId);
    expect(fired.startedEventId?.toString()).toBe(started.eventId?.toString());
  });

  it('cancels a timer from a CancellationScope', async () => {
    const handle = await client.workflow.start(cancelTimer, options('timer-cancel'));
    expect(await handle.result()).toBe('cancelled');
    const events = await historyEvents(handle);
    expect(withoutWorkflowTaskEvents(events.map(eventTypeName))).toEqual([
      'WorkflowExecutionStarted',
      'TimerStarted',
      'TimerStarted',
      'TimerFired',
      'TimerCanceled',
      'WorkflowExecutionCompleted',
    ]);
    const [hourTimer, secondTimer] = events.filter((event) => eventTypeName(event) === 'TimerStarted');
    expect(durationMs(hourTimer.timerStartedEventAttributes?.startToFireTimeout)).toBe(3_600_000);
    expect(firstEventOfType(events, 'TimerFired').timerFiredEventAttributes?.timerId).toBe(secondTimer.timerStartedEventAttributes?.timerId);
    const canceled = firstEventOfType(events, 'TimerCanceled').timerCanceledEventAttributes!;
    expect(canceled.timerId).toBe(hourTimer.timerStartedEventAttributes?.timerId);
    expect(canceled.startedEventId?.toString()).toBe(hourTimer.eventId?.toString());
  });
});

describe('markers', () => {
  it('records a patch marker for patched()', async () => {
    const handle = await client.workflow.start(patchedWorkflow, options('patch'));
    expect(await handle.result()).toBe('new code path');
    const events = await historyEvents(handle);
    const marker = firstEventOfType(events, 'MarkerRecorded').markerRecordedEventAttributes!;
    expect(marker.markerName).toBe('core_patch');
    expect(eventTypeName(events[events.length - 1])).toBe('WorkflowExecutionCompleted');
  });
});

describe('workflow timeouts', () => {
  it('times out a run that exceeds its run timeout', async () => {
    const handle = await client.workflow.start(sleeper, { ...options('run-timeout'), args: [3_600_000], workflowRunTimeout: '2s' });
    const outcome = await handle.result().catch((err: unknown) => err);
    expect(outcome).toBeInstanceOf(WorkflowFailedError);
    expect((outcome as WorkflowFailedError).cause).toBeInstanceOf(TimeoutFailure);
    const types = await historyEventTypes(handle);
    expect(types[types.length - 1]).toBe('WorkflowExecutionTimedOut');
    expect(types).not.toContain('TimerFired');
    expect((await handle.describe()).status.name).toBe('TIMED_OUT');
  });

  it('times out an execution that exceeds its execution timeout', async () => {
    const handle = await client.workflow.start(sleeper, { ...options('execution-timeout'), args: [3_600_000], workflowExecutionTimeout: '2s' });
    const outcome = await handle.result().catch((err: unknown) => err);
    expect(outcome).toBeInstanceOf(WorkflowFailedError);
    expect((outcome as WorkflowFailedError).cause).toBeInstanceOf(TimeoutFailure);
    const events = await historyEvents(handle);
    expect(eventTypeName(events[events.length - 1])).toBe('WorkflowExecutionTimedOut');
    expect(durationMs(events[0].workflowExecutionStartedEventAttributes?.workflowExecutionTimeout)).toBe(2000);
  });
});
