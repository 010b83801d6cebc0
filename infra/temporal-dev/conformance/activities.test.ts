// Conformance: activities (results, retries, timeouts, heartbeats, cancellation) and local activities,
// driven through the official SDK. Retries must leave no trace in history except the final attempt number.
import { ActivityCancelledError, ActivityNotFoundError, WorkflowFailedError, type Client } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/common';
import { activityStarted, asyncTaskTokens, attemptsByWorkflow, cancellationOutcomeByWorkflow } from './activities';
import {
  durationMs,
  eventTypeName,
  firstEventOfType,
  historyEventTypes,
  historyEvents,
  isSubsequence,
  useConformanceEnv,
  uniqueWorkflowId,
  withoutWorkflowTaskEvents,
  type RunningWorker,
} from './helpers';
import {
  cancelActivitySignal,
  cancelRunningActivity,
  localActivities,
  runActivity,
  sequentialActivities,
  type RunActivityOptions,
} from './workflows';

let worker: RunningWorker;
let client: Client;

useConformanceEnv('activities', (setup) => ({ worker, client } = setup));

type ActivityName = Parameters<typeof runActivity>[0];

function startActivityWorkflow(
  label: string,
  name: ActivityName,
  args: unknown[],
  activityOptions: RunActivityOptions,
) {
  return client.workflow.start(runActivity, {
    taskQueue: worker.taskQueue,
    workflowId: uniqueWorkflowId(label),
    args: [name, args, activityOptions],
  });
}

/** The workflow's failure → ActivityFailure → the activity's own failure. */
async function activityFailureOf(
  result: Promise<unknown>,
): Promise<{ activity: ActivityFailure; cause: Error | undefined }> {
  const outcome = await result.catch((err: unknown) => err);
  expect(outcome).toBeInstanceOf(WorkflowFailedError);
  const activity = (outcome as WorkflowFailedError).cause;
  expect(activity).toBeInstanceOf(ActivityFailure);
  return { activity: activity as ActivityFailure, cause: (activity as ActivityFailure).cause };
}

/** Activity events only: ActivityTaskScheduled, ActivityTaskStarted, ... */
function activityEventTypes(types: string[]): string[] {
  return types.filter((type) => type.startsWith('ActivityTask'));
}

