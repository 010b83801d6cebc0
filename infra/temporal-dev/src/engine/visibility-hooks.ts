/**
 * What the rest of the server sees of executions: the hooks the engine calls when something changes
 * (persistence, schedules and visibility listen), and DescribeWorkflowExecution / WorkflowExecutionInfo as
 * listings show them.
 */
import type { Engine } from '../engine';
import { Execution, Obj, Payload, TaskQueueKind } from '../model';
import { fromMs, num, optDuration } from '../proto';

export interface EngineHooks {
  /** Called whenever an execution's state changes (persistence listens). */
  onChange?: (ex: Execution) => void;
  /** Called when a workflow chain ends (any close but continue-as-new): schedules watch the runs they started. */
  onWorkflowClosed?: (ex: Execution) => void;
  /** Called when DeleteWorkflowExecution removed a run (persistence records the deletion). */
  onDeleted?: (ex: Execution) => void;
  /** Called when namespaces or search attributes change. */
  onMetaChange?: () => void;
  /** The search-attribute registry: validates upserts and types payloads in listings. */
  searchAttributes?: {
    unknownAttribute(ns: string, fields: Record<string, unknown>): string | null;
    typed(ns: string, fields: Record<string, Payload>): Record<string, Payload>;
  };
}

/** PendingActivityState: a requested cancel shows over started / scheduled. */
const PENDING_SCHEDULED = 1;
const PENDING_STARTED = 2;
const PENDING_CANCEL_REQUESTED = 3;

/** DescribeWorkflowExecution. */
export function describeExecution(engine: Engine, ex: Execution): Obj {
  const pendingActivities = [...ex.activities.values()].map((a) => ({
    activityId: a.activityId,
    activityType: { name: a.activityType },
    state: a.cancelRequested ? PENDING_CANCEL_REQUESTED : a.state === 'started' ? PENDING_STARTED : PENDING_SCHEDULED,
    heartbeatDetails: a.heartbeatDetails ?? undefined,
    lastHeartbeatTime: a.lastHeartbeatTime ? fromMs(a.lastHeartbeatTime) : undefined,
    lastStartedTime: a.startedTime ? fromMs(a.startedTime) : undefined,
    attempt: a.attempt,
    maximumAttempts: num(a.retryPolicy.maximumAttempts),
    scheduledTime: fromMs(a.currentAttemptScheduledTime),
    expirationTime: a.scheduleToCloseMs ? fromMs(a.scheduledTime + a.scheduleToCloseMs) : undefined,
    lastFailure: a.lastFailure ?? undefined,
    lastWorkerIdentity: a.startedIdentity,
  }));
  const pendingChildren = [...ex.children.values()].map((c) => ({
    workflowId: c.workflowId,
    runId: c.runId,
    workflowTypeName: c.workflowType,
    initiatedId: c.initiatedEventId,
    parentClosePolicy: c.parentClosePolicy,
  }));
  return {
    executionConfig: {
      taskQueue: { name: ex.taskQueue, kind: TaskQueueKind.NORMAL },
      workflowExecutionTimeout: optDuration(ex.executionTimeoutMs),
      workflowRunTimeout: optDuration(ex.runTimeoutMs),
      defaultWorkflowTaskTimeout: fromMs(ex.taskTimeoutMs),
    },
    workflowExecutionInfo: executionInfo(engine, ex),
    pendingActivities,
    pendingChildren,
    pendingWorkflowTask: ex.wft
      ? {
          state: ex.wft.startedEventId ? 2 : 1,
          scheduledTime: fromMs(ex.wft.scheduledTime),
          originalScheduledTime: fromMs(ex.wft.scheduledTime),
          startedTime: ex.wft.startedTime ? fromMs(ex.wft.startedTime) : undefined,
          attempt: ex.wft.attempt,
        }
      : undefined,
  };
}

/** WorkflowExecutionInfo, as Describe and the listings return it. */
export function executionInfo(engine: Engine, ex: Execution): Obj {
  return {
    execution: { workflowId: ex.workflowId, runId: ex.runId },
    type: { name: ex.workflowType },
    startTime: fromMs(ex.startTime),
    closeTime: ex.closeTime ? fromMs(ex.closeTime) : undefined,
    status: ex.status,
    historyLength: ex.history.length,
    parentNamespaceId: ex.parent ? (engine.namespaces.get(ex.parent.namespace)?.id ?? '') : '',
    parentExecution: ex.parent ? { workflowId: ex.parent.workflowId, runId: ex.parent.runId } : undefined,
    executionTime: fromMs(ex.executionTime),
    memo: { fields: ex.memo },
    searchAttributes: {
      indexedFields: engine.searchAttributes?.typed(ex.namespace, ex.searchAttributes) ?? ex.searchAttributes,
    },
    taskQueue: ex.taskQueue,
    stateTransitionCount: ex.history.length,
    historySizeBytes: ex.historySizeBytes,
    rootExecution: ex.root
      ? { workflowId: ex.root.workflowId, runId: ex.root.runId }
      : { workflowId: ex.workflowId, runId: ex.runId },
    firstRunId: ex.firstExecutionRunId,
    executionDuration: ex.closeTime ? fromMs(ex.closeTime - ex.startTime) : undefined,
  };
}
