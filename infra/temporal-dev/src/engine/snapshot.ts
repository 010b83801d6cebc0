/**
 * Persistence glue: an execution's mutable state as saved next to its history (no live handles: timers,
 * locks, waiters), and the rebuild at restart, where each concern re-arms what it owns (run timeout, timers,
 * activity deadlines, the workflow task).
 */
import type { Engine } from '../engine';
import { ChildState, Execution, HistoryEvent, isOpen } from '../model';
import type { SavedActivity } from './activities';
import type { SavedTimer } from './timers';
import type { SavedWorkflowTask } from './workflow-tasks';

/** Fields saved as they are. */
type PlainFields = Omit<
  Execution,
  | 'history'
  | 'runTimer'
  | 'wft'
  | 'activities'
  | 'timers'
  | 'children'
  | 'queriesAwaitingTask'
  | 'historyWaiters'
  | 'parent'
  | 'root'
  | 'newRunId'
  | 'startDelayTimer'
  | 'updates'
  | 'sticky'
>;

export interface ExecutionSnapshot extends PlainFields {
  wft: SavedWorkflowTask | null;
  activities: SavedActivity[];
  timers: SavedTimer[];
  children: ChildState[];
  parent: Execution['parent'] | null;
  root: Execution['root'] | null;
  newRunId: string | null;
  /** The first workflow task still waits for a start delay (it ends at `executionTime`). */
  startDelayPending: boolean;
}

/** The mutable state of an execution without its history and without live handles. */
export function exportExecution(engine: Engine, ex: Execution): ExecutionSnapshot {
  return {
    namespace: ex.namespace,
    workflowId: ex.workflowId,
    runId: ex.runId,
    firstExecutionRunId: ex.firstExecutionRunId,
    workflowType: ex.workflowType,
    taskQueue: ex.taskQueue,
    startRequestId: ex.startRequestId,
    status: ex.status,
    startTime: ex.startTime,
    executionTime: ex.executionTime,
    closeTime: ex.closeTime,
    taskTimeoutMs: ex.taskTimeoutMs,
    runTimeoutMs: ex.runTimeoutMs,
    executionTimeoutMs: ex.executionTimeoutMs,
    executionDeadline: ex.executionDeadline,
    memo: ex.memo,
    searchAttributes: ex.searchAttributes,
    header: ex.header,
    retryPolicy: ex.retryPolicy,
    cronSchedule: ex.cronSchedule ?? '',
    wft: ex.wft
      ? {
          scheduledEventId: ex.wft.scheduledEventId,
          startedEventId: ex.wft.startedEventId,
          attempt: ex.wft.attempt,
          scheduledTime: ex.wft.scheduledTime,
          startedTime: ex.wft.startedTime,
          identity: ex.wft.identity,
        }
      : null,
    wftAttempt: ex.wftAttempt,
    lastCompletedStartedId: ex.lastCompletedStartedId,
    buffered: ex.buffered,
    activities: [...ex.activities.values()].map((a) => ({ ...a, timers: undefined, locked: undefined })),
    timers: engine.timers.saved(ex),
    children: [...ex.children.values()],
    cancelRequested: ex.cancelRequested,
    parent: ex.parent ?? null,
    root: ex.root ?? null,
    newRunId: ex.newRunId ?? null,
    startDelayPending: Boolean(ex.startDelayTimer),
    historySizeBytes: ex.historySizeBytes,
  };
}

/** Rebuilds an execution from exported state and its history, re-arming timers and re-queueing tasks. */
export function restoreExecution(engine: Engine, state: ExecutionSnapshot, history: HistoryEvent[]): Execution {
  const ns = engine.ns(state.namespace);
  const {
    wft: savedTask,
    activities: savedActivities,
    timers: savedTimers,
    children,
    parent,
    root,
    newRunId,
    startDelayPending,
    ...plain
  } = state;
  const ex: Execution = {
    ...plain,
    history,
    wft: null,
    activities: new Map(),
    timers: new Map(),
    children: new Map(children.map((c) => [c.initiatedEventId, c])),
    queriesAwaitingTask: [],
    historyWaiters: new Set(),
    parent: parent ?? undefined,
    root: root ?? undefined,
    newRunId: newRunId ?? undefined,
    runTimer: undefined,
    startDelayTimer: undefined,
  };
  ns.executions.set(ex.runId, ex);
  const runs = ns.runs.get(ex.workflowId) ?? [];
  if (!runs.includes(ex.runId)) runs.push(ex.runId);
  ns.runs.set(ex.workflowId, runs);
  ns.requestIds.set(ex.startRequestId, ex.runId);
  engine.events.noteRestored(history);
  if (!isOpen(ex)) return ex;

  engine.lifecycle.armRunTimer(ex, ex.startTime);
  for (const t of savedTimers) engine.timers.arm(ex, t);
  for (const a of savedActivities) engine.activities.restore(ex, a);
  if (savedTask) engine.workflowTasks.restore(ex, savedTask);
  else if (startDelayPending) engine.lifecycle.armStartDelay(ex, ex.executionTime);
  return ex;
}