describe('activity results', () => {
  it('returns activity results in order and records scheduled → started → completed for each', async () => {
    const handle = await client.workflow.start(sequentialActivities, {
      taskQueue: worker.taskQueue,
      workflowId: uniqueWorkflowId('sequential'),
      args: [3],
    });
    expect(await handle.result()).toEqual(['step 0', 'step 1', 'step 2']);
    const events = await historyEvents(handle);
    expect(withoutWorkflowTaskEvents(events.map(eventTypeName))).toEqual([
      'WorkflowExecutionStarted',
      ...Array.from({ length: 3 }, () => [
        'ActivityTaskScheduled',
        'ActivityTaskStarted',
        'ActivityTaskCompleted',
      ]).flat(),
      'WorkflowExecutionCompleted',
    ]);
    // Each activity's events point at each other and at the workflow task that scheduled it.
    const idOf = (event: (typeof events)[number]) => event.eventId?.toString();
    events.forEach((event, index) => {
      if (eventTypeName(event) !== 'ActivityTaskScheduled') return;
      const [started, completed] = [events[index + 1], events[index + 2]];
      expect(eventTypeName(events[index - 1])).toBe('WorkflowTaskCompleted');
      expect(event.activityTaskScheduledEventAttributes?.workflowTaskCompletedEventId?.toString()).toBe(
        idOf(events[index - 1]),
      );
      expect(event.activityTaskScheduledEventAttributes?.activityType?.name).toBe('echo');
      expect(started.activityTaskStartedEventAttributes?.scheduledEventId?.toString()).toBe(idOf(event));
      expect(started.activityTaskStartedEventAttributes?.attempt).toBe(1);
      expect(completed.activityTaskCompletedEventAttributes?.scheduledEventId?.toString()).toBe(idOf(event));
      expect(completed.activityTaskCompletedEventAttributes?.startedEventId?.toString()).toBe(idOf(started));
    });
  });

  it('fills in timeout and retry defaults the workflow left out', async () => {
    const handle = await startActivityWorkflow('defaults', 'reportOwnOptions', [], {
      scheduleToCloseTimeout: '1 minute',
      heartbeatTimeout: '2 minutes',
    });
    const reported = (await handle.result()) as {
      scheduleToCloseTimeoutMs: number;
      startToCloseTimeoutMs: number;
      heartbeatTimeoutMs?: number;
    };
    expect(reported.scheduleToCloseTimeoutMs).toBe(60_000);
    // Start-to-close defaults to schedule-to-close; the heartbeat timeout cannot exceed start-to-close.
    expect(reported.startToCloseTimeoutMs).toBe(60_000);
    expect(reported.heartbeatTimeoutMs).toBe(60_000);
    const scheduled = firstEventOfType(
      await historyEvents(handle),
      'ActivityTaskScheduled',
    ).activityTaskScheduledEventAttributes!;
    expect(durationMs(scheduled.scheduleToStartTimeout)).toBe(60_000);
    expect(durationMs(scheduled.startToCloseTimeout)).toBe(60_000);
    expect(durationMs(scheduled.heartbeatTimeout)).toBe(60_000);
    expect(scheduled.taskQueue?.name).toBe(worker.taskQueue);
    expect(durationMs(scheduled.retryPolicy?.initialInterval)).toBe(1000);
    expect(scheduled.retryPolicy?.backoffCoefficient).toBe(2);
    expect(durationMs(scheduled.retryPolicy?.maximumInterval)).toBe(100_000);
  });
});

