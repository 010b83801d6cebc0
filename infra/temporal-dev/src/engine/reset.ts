/**
 * ResetWorkflowExecution: a new run of the same workflow id whose history is the base run's up to the given
 * workflow task, then that task failed with RESET_WORKFLOW, then the signals the base run received after it
 * (unless excluded), then a new workflow task. Timers and activities pending at that point are pending again;
 * the current run, if open, is terminated. Children and external signals / cancels pending at the reset
 * point are refused (their bookkeeping across runs is not rebuilt).
 */
import { randomUUID } from 'node:crypto';
import type { Engine } from '../engine';
import * as errors from '../errors';
import { EventAttributes, Execution, HistoryEvent, Obj, PayloadMap, WorkflowStatus, isOpen } from '../model';
import { enums, num, toMs } from '../proto';
import { WrittenEvent, eventAttributes, eventKind, eventSize } from './history-log';
import type { SavedTimer } from './timers';

export function resetWorkflow(engine: Engine, req: Obj): Obj {
  const ns = engine.ns(req.namespace);
  const workflowId: string = req.workflowExecution?.workflowId ?? '';
  const base = engine.find(ns.name, workflowId, req.workflowExecution?.runId);
  const requestId: string = req.requestId || randomUUID();
  const seen = ns.requestIds.get(requestId);
  if (seen && ns.executions.get(seen)?.workflowId === workflowId) return { runId: seen };
  const finishId = num(req.workflowTaskFinishEventId);
  const finish = base.history[finishId - 1];
  const finishKind = finish ? eventKind(finish) : '';
  const cut = finishKind === 'workflowTaskStarted' ? finishId : finishId - 1;
  const startedEvent = base.history[cut - 1];
  if (
    !['workflowTaskCompleted', 'workflowTaskFailed', 'workflowTaskTimedOut', 'workflowTaskStarted'].includes(
      finishKind,
    ) ||
    !startedEvent ||
    eventKind(startedEvent) !== 'workflowTaskStarted'
  ) {
    throw errors.invalidArgument(
      `WorkflowTaskFinishEventId ${finishId} is not the id of a workflow task's completed, failed, timed-out or started event.`,
    );
  }
  const copied = base.history.slice(0, cut);
  const pending = pendingAt(copied);
  if (pending.children || pending.external) {
    throw errors.invalidArgument(
      'Reset to a point with pending child workflows or external signals / cancels is not supported by the embedded server.',
    );
  }
  const now = engine.now();
  const runId = randomUUID();
  const identity: string = req.identity ?? '';
  const ex: Execution = {
    ...base,
    runId,
    startRequestId: requestId,
    status: WorkflowStatus.RUNNING,
    startTime: now,
    executionTime: now,
    closeTime: 0,
    history: copied,
    memo: pending.memo,
    searchAttributes: pending.searchAttributes,
    runTimer: undefined,
    wft: null,
    wftAttempt: 1,
    lastCompletedStartedId: pending.lastCompletedStartedId,
    buffered: [],
    activities: new Map(),
    timers: new Map(),
    children: new Map(),
    queriesAwaitingTask: [],
    historyWaiters: new Set(),
    cancelRequested: pending.cancelRequested,
    newRunId: undefined,
    startDelayTimer: undefined,
    updates: undefined,
    sticky: undefined,
    historySizeBytes: copied.reduce((n, e) => n + eventSize(eventAttributes(e)), 0),
  };
  const current = engine.current(ns, workflowId);
  if (current && isOpen(current)) engine.lifecycle.terminate(current, req.reason ?? '', null, identity);
  ns.executions.set(runId, ex);
  ns.runs.get(workflowId)!.push(runId);
  ns.requestIds.set(requestId, runId);

  engine.events.append(ex, 'workflowTaskFailed', {
    scheduledEventId: num(startedEvent.workflowTaskStartedEventAttributes!.scheduledEventId),
    startedEventId: cut,
    cause: (enums.WorkflowTaskFailedCause as unknown as Record<string, number>)
      .WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW,
    failure: { message: req.reason ?? '', resetWorkflowFailureInfo: {} },
    identity,
    baseRunId: base.runId,
    newRunId: runId,
    forkEventVersion: 0,
  });
  const excluded: number[] = (req.resetReapplyExcludeTypes ?? []).map(num);
  const reapplySignals = num(req.resetReapplyType) !== 2 && !excluded.includes(1);
  if (reapplySignals) {
    for (const ev of base.history.slice(cut)) {
      if (ev.workflowExecutionSignaledEventAttributes)
        engine.events.append(
          ex,
          'workflowExecutionSignaled',
          ev.workflowExecutionSignaledEventAttributes as EventAttributes,
        );
    }
  }
  engine.lifecycle.armRunTimer(ex, now);
  for (const t of pending.timers) engine.timers.arm(ex, t);
  for (const ev of pending.activities) engine.activities.track(ex, ev);
  for (const id of pending.cancelRequestedActivities) {
    const act = ex.activities.get(id);
    if (act) act.cancelRequested = true;
  }
  engine.workflowTasks.schedule(ex);
  engine.log('debug', `reset ${workflowId}/${base.runId} at event ${finishId} into run ${runId}`);
  return { runId };
}

