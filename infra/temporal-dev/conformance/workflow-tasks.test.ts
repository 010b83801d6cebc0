// Conformance: workflow tasks (failure and retry), timers, markers from patches, workflow run and execution
// timeouts — through the official SDK, asserting the history the server records.
import { randomUUID } from 'node:crypto';
import { status as grpcStatus } from '@grpc/grpc-js';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { TimeoutFailure, defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  durationMs,
  eventTypeName,
  firstEventOfType,
  historyEventTypes,
  historyEvents,
  startConformanceWorker,
  useConformanceEnv,
  uniqueWorkflowId,
  withoutWorkflowTaskEvents,
  type RunningWorker,
} from './helpers';
import {
  cancelTimer,
  echoWorkflow,
  failFirstWorkflowTask,
  patchedWorkflow,
  sleeper,
  unblockSignal,
  waitForUnblock,
} from './workflows';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let worker: RunningWorker;
let client: Client;

useConformanceEnv('workflow-tasks', (setup) => ({ env, worker, client, workflowBundle: bundle } = setup));

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
    expect(failed.cause).toBe(
      temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE,
    );
    expect(failed.scheduledEventId?.toString()).toBe('2');
    expect(failed.startedEventId?.toString()).toBe('3');
    expect(events[4].workflowTaskScheduledEventAttributes?.attempt).toBe(2);
    // The workflow itself never failed.
    expect((await handle.describe()).status.name).toBe('COMPLETED');
  });
});

// These tests play the worker's part by hand for one workflow task (raw PollWorkflowTaskQueue and
// RespondWorkflowTaskCompleted through the SDK's WorkflowService client) to reach states a real worker never
// leaves deliberately; a real SDK worker on the same queue then finishes the workflow.
describe('workflow tasks handled by hand', () => {
  const namespace = () => env.namespace ?? 'default';

  /** Takes the next workflow task of a queue nobody else polls. */
  async function takeWorkflowTask(taskQueue: string) {
    const task = await client.workflowService.pollWorkflowTaskQueue({
      namespace: namespace(),
      taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      identity: 'conformance-manual-worker',
    });
    expect(task.taskToken?.length ?? 0).toBeGreaterThan(0);
    return task;
  }

  it('times out a workflow task the worker does not answer, then schedules another attempt', async () => {
    const taskQueue = `manual-${randomUUID()}`;
    const handle = await client.workflow.start(echoWorkflow, {
      taskQueue,
      workflowId: uniqueWorkflowId('task-timeout'),
      args: ['after the timeout'],
      // Long enough for the SDK worker to answer attempt 2 in time on a loaded machine.
      workflowTaskTimeout: '2s',
    });
    const task = await takeWorkflowTask(taskQueue);
    expect(Number(task.startedEventId)).toBe(3);
    const sdkWorker = await startConformanceWorker(env, bundle, 'task-timeout', taskQueue);
    try {
      expect(await handle.result()).toBe('after the timeout');
    } finally {
      await sdkWorker.stop();
    }
    const events = await historyEvents(handle);
    expect(events.map(eventTypeName)).toEqual([
      'WorkflowExecutionStarted',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskTimedOut',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskCompleted',
      'WorkflowExecutionCompleted',
    ]);
    expect(events[3].workflowTaskTimedOutEventAttributes?.timeoutType).toBe(
      temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE,
    );
    expect(events[4].workflowTaskScheduledEventAttributes?.attempt).toBe(2);
  });

  it('buffers a signal that arrives while a task is in flight and schedules a new task after it completes', async () => {
    const taskQueue = `manual-${randomUUID()}`;
    const handle = await client.workflow.start(waitForUnblock, {
      taskQueue,
      workflowId: uniqueWorkflowId('buffered-signal'),
    });
    const task = await takeWorkflowTask(taskQueue);
    await handle.signal(unblockSignal, 'arrived mid-task');
    // Nothing about the signal may be visible in history while the task is in flight.
    expect(await historyEventTypes(handle)).toEqual([
      'WorkflowExecutionStarted',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
    ]);
    // waitForUnblock's first activation issues no commands, so an empty completion is what the SDK would send.
    await client.workflowService.respondWorkflowTaskCompleted({
      namespace: namespace(),
      taskToken: task.taskToken,
      commands: [],
      identity: 'conformance-manual-worker',
    });
    expect(await historyEventTypes(handle)).toEqual([
      'WorkflowExecutionStarted',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskCompleted',
      'WorkflowExecutionSignaled',
      'WorkflowTaskScheduled',
    ]);
    const sdkWorker = await startConformanceWorker(env, bundle, 'buffered-signal', taskQueue);
    try {
      expect(await handle.result()).toBe('arrived mid-task');
    } finally {
      await sdkWorker.stop();
    }
  });

  it('fails the in-flight task when the workflow is terminated, and answers its late completion NOT_FOUND', async () => {
    const taskQueue = `manual-${randomUUID()}`;
    const handle = await client.workflow.start(waitForUnblock, {
      taskQueue,
      workflowId: uniqueWorkflowId('terminate-mid-task'),
    });
    const task = await takeWorkflowTask(taskQueue);
    await handle.terminate('stopped mid-task');
    const late = await client.workflowService
      .respondWorkflowTaskCompleted({
        namespace: namespace(),
        taskToken: task.taskToken,
        commands: [],
        identity: 'conformance-manual-worker',
      })
      .catch((err: unknown) => err);
    expect(late).toMatchObject({ code: grpcStatus.NOT_FOUND });
    const events = await historyEvents(handle);
    expect(events.map(eventTypeName)).toEqual([
      'WorkflowExecutionStarted',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskFailed',
      'WorkflowExecutionTerminated',
    ]);
    expect(events[3].workflowTaskFailedEventAttributes?.cause).toBe(
      temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND,
    );
  });

  it('answers a second completion of the same task NOT_FOUND', async () => {
    const taskQueue = `manual-${randomUUID()}`;
    const handle = await client.workflow.start(waitForUnblock, {
      taskQueue,
      workflowId: uniqueWorkflowId('stale-token'),
    });
    const task = await takeWorkflowTask(taskQueue);
    const respond = () =>
      client.workflowService.respondWorkflowTaskCompleted({
        namespace: namespace(),
        taskToken: task.taskToken,
        commands: [],
        identity: 'conformance-manual-worker',
      });
    await respond();
    await expect(respond()).rejects.toMatchObject({ code: grpcStatus.NOT_FOUND });
    await handle.terminate('test over');
  });

  it('rejects completing the workflow while a buffered signal is unhandled (UnhandledCommand)', async () => {
    const taskQueue = `manual-${randomUUID()}`;
    const handle = await client.workflow.start(waitForUnblock, {
      taskQueue,
      workflowId: uniqueWorkflowId('unhandled-command'),
    });
    const task = await takeWorkflowTask(taskQueue);
    await handle.signal(unblockSignal, 'must not be lost');
    const outcome = await client.workflowService
      .respondWorkflowTaskCompleted({
        namespace: namespace(),
        taskToken: task.taskToken,
        identity: 'conformance-manual-worker',
        commands: [
          {
            commandType: temporal.api.enums.v1.CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
            completeWorkflowExecutionCommandAttributes: {
              result: { payloads: [defaultPayloadConverter.toPayload('ignored the signal')] },
            },
          },
        ],
      })
      .catch((err: unknown) => err);
    expect(outcome).toMatchObject({ code: grpcStatus.INVALID_ARGUMENT });
    expect((outcome as Error).message).toContain('UnhandledCommand');
    const events = await historyEvents(handle);
    expect(events.map(eventTypeName)).toEqual([
      'WorkflowExecutionStarted',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskFailed',
      'WorkflowExecutionSignaled',
      'WorkflowTaskScheduled',
    ]);
    expect(events[3].workflowTaskFailedEventAttributes?.cause).toBe(
      temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
    );
    const sdkWorker = await startConformanceWorker(env, bundle, 'unhandled-command', taskQueue);
    try {
      expect(await handle.result()).toBe('must not be lost');
    } finally {
      await sdkWorker.stop();
    }
  });
});