describe('activity retries', () => {
  it('retries with backoff until success; history shows one started event with the final attempt', async () => {
    const handle = await startActivityWorkflow('retry-success', 'failUntilAttempt', [3], {
      startToCloseTimeout: '10s',
      retry: { initialInterval: '1s', backoffCoefficient: 2, maximumAttempts: 5 },
    });
    expect(await handle.result()).toBe('succeeded on attempt 3');
    const events = await historyEvents(handle);
    expect(activityEventTypes(events.map(eventTypeName))).toEqual([
      'ActivityTaskScheduled',
      'ActivityTaskStarted',
      'ActivityTaskCompleted',
    ]);
    expect(firstEventOfType(events, 'ActivityTaskStarted').activityTaskStartedEventAttributes?.attempt).toBe(3);
    // The last failure travels with the started event.
    expect(
      firstEventOfType(events, 'ActivityTaskStarted').activityTaskStartedEventAttributes?.lastFailure?.message,
    ).toContain('attempt 2 failed on purpose');

    const attempts = attemptsByWorkflow.get(handle.workflowId)!;
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    // Each retry is scheduled at least one backoff interval (1 s, then 2 s) after the previous attempt was.
    expect(attempts[1].currentAttemptScheduledMs - attempts[0].currentAttemptScheduledMs).toBeGreaterThanOrEqual(1000);
    expect(attempts[2].currentAttemptScheduledMs - attempts[1].currentAttemptScheduledMs).toBeGreaterThanOrEqual(2000);
  });

  it('caps the backoff at maximumInterval', async () => {
    const handle = await startActivityWorkflow('retry-cap', 'failUntilAttempt', [4], {
      startToCloseTimeout: '10s',
      retry: { initialInterval: '1s', backoffCoefficient: 3, maximumInterval: '2s', maximumAttempts: 4 },
    });
    expect(await handle.result()).toBe('succeeded on attempt 4');
    const attempts = attemptsByWorkflow.get(handle.workflowId)!;
    const gaps = attempts
      .slice(1)
      .map((a, index) => a.currentAttemptScheduledMs - attempts[index].currentAttemptScheduledMs);
    expect(gaps[0]).toBeGreaterThanOrEqual(1000);
    expect(gaps[1]).toBeGreaterThanOrEqual(2000);
    expect(gaps[2]).toBeGreaterThanOrEqual(2000);
    // Uncapped, the third interval would be 9 s.
    expect(gaps[2]).toBeLessThan(6000);
  });

  it("waits the next retry delay a failure asks for instead of the policy's backoff", async () => {
    const handle = await startActivityWorkflow('next-retry-delay', 'failWithRetryDelay', [3000], {
      startToCloseTimeout: '10s',
      retry: { initialInterval: '100ms', maximumAttempts: 3 },
    });
    expect(await handle.result()).toBe('succeeded on attempt 2');
    const [first, second] = attemptsByWorkflow.get(handle.workflowId)!;
    expect(second.currentAttemptScheduledMs - first.currentAttemptScheduledMs).toBeGreaterThanOrEqual(3000);
  });

  it('stops after maximumAttempts with retry state MAXIMUM_ATTEMPTS_REACHED', async () => {
    const handle = await startActivityWorkflow('retry-max', 'alwaysFail', [], {
      startToCloseTimeout: '10s',
      retry: { initialInterval: '100ms', maximumAttempts: 3 },
    });
    const { activity, cause } = await activityFailureOf(handle.result());
    expect(activity.retryState).toBe('MAXIMUM_ATTEMPTS_REACHED');
    expect(activity.activityType).toBe('alwaysFail');
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause!.message).toBe('attempt 3 failed');
    const events = await historyEvents(handle);
    expect(activityEventTypes(events.map(eventTypeName))).toEqual([
      'ActivityTaskScheduled',
      'ActivityTaskStarted',
      'ActivityTaskFailed',
    ]);
    expect(firstEventOfType(events, 'ActivityTaskStarted').activityTaskStartedEventAttributes?.attempt).toBe(3);
    expect(attemptsByWorkflow.get(handle.workflowId)!.map((a) => a.attempt)).toEqual([1, 2, 3]);
  });

  it('does not retry an error type listed in nonRetryableErrorTypes', async () => {
    const handle = await startActivityWorkflow('non-retryable-type', 'failWithType', ['PaymentDeclined'], {
      startToCloseTimeout: '10s',
      retry: { initialInterval: '100ms', maximumAttempts: 5, nonRetryableErrorTypes: ['PaymentDeclined'] },
    });
    const { activity, cause } = await activityFailureOf(handle.result());
    expect(activity.retryState).toBe('NON_RETRYABLE_FAILURE');
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe('PaymentDeclined');
    expect(attemptsByWorkflow.get(handle.workflowId)!.map((a) => a.attempt)).toEqual([1]);
    expect(activityEventTypes(await historyEventTypes(handle))).toEqual([
      'ActivityTaskScheduled',
      'ActivityTaskStarted',
      'ActivityTaskFailed',
    ]);
  });

  it('does not retry ApplicationFailure.nonRetryable', async () => {
    const handle = await startActivityWorkflow('non-retryable-failure', 'failNonRetryable', [], {
      startToCloseTimeout: '10s',
      retry: { initialInterval: '100ms', maximumAttempts: 5 },
    });
    const { activity, cause } = await activityFailureOf(handle.result());
    expect(activity.retryState).toBe('NON_RETRYABLE_FAILURE');
    expect(cause).toMatchObject({ type: 'InvalidInput', nonRetryable: true, message: 'this input can never work' });
    expect(attemptsByWorkflow.get(handle.workflowId)!.map((a) => a.attempt)).toEqual([1]);
  });
});

