// Conformance: client-facing RPCs (start policies, signals, queries, cancel, terminate, describe, history)
// driven through the official SDK. Runs against the embedded server, or a real one when TEMPORAL_ADDRESS is set.
import { randomUUID } from 'node:crypto';
import { status as grpcStatus } from '@grpc/grpc-js';
import {
  Client as TemporalClient,
  NamespaceNotFoundError,
  QueryNotRegisteredError,
  QueryRejectedError,
  ServiceError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import {
  ApplicationFailure,
  CancelledFailure,
  TerminatedFailure,
  WorkflowExecutionAlreadyStartedError,
} from '@temporalio/common';
import { google, temporal } from '@temporalio/proto';
import Long from 'long';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { notesByWorkflow } from './activities';
import {
  durationMs,
  eventTypeName,
  historyEventTypes,
  historyEvents,
  isSubsequence,
  eventually,
  firstEventOfType,
  useConformanceEnv,
  uniqueWorkflowId,
  withoutWorkflowTaskEvents,
  type HistoryEvent,
  type RunningWorker,
} from './helpers';
import {
  cleanupOnCancel,
  collectItems,
  echoWorkflow,
  failWorkflow,
  failingQuery,
  itemSignal,
  itemsQuery,
  parallelActivities,
  phaseQuery,
  unblockSignal,
  waitForUnblock,
} from './workflows';

let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let client: Client;

useConformanceEnv('client-calls', (setup) => ({ env, worker, client } = setup));

function options(label: string) {
  return { taskQueue: worker.taskQueue, workflowId: uniqueWorkflowId(label) };
}

describe('namespace and system', () => {
  it('describes the namespace and reports system capabilities', async () => {
    const namespace = env.namespace ?? 'default';
    const described = await client.workflowService.describeNamespace({ namespace });
    expect(described.namespaceInfo?.name).toBe(namespace);
    const system = await client.workflowService.getSystemInfo({});
    expect(system.capabilities?.sdkMetadata).toBe(true);
    expect(system.capabilities?.eagerWorkflowStart).toBe(true);
  });

  it('rejects starting a workflow in an unknown namespace with NamespaceNotFoundError', async () => {
    const stranger = new TemporalClient({ connection: env.connection, namespace: `no-such-namespace-${randomUUID()}` });
    await expect(
      stranger.workflow.start(echoWorkflow, { ...options('unknown-namespace'), args: ['x'] }),
    ).rejects.toBeInstanceOf(NamespaceNotFoundError);
  });
});

describe('start', () => {
  it('runs a workflow to completion and records started → task → completed', async () => {
    const handle = await client.workflow.start(echoWorkflow, { ...options('echo'), args: ['hello'] });
    expect(await handle.result()).toBe('hello');
    const events = await historyEvents(handle);
    expect(events.map(eventTypeName)).toEqual([
      'WorkflowExecutionStarted',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskCompleted',
      'WorkflowExecutionCompleted',
    ]);
    const started = events[0].workflowExecutionStartedEventAttributes!;
    expect(started.workflowType?.name).toBe('echoWorkflow');
    expect(started.taskQueue?.name).toBe(worker.taskQueue);
    expect(started.attempt).toBe(1);
    expect(started.firstExecutionRunId).toBe(handle.firstExecutionRunId);
    // The server's default workflow task timeout.
    expect(durationMs(started.workflowTaskTimeout)).toBe(10_000);
    expect(events[1].workflowTaskScheduledEventAttributes?.taskQueue?.name).toBe(worker.taskQueue);
    expect(events[2].workflowTaskStartedEventAttributes?.scheduledEventId?.toString()).toBe('2');
    const taskCompleted = events[3].workflowTaskCompletedEventAttributes!;
    expect([taskCompleted.scheduledEventId?.toString(), taskCompleted.startedEventId?.toString()]).toEqual(['2', '3']);
    expect(events[4].workflowExecutionCompletedEventAttributes?.workflowTaskCompletedEventId?.toString()).toBe('4');
  });

  it('rejects a second start of a running workflow id (conflict policy FAIL, the default)', async () => {
    const opts = options('conflict-fail');
    const first = await client.workflow.start(waitForUnblock, opts);
    const second = client.workflow.start(waitForUnblock, opts);
    await expect(second).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
    await expect(second).rejects.toMatchObject({ workflowId: opts.workflowId, workflowType: 'waitForUnblock' });
    await first.signal(unblockSignal, 'done');
    expect(await first.result()).toBe('done');
  });

  it('answers a duplicate start with ALREADY_EXISTS and WorkflowExecutionAlreadyStartedFailure naming the running run', async () => {
    const opts = options('already-started-details');
    const running = await client.workflow.start(waitForUnblock, opts);
    const outcome = await client.workflowService
      .startWorkflowExecution({
        namespace: env.namespace ?? 'default',
        workflowId: opts.workflowId,
        workflowType: { name: 'waitForUnblock' },
        taskQueue: { name: opts.taskQueue },
        requestId: randomUUID(),
        identity: 'conformance',
      })
      .catch((err: unknown) => err as { code?: number; metadata?: { get(key: string): unknown[] } });
    expect(outcome).toMatchObject({ code: grpcStatus.ALREADY_EXISTS });
    const [encodedStatus] = (outcome as { metadata: { get(key: string): unknown[] } }).metadata.get(
      'grpc-status-details-bin',
    ) as Buffer[];
    const details = google.rpc.Status.decode(encodedStatus).details ?? [];
    expect(details.map((detail) => detail.type_url)).toEqual([
      'type.googleapis.com/temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure',
    ]);
    const failure = temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure.decode(details[0].value!);
    expect(failure.runId).toBe(running.firstExecutionRunId);
    await running.terminate('test over');
  });

  it('returns the running execution under conflict policy USE_EXISTING', async () => {
    const opts = options('conflict-use-existing');
    const first = await client.workflow.start(waitForUnblock, opts);
    const second = await client.workflow.start(waitForUnblock, { ...opts, workflowIdConflictPolicy: 'USE_EXISTING' });
    expect(second.firstExecutionRunId).toBe(first.firstExecutionRunId);
    await second.signal(unblockSignal, 'one run');
    expect(await first.result()).toBe('one run');
  });

  it('starts a new run after a completed one under ALLOW_DUPLICATE (the default reuse policy)', async () => {
    const opts = options('reuse-allow');
    const first = await client.workflow.start(echoWorkflow, { ...opts, args: ['first'] });
    expect(await first.result()).toBe('first');
    const second = await client.workflow.start(echoWorkflow, {
      ...opts,
      args: ['second'],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
    expect(second.firstExecutionRunId).not.toBe(first.firstExecutionRunId);
    expect(await second.result()).toBe('second');
    // The first run's history is still there, under its own run id.
    expect(await first.result()).toBe('first');
  });

  it('under ALLOW_DUPLICATE_FAILED_ONLY rejects reuse after success but allows it after failure', async () => {
    const completed = options('reuse-failed-only-completed');
    await client.workflow.execute(echoWorkflow, { ...completed, args: ['ok'] });
    await expect(
      client.workflow.start(echoWorkflow, {
        ...completed,
        args: ['again'],
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      }),
    ).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);

    const failed = options('reuse-failed-only-failed');
    await expect(client.workflow.execute(failWorkflow, { ...failed, args: ['no'] })).rejects.toBeInstanceOf(
      WorkflowFailedError,
    );
    const retry = await client.workflow.start(echoWorkflow, {
      ...failed,
      args: ['second chance'],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    });
    expect(await retry.result()).toBe('second chance');
  });

  it('under REJECT_DUPLICATE rejects any reuse of a closed workflow id', async () => {
    const opts = options('reuse-reject');
    await client.workflow.execute(echoWorkflow, { ...opts, args: ['once'] });
    await expect(
      client.workflow.start(echoWorkflow, { ...opts, args: ['twice'], workflowIdReusePolicy: 'REJECT_DUPLICATE' }),
    ).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
  });

  it('under TERMINATE_IF_RUNNING terminates the running execution and starts a new one', async () => {
    const opts = options('reuse-terminate');
    const first = await client.workflow.start(waitForUnblock, opts);
    const second = await client.workflow.start(echoWorkflow, {
      ...opts,
      args: ['replacement'],
      workflowIdReusePolicy: 'TERMINATE_IF_RUNNING',
    });
    expect(second.firstExecutionRunId).not.toBe(first.firstExecutionRunId);
    const firstOutcome = await first.result().catch((err: unknown) => err);
    expect(firstOutcome).toBeInstanceOf(WorkflowFailedError);
    expect((firstOutcome as WorkflowFailedError).cause).toBeInstanceOf(TerminatedFailure);
    expect(await second.result()).toBe('replacement');
  });

  it('returns the same run for a repeated request id (request-id deduplication)', async () => {
    const { workflowId, taskQueue } = options('request-id');
    const request = {
      namespace: env.namespace ?? 'default',
      workflowId,
      workflowType: { name: 'echoWorkflow' },
      taskQueue: { name: taskQueue },
      input: { payloads: [] },
      requestId: randomUUID(),
      identity: 'conformance',
    };
    const first = await client.workflowService.startWorkflowExecution(request);
    const repeated = await client.workflowService.startWorkflowExecution(request);
    expect(repeated.runId).toBe(first.runId);
    // echoWorkflow without input returns undefined; let it finish so nothing is left running.
    await client.workflow.getHandle(workflowId, first.runId).result();
  });
});

describe('eager workflow start', () => {
  it("hands the first workflow task to the starting client's own worker in the start response", async () => {
    // The SDK asks for eager start only through a connection its worker shares (core then gives the task to it).
    const sharing = new TemporalClient({ connection: env.nativeConnection, namespace: env.namespace ?? 'default' });
    const handle = await sharing.workflow.start(echoWorkflow, {
      ...options('eager'),
      args: ['eager'],
      requestEagerStart: true,
    });
    expect(handle.eagerlyStarted).toBe(true);
    expect(await handle.result()).toBe('eager');
    const events = await historyEvents(handle);
    expect(events.map(eventTypeName).slice(0, 4)).toEqual([
      'WorkflowExecutionStarted',
      'WorkflowTaskScheduled',
      'WorkflowTaskStarted',
      'WorkflowTaskCompleted',
    ]);
  });

  it('starts normally when eager start is not asked for', async () => {
    const sharing = new TemporalClient({ connection: env.nativeConnection, namespace: env.namespace ?? 'default' });
    const handle = await sharing.workflow.start(echoWorkflow, { ...options('not-eager'), args: ['queued'] });
    expect(handle.eagerlyStarted).toBe(false);
    expect(await handle.result()).toBe('queued');
  });
});

describe('signals', () => {
  it('delivers signals in the order they were sent, including those that arrive while a task is in flight', async () => {
    const handle = await client.workflow.start(collectItems, { ...options('signal-order'), args: [20] });
    for (let item = 0; item < 20; item += 1) await handle.signal(itemSignal, item);
    expect(await handle.result()).toEqual(Array.from({ length: 20 }, (_, item) => item));
    const events = await historyEvents(handle);
    const signaled = events.filter((event) => eventTypeName(event) === 'WorkflowExecutionSignaled');
    expect(signaled).toHaveLength(20);
    expect(signaled.every((event) => event.workflowExecutionSignaledEventAttributes?.signalName === 'item')).toBe(true);
  });

  it('rejects a signal to an unknown or closed workflow with WorkflowNotFoundError', async () => {
    await expect(
      client.workflow.getHandle(uniqueWorkflowId('nobody')).signal(unblockSignal, 'x'),
    ).rejects.toBeInstanceOf(WorkflowNotFoundError);
    const handle = await client.workflow.start(echoWorkflow, { ...options('signal-closed'), args: ['closed'] });
    await handle.result();
    await expect(handle.signal(unblockSignal, 'late')).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it('signalWithStart starts a missing workflow with the signal as its second event', async () => {
    const handle = await client.workflow.signalWithStart(waitForUnblock, {
      ...options('signal-with-start-new'),
      signal: unblockSignal,
      signalArgs: ['from signalWithStart'],
    });
    expect(await handle.result()).toBe('from signalWithStart');
    const types = await historyEventTypes(handle);
    expect(types.slice(0, 3)).toEqual([
      'WorkflowExecutionStarted',
      'WorkflowExecutionSignaled',
      'WorkflowTaskScheduled',
    ]);
  });

  it('signalWithStart starts a new run when the previous one has closed', async () => {
    const opts = options('signal-with-start-closed');
    const closed = await client.workflow.start(echoWorkflow, { ...opts, args: ['first run'] });
    expect(await closed.result()).toBe('first run');
    const fresh = await client.workflow.signalWithStart(waitForUnblock, {
      ...opts,
      signal: unblockSignal,
      signalArgs: ['second run'],
    });
    expect(fresh.signaledRunId).not.toBe(closed.firstExecutionRunId);
    expect(await fresh.result()).toBe('second run');
  });

  it('signalWithStart signals the running execution instead of starting another', async () => {
    const opts = options('signal-with-start-running');
    const running = await client.workflow.start(waitForUnblock, opts);
    const signaled = await client.workflow.signalWithStart(waitForUnblock, {
      ...opts,
      signal: unblockSignal,
      signalArgs: ['to the running one'],
    });
    expect(signaled.signaledRunId).toBe(running.firstExecutionRunId);
    expect(await running.result()).toBe('to the running one');
  });
});

describe('queries', () => {
  it('answers a query on a running workflow and again after it has closed', async () => {
    const handle = await client.workflow.start(waitForUnblock, options('query'));
    expect(await handle.query(phaseQuery)).toBe('waiting');
    await handle.signal(unblockSignal, 'go');
    expect(await handle.result()).toBe('go');
    expect(await handle.query(phaseQuery)).toBe('done');
  });

  it('reports a query handler that throws, with its message', async () => {
    const handle = await client.workflow.start(waitForUnblock, options('query-fails'));
    const outcome = await handle.query(failingQuery).catch((err: unknown) => err);
    expect(outcome).toBeInstanceOf(QueryNotRegisteredError);
    expect((outcome as Error).message).toContain('this query refuses to answer');
    await handle.terminate('test over');
  });

  it('reports an unknown query type, naming it', async () => {
    const handle = await client.workflow.start(waitForUnblock, options('query-unknown'));
    const outcome = await handle.query('noSuchQuery').catch((err: unknown) => err);
    expect(outcome).toBeInstanceOf(QueryNotRegisteredError);
    expect((outcome as Error).message).toContain('noSuchQuery');
    await handle.terminate('test over');
  });

  it('rejects queries under a reject condition once the workflow is closed (NOT_OPEN, NOT_COMPLETED_CLEANLY)', async () => {
    const strict = (queryRejectCondition: 'NOT_OPEN' | 'NOT_COMPLETED_CLEANLY') =>
      new TemporalClient({
        connection: env.connection,
        namespace: env.namespace ?? 'default',
        workflow: { queryRejectCondition },
      });
    const running = await client.workflow.start(waitForUnblock, options('query-reject-running'));
    expect(await strict('NOT_OPEN').workflow.getHandle(running.workflowId).query(phaseQuery)).toBe('waiting');
    await running.signal(unblockSignal, 'closing');
    await running.result();
    const rejected = await strict('NOT_OPEN')
      .workflow.getHandle(running.workflowId)
      .query(phaseQuery)
      .catch((err: unknown) => err);
    expect(rejected).toBeInstanceOf(QueryRejectedError);
    expect((rejected as QueryRejectedError).status).toBe(
      temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED,
    );
    // Completed cleanly: NOT_COMPLETED_CLEANLY still answers.
    expect(await strict('NOT_COMPLETED_CLEANLY').workflow.getHandle(running.workflowId).query(phaseQuery)).toBe('done');

    const terminated = await client.workflow.start(waitForUnblock, options('query-reject-terminated'));
    expect(await terminated.query(phaseQuery)).toBe('waiting');
    await terminated.terminate('not clean');
    const notClean = await strict('NOT_COMPLETED_CLEANLY')
      .workflow.getHandle(terminated.workflowId)
      .query(phaseQuery)
      .catch((err: unknown) => err);
    expect(notClean).toBeInstanceOf(QueryRejectedError);
    expect((notClean as QueryRejectedError).status).toBe(
      temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED,
    );
  });

  it('refuses to query a workflow that closed before any worker ran it (FAILED_PRECONDITION)', async () => {
    const handle = await client.workflow.start(waitForUnblock, {
      taskQueue: `no-worker-${randomUUID()}`,
      workflowId: uniqueWorkflowId('query-not-ready'),
    });
    await handle.terminate('never ran');
    const outcome = await handle.query(phaseQuery).catch((err: unknown) => err);
    expect(outcome).toBeInstanceOf(ServiceError);
    expect((outcome as ServiceError).cause).toMatchObject({ code: grpcStatus.FAILED_PRECONDITION });
  });

  it('rejects a query to an unknown workflow with WorkflowNotFoundError', async () => {
    await expect(client.workflow.getHandle(uniqueWorkflowId('nobody')).query(phaseQuery)).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
  });
});

describe('cancel', () => {
  it('delivers a cancellation the workflow catches, runs its cleanup and ends canceled', async () => {
    const handle = await client.workflow.start(cleanupOnCancel, options('cancel'));
    // The query is answered once the first task has run, so the day-long timer has been started.
    expect(await handle.query(phaseQuery)).toBe('sleeping');
    await handle.cancel();
    const outcome = await handle.result().catch((err: unknown) => err);
    expect(outcome).toBeInstanceOf(WorkflowFailedError);
    expect((outcome as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect(notesByWorkflow.get(handle.workflowId)).toEqual(['cleaned up after cancellation']);
    const types = await historyEventTypes(handle);
    expect(
      isSubsequence(
        [
          'TimerStarted',
          'WorkflowExecutionCancelRequested',
          'TimerCanceled',
          'ActivityTaskScheduled',
          'ActivityTaskStarted',
          'ActivityTaskCompleted',
        ],
        types,
      ),
    ).toBe(true);
    expect(types[types.length - 1]).toBe('WorkflowExecutionCanceled');
    expect((await handle.describe()).status.name).toBe('CANCELLED');
  });

  it('accepts a cancel request for a closed workflow as a no-op', async () => {
    const handle = await client.workflow.start(echoWorkflow, { ...options('cancel-closed'), args: ['finished'] });
    expect(await handle.result()).toBe('finished');
    await handle.cancel();
    expect((await handle.describe()).status.name).toBe('COMPLETED');
  });
});

describe('terminate', () => {
  it('terminates a running workflow with a reason; result() reports TerminatedFailure', async () => {
    const handle = await client.workflow.start(waitForUnblock, options('terminate'));
    await handle.terminate('operator stopped it');
    const outcome = await handle.result().catch((err: unknown) => err);
    expect(outcome).toBeInstanceOf(WorkflowFailedError);
    expect((outcome as WorkflowFailedError).cause).toBeInstanceOf(TerminatedFailure);
    expect((outcome as WorkflowFailedError).message).toBe('operator stopped it');
    const events = await historyEvents(handle);
    const last = events[events.length - 1];
    expect(eventTypeName(last)).toBe('WorkflowExecutionTerminated');
    expect(last.workflowExecutionTerminatedEventAttributes?.reason).toBe('operator stopped it');
    expect((await handle.describe()).status.name).toBe('TERMINATED');
  });

  it('rejects terminating a closed workflow with WorkflowNotFoundError', async () => {
    const handle = await client.workflow.start(echoWorkflow, { ...options('terminate-closed'), args: ['done'] });
    await handle.result();
    await expect(handle.terminate('too late')).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });
});

describe('workflow failure', () => {
  it('fails with the ApplicationFailure the workflow threw (type, message, details)', async () => {
    const handle = await client.workflow.start(failWorkflow, { ...options('fail'), args: ['order 17 is invalid'] });
    const outcome = await handle.result().catch((err: unknown) => err);
    expect(outcome).toBeInstanceOf(WorkflowFailedError);
    const cause = (outcome as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause).toMatchObject({ type: 'OrderRejected', message: 'order 17 is invalid', details: [42] });
    const types = await historyEventTypes(handle);
    expect(types[types.length - 1]).toBe('WorkflowExecutionFailed');
    expect((await handle.describe()).status.name).toBe('FAILED');
  });
});

describe('describe', () => {
  it('describes a running and then a completed workflow', async () => {
    const handle = await client.workflow.start(waitForUnblock, options('describe'));
    const running = await handle.describe();
    expect(running).toMatchObject({
      workflowId: handle.workflowId,
      runId: handle.firstExecutionRunId,
      type: 'waitForUnblock',
      taskQueue: worker.taskQueue,
      status: { name: 'RUNNING' },
    });
    expect(running.startTime).toBeInstanceOf(Date);
    expect(running.closeTime).toBeUndefined();
    expect(running.historyLength).toBeGreaterThanOrEqual(2);

    await handle.signal(unblockSignal, 'finish');
    await handle.result();
    const closed = await handle.describe();
    expect(closed.status.name).toBe('COMPLETED');
    expect(closed.closeTime).toBeInstanceOf(Date);
    expect(closed.closeTime!.getTime()).toBeGreaterThanOrEqual(closed.startTime.getTime());
    expect(closed.historyLength).toBe((await historyEvents(handle)).length);
  });

  it('rejects describing an unknown workflow with WorkflowNotFoundError', async () => {
    await expect(client.workflow.getHandle(uniqueWorkflowId('nobody')).describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
  });
});

describe('history', () => {
  it('pages through a long history: every event once, ids 1..n in order', async () => {
    const handle = await client.workflow.start(parallelActivities, { ...options('long-history'), args: [150] });
    expect(await handle.result()).toBe(150);
    const events = await historyEvents(handle);
    // 150 × (scheduled, started, completed) plus the workflow's own events: more than one 256-event page.
    expect(events.length).toBeGreaterThan(450);
    expect(events.map((event) => Number(event.eventId))).toEqual(events.map((_, index) => index + 1));
    const times = events.map((event) => durationMs(event.eventTime));
    expect(times.every((time, index) => time > 0 && (index === 0 || time >= times[index - 1]))).toBe(true);
    expect(eventTypeName(events[events.length - 1])).toBe('WorkflowExecutionCompleted');
  });

  it('honours a small page size and hands out page tokens until the history ends', async () => {
    const handle = await client.workflow.start(collectItems, { ...options('paging'), args: [12] });
    for (let item = 0; item < 12; item += 1) await handle.signal(itemSignal, item);
    await handle.result();
    const full = await historyEvents(handle);
    const paged: temporal.api.history.v1.IHistoryEvent[] = [];
    let nextPageToken: Uint8Array | undefined;
    let pages = 0;
    do {
      const page = await client.workflowService.getWorkflowExecutionHistory({
        namespace: env.namespace ?? 'default',
        execution: { workflowId: handle.workflowId },
        maximumPageSize: 5,
        nextPageToken,
      });
      expect(page.history?.events?.length ?? 0).toBeLessThanOrEqual(5);
      paged.push(...(page.history?.events ?? []));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
      pages += 1;
    } while (nextPageToken && pages < 100);
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(full.length / 5));
    expect(paged.map(eventTypeName)).toEqual(full.map(eventTypeName));
  });

  it('long-polls with waitNewEvent: the next page waits for new events and continues the event ids', async () => {
    const handle = await client.workflow.start(waitForUnblock, options('long-poll'));
    // Answered after the first workflow task, so the history has settled until the signal.
    expect(await handle.query(phaseQuery)).toBe('waiting');
    const request = {
      namespace: env.namespace ?? 'default',
      execution: { workflowId: handle.workflowId, runId: handle.firstExecutionRunId },
      waitNewEvent: true,
    };
    const first = await client.workflowService.getWorkflowExecutionHistory(request);
    const seen = first.history?.events ?? [];
    expect(seen.map(eventTypeName)[0]).toBe('WorkflowExecutionStarted');
    expect(first.nextPageToken?.length ?? 0).toBeGreaterThan(0);
    const waiting = client.workflowService.getWorkflowExecutionHistory({
      ...request,
      nextPageToken: first.nextPageToken,
    });
    await handle.signal(unblockSignal, 'wake up');
    const next = await waiting;
    const events = next.history?.events ?? [];
    expect(events.length).toBeGreaterThan(0);
    expect(Number(events[0].eventId)).toBe(seen.length + 1);
    expect(events.map(eventTypeName)).toContain('WorkflowExecutionSignaled');
    expect(await handle.result()).toBe('wake up');
  });

  it('returns only the close event with the close-event filter', async () => {
    const handle = await client.workflow.start(echoWorkflow, { ...options('close-event'), args: ['x'] });
    await handle.result();
    const response = await client.workflowService.getWorkflowExecutionHistory({
      namespace: env.namespace ?? 'default',
      execution: { workflowId: handle.workflowId },
      historyEventFilterType: temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
    });
    expect((response.history?.events ?? []).map(eventTypeName)).toEqual(['WorkflowExecutionCompleted']);
  });

  it('leaves only workflow-level events besides task bookkeeping for a signalled workflow', async () => {
    const handle = await client.workflow.start(waitForUnblock, options('history-shape'));
    await handle.signal(unblockSignal, 'v');
    await handle.result();
    expect(withoutWorkflowTaskEvents(await historyEventTypes(handle))).toEqual([
      'WorkflowExecutionStarted',
      'WorkflowExecutionSignaled',
      'WorkflowExecutionCompleted',
    ]);
  });

  it('lets the collecting workflow be queried mid-way', async () => {
    const handle = await client.workflow.start(collectItems, { ...options('items-query'), args: [2] });
    await handle.signal(itemSignal, 7);
    expect(await handle.query(itemsQuery)).toEqual([7]);
    await handle.signal(itemSignal, 8);
    expect(await handle.result()).toEqual([7, 8]);
  });
});

describe('reset and delete', () => {
  const namespace = () => env.namespace ?? 'default';
  const RESET_WORKFLOW = temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW;

  /** Signal values in the given events. */
  const itemsIn = (events: HistoryEvent[]) =>
    events
      .filter((e) => e.workflowExecutionSignaledEventAttributes)
      .map((e) =>
        Number(
          JSON.parse(Buffer.from(e.workflowExecutionSignaledEventAttributes!.input!.payloads![0].data!).toString()),
        ),
      );

  async function resetToFirstCompletedTask(
    workflowId: string,
    runId: string,
    exclude: temporal.api.enums.v1.ResetReapplyExcludeType[] = [],
  ) {
    const events = await historyEvents(client.workflow.getHandle(workflowId, runId));
    const firstCompleted = firstEventOfType(events, 'WorkflowTaskCompleted');
    const { runId: newRunId } = await client.workflowService.resetWorkflowExecution({
      namespace: namespace(),
      workflowExecution: { workflowId, runId },
      reason: 'conformance reset',
      workflowTaskFinishEventId: firstCompleted.eventId,
      requestId: randomUUID(),
      resetReapplyExcludeTypes: exclude,
    });
    return { events, cut: Number(firstCompleted.eventId) - 1, newRunId: newRunId! };
  }

  it('resets a closed run to its first completed workflow task, reapplying the signals received after it', async () => {
    const handle = await client.workflow.start(collectItems, { ...options('reset'), args: [3] });
    for (const item of [1, 2, 3]) await handle.signal(itemSignal, item);
    expect(await handle.result()).toEqual([1, 2, 3]);
    const { events, cut, newRunId } = await resetToFirstCompletedTask(handle.workflowId, handle.firstExecutionRunId);
    expect(newRunId).not.toBe(handle.firstExecutionRunId);

    const reset = client.workflow.getHandle(handle.workflowId, newRunId);
    expect(await reset.result()).toEqual([1, 2, 3]);
    const resetEvents = await historyEvents(reset);
    // The history up to the task's start is the base run's; the task then failed with RESET_WORKFLOW.
    expect(resetEvents.slice(0, cut).map(eventTypeName)).toEqual(events.slice(0, cut).map(eventTypeName));
    expect(eventTypeName(resetEvents[cut])).toBe('WorkflowTaskFailed');
    expect(resetEvents[cut].workflowTaskFailedEventAttributes).toMatchObject({
      cause: RESET_WORKFLOW,
      baseRunId: handle.firstExecutionRunId,
      newRunId,
    });
    expect(itemsIn(resetEvents)).toEqual([1, 2, 3]);
    expect(eventTypeName(resetEvents[resetEvents.length - 1])).toBe('WorkflowExecutionCompleted');
  });

  it('terminates the running run it resets and leaves excluded signals out', async () => {
    const handle = await client.workflow.start(collectItems, { ...options('reset-running'), args: [2] });
    await handle.signal(itemSignal, 1);
    await eventually('the signal to be recorded', async () => itemsIn(await historyEvents(handle)).length === 1);
    const { events, cut, newRunId } = await resetToFirstCompletedTask(handle.workflowId, handle.firstExecutionRunId, [
      temporal.api.enums.v1.ResetReapplyExcludeType.RESET_REAPPLY_EXCLUDE_TYPE_SIGNAL,
    ]);
    expect(
      (await client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).describe()).status.name,
    ).toBe('TERMINATED');
    const reset = client.workflow.getHandle(handle.workflowId, newRunId);
    // Only signals before the reset point (none or the one, depending on when it arrived) are in the new run.
    const kept = itemsIn(events.slice(0, cut));
    expect(await reset.query(itemsQuery)).toEqual(kept);
    for (const item of [7, 8].slice(0, 2 - kept.length)) await reset.signal(itemSignal, item);
    expect(await reset.result()).toEqual([...kept, 7, 8].slice(0, 2));
    // The workflow id's current run is the new one.
    expect((await client.workflow.getHandle(handle.workflowId).describe()).runId).toBe(newRunId);
  });

  it("refuses a reset to an event that is not a workflow task's end with INVALID_ARGUMENT", async () => {
    const handle = await client.workflow.start(echoWorkflow, { ...options('reset-invalid'), args: ['x'] });
    await handle.result();
    const err = await client.workflowService
      .resetWorkflowExecution({
        namespace: namespace(),
        workflowExecution: { workflowId: handle.workflowId },
        reason: 'bad',
        workflowTaskFinishEventId: Long.fromNumber(1),
        requestId: randomUUID(),
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: grpcStatus.INVALID_ARGUMENT });
    // Nothing changed: the current run is still the original, completed.
    const current = await client.workflow.getHandle(handle.workflowId).describe();
    expect(current.runId).toBe(handle.firstExecutionRunId);
    expect(current.status.name).toBe('COMPLETED');
  });

  it('deletes a run: a running one is terminated first, and then it is gone', async () => {
    const handle = await client.workflow.start(waitForUnblock, options('delete'));
    await client.workflowService.deleteWorkflowExecution({
      namespace: namespace(),
      workflowExecution: { workflowId: handle.workflowId },
    });
    await eventually('the run to be deleted', () =>
      handle.describe().then(
        () => false,
        (err: unknown) => err instanceof WorkflowNotFoundError,
      ),
    );
    await expect(handle.signal(unblockSignal, 'too late')).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });
});