const CHILD_CLOSED = [
  'childWorkflowExecutionCompleted',
  'childWorkflowExecutionFailed',
  'childWorkflowExecutionCanceled',
  'childWorkflowExecutionTerminated',
  'childWorkflowExecutionTimedOut',
  'startChildWorkflowExecutionFailed',
];
const EXTERNAL_DONE = [
  'externalWorkflowExecutionSignaled',
  'signalExternalWorkflowExecutionFailed',
  'externalWorkflowExecutionCancelRequested',
  'requestCancelExternalWorkflowExecutionFailed',
];
const ACTIVITY_CLOSED = ['activityTaskCompleted', 'activityTaskFailed', 'activityTaskTimedOut', 'activityTaskCanceled'];

/** What is pending after a prefix of a history: a reset's new run starts from it. */
function pendingAt(events: HistoryEvent[]) {
  const timers = new Map<string, SavedTimer>();
  const activities = new Map<number, WrittenEvent>();
  const cancelRequestedActivities = new Set<number>();
  const children = new Set<number>();
  const external = new Set<number>();
  const started = events[0].workflowExecutionStartedEventAttributes!;
  const memo: PayloadMap = { ...(started.memo?.fields ?? {}) };
  const searchAttributes: PayloadMap = { ...(started.searchAttributes?.indexedFields ?? {}) };
  let cancelRequested = false;
  let lastCompletedStartedId = 0;
  const attrs = (ev: HistoryEvent, kind: string): Obj | undefined => (ev as Obj)[`${kind}EventAttributes`];
  for (const ev of events) {
    let a: Obj | undefined;
    if ((a = attrs(ev, 'timerStarted')))
      timers.set(a.timerId, {
        timerId: a.timerId,
        startedEventId: num(ev.eventId),
        fireAt: toMs(ev.eventTime) + toMs(a.startToFireTimeout),
      });
    else if ((a = attrs(ev, 'timerFired') ?? attrs(ev, 'timerCanceled'))) timers.delete(a.timerId);
    else if (attrs(ev, 'activityTaskScheduled')) activities.set(num(ev.eventId), ev as WrittenEvent);
    else if ((a = attrs(ev, 'activityTaskCancelRequested'))) cancelRequestedActivities.add(num(a.scheduledEventId));
    else if (attrs(ev, 'startChildWorkflowExecutionInitiated')) children.add(num(ev.eventId));
    else if (
      attrs(ev, 'signalExternalWorkflowExecutionInitiated') ||
      attrs(ev, 'requestCancelExternalWorkflowExecutionInitiated')
    )
      external.add(num(ev.eventId));
    else if ((a = attrs(ev, 'upsertWorkflowSearchAttributes')))
      Object.assign(searchAttributes, a.searchAttributes?.indexedFields ?? {});
    else if ((a = attrs(ev, 'workflowPropertiesModified'))) Object.assign(memo, a.upsertedMemo?.fields ?? {});
    else if (attrs(ev, 'workflowExecutionCancelRequested')) cancelRequested = true;
    else if ((a = attrs(ev, 'workflowTaskCompleted'))) lastCompletedStartedId = num(a.startedEventId);
    for (const kind of ACTIVITY_CLOSED) if ((a = attrs(ev, kind))) activities.delete(num(a.scheduledEventId));
    for (const kind of CHILD_CLOSED) if ((a = attrs(ev, kind))) children.delete(num(a.initiatedEventId));
    for (const kind of EXTERNAL_DONE) if ((a = attrs(ev, kind))) external.delete(num(a.initiatedEventId));
  }
  return {
    timers: [...timers.values()],
    activities: [...activities.values()],
    cancelRequestedActivities,
    children: children.size,
    external: external.size,
    memo,
    searchAttributes,
    cancelRequested,
    lastCompletedStartedId,
  };
}