describe('activity timeouts', () => {
  it('retries an attempt that exceeds start-to-close', async () => {
    const handle = await startActivityWorkflow('start-to-close', 'slowOnFirstAttempt', [10_000], {
      // Long enough for attempt 2 to finish in time on a loaded machine.
      startToCloseTimeout: '2s',
      retry: { initialInterval: '100ms', maximumAttempts: 3 },
    });
    expect(await handle.result()).toBe('finished on attempt 2');
    const events = await historyEvents(handle);
    expect(activityEventTypes(events.map(eventTypeName))).toEqual([
      'ActivityTaskScheduled',
      'ActivityTaskStarted',
      'ActivityTaskCompleted',
    ]);
    const started = firstEventOfType(events, 'ActivityTaskStarted').activityTaskStartedEventAttributes!;
    expect(started.attempt).toBe(2);
    expect(started.lastFailure?.timeoutFailureInfo?.timeoutType).toBe(1 /* TIMEOUT_TYPE_START_TO_CLOSE */);
  });

  it('fails with a START_TO_CLOSE timeout when no attempts remain', async () => {
    const handle = await startActivityWorkflow('start-to-close-final', 'busyFor', [10_000], {
      startToCloseTimeout: '1s',
      retry: { maximumAttempts: 1 },
    });
    const { activity, cause } = await activityFailureOf(handle.result());
    expect(cause).toBeInstanceOf(TimeoutFailure);
    expect((cause as TimeoutFailure).timeoutType).toBe('START_TO_CLOSE');
    expect(activity.retryState).toBe('MAXIMUM_ATTEMPTS_REACHED');
    expect(activityEventTypes(await historyEventTypes(handle))).toEqual([
      'ActivityTaskScheduled',
      'ActivityTaskStarted',
      'ActivityTaskTimedOut',
    ]);
  });

  it('fails with a SCHEDULE_TO_CLOSE timeout, which ends all retries', async () => {
    const handle = await startActivityWorkflow('schedule-to-close', 'busyFor', [10_000], {
      scheduleToCloseTimeout: '1500ms',
      retry: { initialInterval: '100ms' },
    });
    const { cause } = await activityFailureOf(handle.result());
    expect(cause).toBeInstanceOf(TimeoutFailure);
    expect((cause as TimeoutFailure).timeoutType).toBe('SCHEDULE_TO_CLOSE');
    const types = activityEventTypes(await historyEventTypes(handle));
    expect(types[0]).toBe('ActivityTaskScheduled');
    expect(types[types.length - 1]).toBe('ActivityTaskTimedOut');
  });

  it('fails with a SCHEDULE_TO_START timeout when no worker polls the queue', async () => {
    const handle = await startActivityWorkflow('schedule-to-start', 'echo', ['never runs'], {
      taskQueue: `${worker.taskQueue}-without-worker`,
      scheduleToStartTimeout: '1s',
      startToCloseTimeout: '10s',
    });
    const { cause } = await activityFailureOf(handle.result());
    expect(cause).toBeInstanceOf(TimeoutFailure);
    expect((cause as TimeoutFailure).timeoutType).toBe('SCHEDULE_TO_START');
    expect(activityEventTypes(await historyEventTypes(handle))).toEqual([
      'ActivityTaskScheduled',
      'ActivityTaskTimedOut',
    ]);
  });

  it('reports SCHEDULE_TO_START when no worker took it by the schedule-to-close deadline it defaulted to', async () => {
    const handle = await startActivityWorkflow('schedule-to-start-default', 'echo', ['never runs'], {
      taskQueue: `${worker.taskQueue}-without-worker`,
      scheduleToCloseTimeout: '1s',
    });
    const { cause } = await activityFailureOf(handle.result());
    expect((cause as TimeoutFailure).timeoutType).toBe('SCHEDULE_TO_START');
  });
});