describe('timers', () => {
  it('starts a timer and fires it after the requested duration of workflow time', async () => {
    const handle = await client.workflow.start(sleeper, { ...options('timer'), args: [2000] });
    const elapsed = await handle.result();
    expect(elapsed).toBeGreaterThanOrEqual(2000);
    const events = await historyEvents(handle);
    expect(withoutWorkflowTaskEvents(events.map(eventTypeName))).toEqual([
      'WorkflowExecutionStarted',
      'TimerStarted',
      'TimerFired',
      'WorkflowExecutionCompleted',
    ]);
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
    expect(firstEventOfType(events, 'TimerFired').timerFiredEventAttributes?.timerId).toBe(
      secondTimer.timerStartedEventAttributes?.timerId,
    );
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
    const handle = await client.workflow.start(sleeper, {
      ...options('run-timeout'),
      args: [3_600_000],
      workflowRunTimeout: '2s',
    });
    const outcome = await handle.result().catch((err: unknown) => err);
    expect(outcome).toBeInstanceOf(WorkflowFailedError);
    expect((outcome as WorkflowFailedError).cause).toBeInstanceOf(TimeoutFailure);
    const types = await historyEventTypes(handle);
    expect(types[types.length - 1]).toBe('WorkflowExecutionTimedOut');
    expect(types).not.toContain('TimerFired');
    expect((await handle.describe()).status.name).toBe('TIMED_OUT');
  });

  it('times out an execution that exceeds its execution timeout', async () => {
    const handle = await client.workflow.start(sleeper, {
      ...options('execution-timeout'),
      args: [3_600_000],
      workflowExecutionTimeout: '2s',
    });
    const outcome = await handle.result().catch((err: unknown) => err);
    expect(outcome).toBeInstanceOf(WorkflowFailedError);
    expect((outcome as WorkflowFailedError).cause).toBeInstanceOf(TimeoutFailure);
    const events = await historyEvents(handle);
    expect(eventTypeName(events[events.length - 1])).toBe('WorkflowExecutionTimedOut');
    expect(durationMs(events[0].workflowExecutionStartedEventAttributes?.workflowExecutionTimeout)).toBe(2000);
  });
});