describe('heartbeats', () => {
  it('times out an attempt that stops heartbeating and hands its last details to the next attempt', async () => {
    const handle = await startActivityWorkflow('heartbeat-details', 'heartbeatThenStall', ['checkpoint 1'], {
      startToCloseTimeout: '1 minute',
      // Long enough for attempt 1's first heartbeat to arrive in time on a loaded machine.
      heartbeatTimeout: '2s',
      retry: { initialInterval: '100ms', maximumAttempts: 2 },
    });
    expect(await handle.result()).toBe('checkpoint 1');
    const attempts = attemptsByWorkflow.get(handle.workflowId)!;
    expect(attempts.map((a) => [a.attempt, a.heartbeatDetails])).toEqual([
      [1, undefined],
      [2, 'checkpoint 1'],
    ]);
    const events = await historyEvents(handle);
    const started = firstEventOfType(events, 'ActivityTaskStarted').activityTaskStartedEventAttributes!;
    expect(started.attempt).toBe(2);
    expect(started.lastFailure?.timeoutFailureInfo?.timeoutType).toBe(4 /* TIMEOUT_TYPE_HEARTBEAT */);
  });

  it('fails with a HEARTBEAT timeout carrying the last heartbeat details when no attempts remain', async () => {
    const handle = await startActivityWorkflow('heartbeat-timeout', 'heartbeatThenStall', ['halfway'], {
      startToCloseTimeout: '1 minute',
      heartbeatTimeout: '2s',
      retry: { maximumAttempts: 1 },
    });
    const { cause } = await activityFailureOf(handle.result());
    expect(cause).toBeInstanceOf(TimeoutFailure);
    expect((cause as TimeoutFailure).timeoutType).toBe('HEARTBEAT');
    expect((cause as TimeoutFailure).lastHeartbeatDetails).toBe('halfway');
    expect(activityEventTypes(await historyEventTypes(handle))).toEqual([
      'ActivityTaskScheduled',
      'ActivityTaskStarted',
      'ActivityTaskTimedOut',
    ]);
  });

  it('delivers a cancellation to a running activity through its heartbeat', async () => {
    const handle = await client.workflow.start(cancelRunningActivity, {
      taskQueue: worker.taskQueue,
      workflowId: uniqueWorkflowId('activity-cancel'),
    });
    await activityStarted(handle.workflowId);
    const pending = (await handle.describe()).raw.pendingActivities ?? [];
    expect(pending.map((activity) => activity.activityType?.name)).toEqual(['heartbeatUntilCancelled']);
    await handle.signal(cancelActivitySignal);
    expect(await handle.result()).toBe('cancelled');
    expect(cancellationOutcomeByWorkflow.get(handle.workflowId)).toBe('cancelled');
    const types = await historyEventTypes(handle);
    expect(
      isSubsequence(
        [
          'ActivityTaskScheduled',
          'WorkflowExecutionSignaled',
          'ActivityTaskCancelRequested',
          'ActivityTaskStarted',
          'ActivityTaskCanceled',
          'WorkflowExecutionCompleted',
        ],
        types,
      ),
    ).toBe(true);
    expect(types).not.toContain('ActivityTaskCompleted');
  });
});

describe('asynchronous completion', () => {
  const waitingOptions: RunActivityOptions = { startToCloseTimeout: '1 minute', retry: { maximumAttempts: 1 } };

  it('completes an activity by task token', async () => {
    const handle = await startActivityWorkflow('async-token', 'completeFromOutside', [], waitingOptions);
    await activityStarted(handle.workflowId);
    await client.activity.complete(asyncTaskTokens.get(handle.workflowId)!, 'completed by token');
    expect(await handle.result()).toBe('completed by token');
    expect(activityEventTypes(await historyEventTypes(handle))).toEqual([
      'ActivityTaskScheduled',
      'ActivityTaskStarted',
      'ActivityTaskCompleted',
    ]);
  });

  it('heartbeats and completes an activity by workflow id and activity id', async () => {
    const handle = await startActivityWorkflow('async-id', 'completeFromOutside', [], waitingOptions);
    await activityStarted(handle.workflowId);
    const activityId = { workflowId: handle.workflowId, activityId: '1' };
    await client.activity.heartbeat(activityId, 'half done');
    const pending = (await handle.describe()).raw.pendingActivities ?? [];
    expect(pending).toHaveLength(1);
    await client.activity.complete(activityId, 'completed by id');
    expect(await handle.result()).toBe('completed by id');
  });

  it('fails an activity by id, and the workflow sees the failure', async () => {
    const handle = await startActivityWorkflow('async-fail', 'completeFromOutside', [], waitingOptions);
    await activityStarted(handle.workflowId);
    await client.activity.fail(
      { workflowId: handle.workflowId, activityId: '1' },
      new Error('rejected by the operator'),
    );
    const { cause } = await activityFailureOf(handle.result());
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause!.message).toBe('rejected by the operator');
    expect(activityEventTypes(await historyEventTypes(handle))).toEqual([
      'ActivityTaskScheduled',
      'ActivityTaskStarted',
      'ActivityTaskFailed',
    ]);
  });

  it('tells a heartbeating client about a cancel request; the client then reports the cancellation', async () => {
    const handle = await client.workflow.start(cancelRunningActivity, {
      taskQueue: worker.taskQueue,
      workflowId: uniqueWorkflowId('async-cancel'),
      args: ['completeFromOutside'],
    });
    await activityStarted(handle.workflowId);
    const activityId = { workflowId: handle.workflowId, activityId: '1' };
    await handle.signal(cancelActivitySignal);
    // The workflow requests the cancellation in the task that handles the signal; heartbeat until it shows.
    let heartbeatOutcome: unknown;
    for (let round = 0; round < 200 && !(heartbeatOutcome instanceof ActivityCancelledError); round += 1) {
      heartbeatOutcome = await client.activity.heartbeat(activityId).catch((err: unknown) => err);
      if (!(heartbeatOutcome instanceof ActivityCancelledError))
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(heartbeatOutcome).toBeInstanceOf(ActivityCancelledError);
    await client.activity.reportCancellation(activityId, 'stopped');
    expect(await handle.result()).toBe('cancelled');
    expect(
      isSubsequence(
        ['ActivityTaskCancelRequested', 'ActivityTaskStarted', 'ActivityTaskCanceled'],
        await historyEventTypes(handle),
      ),
    ).toBe(true);
  });

  it('rejects completing an activity that does not exist with ActivityNotFoundError', async () => {
    const handle = await startActivityWorkflow('async-missing', 'echo', ['done'], waitingOptions);
    expect(await handle.result()).toBe('done');
    await expect(
      client.activity.complete({ workflowId: handle.workflowId, activityId: '1' }, 'late'),
    ).rejects.toBeInstanceOf(ActivityNotFoundError);
    await expect(
      client.activity.complete({ workflowId: uniqueWorkflowId('nobody'), activityId: '1' }, 'x'),
    ).rejects.toBeInstanceOf(ActivityNotFoundError);
  });
});

describe('local activities', () => {
  it('runs local activities (with their retries) on the worker and records one marker each', async () => {
    const handle = await client.workflow.start(localActivities, {
      taskQueue: worker.taskQueue,
      workflowId: uniqueWorkflowId('local'),
    });
    expect(await handle.result()).toEqual(['local', 'succeeded on attempt 3']);
    const events = await historyEvents(handle);
    const markers = events.filter((event) => eventTypeName(event) === 'MarkerRecorded');
    expect(markers.map((marker) => marker.markerRecordedEventAttributes?.markerName)).toEqual([
      'core_local_activity',
      'core_local_activity',
    ]);
    expect(events.map(eventTypeName)).not.toContain('ActivityTaskScheduled');
    expect(eventTypeName(events[events.length - 1])).toBe('WorkflowExecutionCompleted');
  });
});
