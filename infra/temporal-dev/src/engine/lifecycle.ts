/**
 * A run's life: start (StartWorkflowExecution, SignalWithStart, child starts, continue-as-new and cron runs all
 * come through `start`, with Temporal's id-reuse and id-conflict policies), close (completed, failed,
 * canceled, terminated, timed out: everything pending is dropped, parent and children are told), the run and
 * execution timeouts, delete and retention.
 */
import { randomUUID } from 'node:crypto';
import type { Engine } from '../engine';
import * as errors from '../errors';
import type { PollInfo } from '../matching';
import {
  EventAttributes,
  Execution,
  Failure,
  Obj,
  Payload,
  Payloads,
  RetryState,
  StartWorkflowRequest,
  UpdateRequest,
  TaskQueueKind,
  WorkflowStatus,
  isOpen,
} from '../model';
import { fromMs, num, optDuration, toMs } from '../proto';
import { blobSize } from './commands';
import { cronBackoffMs } from './continue-as-new';
import { DEFAULT_WFT_TIMEOUT_MS, MAX_WFT_TIMEOUT_MS, WorkflowTaskResponse } from './workflow-tasks';

export const MAX_ID_LENGTH = 1000;

/** What a start carries besides the request (who started it, what it continues, what rides along). */
export interface StartExtras {
  signal?: EventAttributes;
  parent?: Execution['parent'];
  root?: Execution['root'];
  continuedFrom?: Execution;
  initiator?: number;
  lastCompletionResult?: Payloads;
  failure?: Failure;
  attempt?: number;
  /** Search attributes only the server sets (TemporalScheduledById, ...), added after validation. */
  systemSearchAttributes?: Record<string, Payload>;
  /** Update-with-start: the update admitted with the start, so the first workflow task carries it. */
  update?: UpdateRequest;
  /** Eager start: the first workflow task is started for this poller and returned instead of queued. */
  eagerFor?: PollInfo;
}

export class RunLifecycle {
  constructor(private readonly engine: Engine) {}

  /** StartWorkflowExecution, SignalWithStart and child starts share this. */
  start(
    req: StartWorkflowRequest,
    extra: StartExtras = {},
  ): { ex: Execution; started: boolean; eagerWorkflowTask?: WorkflowTaskResponse } {
    const engine = this.engine;
    const ns = engine.ns(req.namespace);
    const workflowId: string = req.workflowId ?? '';
    if (!workflowId) throw errors.invalidArgument('WorkflowId is not set on request.');
    if (workflowId.length > MAX_ID_LENGTH) throw errors.invalidArgument('WorkflowId exceeds length limit.');
    const workflowType: string = req.workflowType?.name ?? '';
    if (!workflowType) throw errors.invalidArgument('WorkflowType is not set on request.');
    if (workflowType.length > MAX_ID_LENGTH) throw errors.invalidArgument('WorkflowType exceeds length limit.');
    const taskQueue: string = req.taskQueue?.name ?? '';
    if (!taskQueue) throw errors.invalidArgument('TaskQueue is not set on request.');
    const requestId: string = req.requestId || randomUUID();
    engine.checkBlob(blobSize(req.input, req.signalInput), `workflow ${workflowId} input`);
    if (req.cronSchedule) cronBackoffMs(req.cronSchedule, engine.now());
    const unknownSa = engine.searchAttributes?.unknownAttribute(ns.name, req.searchAttributes?.indexedFields ?? {});
    if (unknownSa)
      throw errors.invalidArgument(`Namespace ${ns.name} has no mapping defined for search attribute ${unknownSa}`);

    if (!extra.continuedFrom) {
      const dedup = ns.requestIds.get(requestId);
      if (dedup) {
        const ex = ns.executions.get(dedup);
        if (ex && ex.workflowId === workflowId) return { ex, started: true };
      }
      const existing = engine.current(ns, workflowId);
      if (existing) {
        const reuse = num(req.workflowIdReusePolicy) || 1;
        const conflict = num(req.workflowIdConflictPolicy) || (reuse === 4 ? 3 : 1);
        if (isOpen(existing)) {
          if (conflict === 2) {
            // USE_EXISTING: attach to the running execution
            return { ex: existing, started: false };
          }
          if (conflict === 3) {
            this.terminate(existing, 'TerminateExisting', null, req.identity ?? '');
          } else {
            throw errors.alreadyExists(
              `Workflow execution is already running. WorkflowId: ${workflowId}, RunId: ${existing.runId}.`,
              existing.startRequestId,
              existing.runId,
            );
          }
        } else if (reuse === 3) {
          throw errors.alreadyExists(
            `Workflow execution already finished and Workflow ID reuse policy does not allow a new run. WorkflowId: ${workflowId}, RunId: ${existing.runId}.`,
            existing.startRequestId,
            existing.runId,
          );
        } else if (
          reuse === 2 &&
          (existing.status === WorkflowStatus.COMPLETED || existing.status === WorkflowStatus.CONTINUED_AS_NEW)
        ) {
          throw errors.alreadyExists(
            `Workflow execution already finished successfully. WorkflowId: ${workflowId}, RunId: ${existing.runId}. Workflow Id reuse policy: allow duplicate workflow Id if last run failed.`,
            existing.startRequestId,
            existing.runId,
          );
        }
      }
    }

    const now = engine.now();
    const runId = randomUUID();
    const executionTimeoutMs = toMs(req.workflowExecutionTimeout);
    let runTimeoutMs = toMs(req.workflowRunTimeout);
    if (executionTimeoutMs && (!runTimeoutMs || runTimeoutMs > executionTimeoutMs)) runTimeoutMs = executionTimeoutMs;
    let taskTimeoutMs = toMs(req.workflowTaskTimeout) || DEFAULT_WFT_TIMEOUT_MS;
    taskTimeoutMs = Math.min(taskTimeoutMs, MAX_WFT_TIMEOUT_MS);
    if (runTimeoutMs) taskTimeoutMs = Math.min(taskTimeoutMs, runTimeoutMs);
    const cronSchedule: string = req.cronSchedule ?? '';
    const startDelayMs =
      toMs(req.workflowStartDelay) ||
      toMs(req.backoffStartInterval) ||
      (cronSchedule !== '' && !extra.continuedFrom ? cronBackoffMs(cronSchedule, now) : 0);
    const firstExecutionRunId = extra.continuedFrom?.firstExecutionRunId ?? runId;
    const executionDeadline = extra.continuedFrom
      ? extra.continuedFrom.executionDeadline
      : executionTimeoutMs
        ? now + executionTimeoutMs
        : 0;

    const ex: Execution = {
      namespace: ns.name,
      workflowId,
      runId,
      firstExecutionRunId,
      workflowType,
      taskQueue,
      startRequestId: requestId,
      status: WorkflowStatus.RUNNING,
      startTime: now,
      executionTime: now + startDelayMs,
      closeTime: 0,
      history: [],
      taskTimeoutMs,
      runTimeoutMs,
      executionTimeoutMs,
      executionDeadline,
      memo: { ...(req.memo?.fields ?? {}) },
      searchAttributes: { ...(req.searchAttributes?.indexedFields ?? {}), ...(extra.systemSearchAttributes ?? {}) },
      header: req.header ?? null,
      retryPolicy: req.retryPolicy ?? null,
      cronSchedule,
      wft: null,
      wftAttempt: 1,
      lastCompletedStartedId: 0,
      buffered: [],
      activities: new Map(),
      timers: new Map(),
      children: new Map(),
      queriesAwaitingTask: [],
      historyWaiters: new Set(),
      cancelRequested: false,
      parent: extra.parent,
      root: extra.root,
      historySizeBytes: 0,
    };
    ns.executions.set(runId, ex);
    const runs = ns.runs.get(workflowId) ?? [];
    runs.push(runId);
    ns.runs.set(workflowId, runs);
    ns.requestIds.set(requestId, runId);

    engine.events.append(ex, 'workflowExecutionStarted', {
      workflowType: { name: workflowType },
      taskQueue: { name: taskQueue, kind: TaskQueueKind.NORMAL },
      input: req.input ?? undefined,
      workflowExecutionTimeout: optDuration(executionTimeoutMs),
      workflowRunTimeout: optDuration(runTimeoutMs),
      workflowTaskTimeout: fromMs(taskTimeoutMs),
      continuedExecutionRunId: extra.continuedFrom?.runId ?? '',
      initiator: extra.initiator ?? 0,
      continuedFailure: extra.failure ?? undefined,
      lastCompletionResult: extra.lastCompletionResult ?? undefined,
      originalExecutionRunId: runId,
      identity: req.identity ?? '',
      firstExecutionRunId,
      retryPolicy: req.retryPolicy ?? undefined,
      attempt: extra.attempt ?? 1,
      workflowExecutionExpirationTime: executionDeadline ? fromMs(executionDeadline) : undefined,
      cronSchedule: req.cronSchedule ?? '',
      firstWorkflowTaskBackoff: optDuration(startDelayMs),
      memo: req.memo ?? undefined,
      searchAttributes: Object.keys(ex.searchAttributes).length ? { indexedFields: ex.searchAttributes } : undefined,
      header: req.header ?? undefined,
      parentWorkflowNamespace: extra.parent?.namespace ?? '',
      parentWorkflowExecution: extra.parent
        ? { workflowId: extra.parent.workflowId, runId: extra.parent.runId }
        : undefined,
      parentInitiatedEventId: extra.parent?.initiatedEventId ?? 0,
      rootWorkflowExecution: ex.root ? { workflowId: ex.root.workflowId, runId: ex.root.runId } : { workflowId, runId },
      workflowId,
      priority: req.priority ?? undefined,
      userMetadata: undefined,
    });
    if (extra.signal) engine.events.append(ex, 'workflowExecutionSignaled', extra.signal);
    if (extra.update) engine.updates.admitWithStart(ex, extra.update);

    this.armRunTimer(ex, now);
    if (startDelayMs > 0) {
      this.armStartDelay(ex, now + startDelayMs);
    } else if (extra.eagerFor) {
      // As a real server: the task is started for the client's worker and travels in the start response.
      const wft = engine.workflowTasks.schedule(ex, false);
      const eagerWorkflowTask = wft ? (engine.workflowTasks.start(ex, wft, extra.eagerFor) ?? undefined) : undefined;
      engine.log('debug', `started ${workflowType} ${workflowId}/${runId} eagerly`);
      return { ex, started: true, eagerWorkflowTask };
    } else {
      engine.workflowTasks.schedule(ex);
    }
    engine.log('debug', `started ${workflowType} ${workflowId}/${runId}`);
    return { ex, started: true };
  }

  /** The run timeout (from `runStart`) and the chain's execution deadline, whichever comes first. */
  armRunTimer(ex: Execution, runStart: number): void {
    if (!ex.runTimeoutMs && !ex.executionDeadline) return;
    const deadline = Math.min(
      ex.runTimeoutMs ? runStart + ex.runTimeoutMs : Infinity,
      ex.executionDeadline || Infinity,
    );
    ex.runTimer = this.engine.clock.schedule(deadline, () => this.timeOut(ex));
  }

  /** A delayed start (start delay, cron, continue-as-new backoff): the first workflow task waits until `at`. */
  armStartDelay(ex: Execution, at: number): void {
    ex.startDelayTimer = this.engine.clock.schedule(at, () => {
      ex.startDelayTimer = undefined;
      this.engine.workflowTasks.schedule(ex);
    });
  }

  /** Closes a run with its close event: everything pending is dropped, children and parent are told. */
  close(ex: Execution, kind: string, attrs: EventAttributes, status: number): void {
    const engine = this.engine;
    const next = engine.continuation.nextCronRun(ex, attrs, status);
    if (next) attrs.newExecutionRunId = next.runId;
    engine.events.append(ex, kind, attrs);
    ex.status = status;
    ex.closeTime = engine.now();
    ex.runTimer?.cancel();
    ex.startDelayTimer?.cancel();
    ex.startDelayTimer = undefined;
    engine.timers.cancelAll(ex);
    engine.activities.abandonAll(ex);
    ex.buffered = [];
    engine.workflowTasks.drop(ex);
    engine.queries.flushAwaiting(ex);
    engine.children.onClosed(ex, next);
    engine.events.notify(ex);
    engine.updates.wakeAll(ex);
    if (!next) engine.onWorkflowClosed?.(ex);
  }

  private timeOut(ex: Execution): void {
    if (!isOpen(ex)) return;
    this.close(ex, 'workflowExecutionTimedOut', { retryState: RetryState.TIMEOUT }, WorkflowStatus.TIMED_OUT);
  }

  terminate(ex: Execution, reason: string, details: Obj | null, identity: string): void {
    if (!isOpen(ex)) throw errors.completedAlready();
    this.engine.workflowTasks.forceClose(ex, identity);
    this.close(
      ex,
      'workflowExecutionTerminated',
      { reason, details: details ?? undefined, identity },
      WorkflowStatus.TERMINATED,
    );
  }

  /** DeleteWorkflowExecution: an open run is terminated first; the run then leaves the server with its history. */
  delete(ex: Execution, identity: string): void {
    if (isOpen(ex)) this.terminate(ex, 'Delete workflow execution', null, identity);
    this.remove(ex);
    this.engine.onDeleted?.(ex);
  }

  private remove(ex: Execution): void {
    const ns = this.engine.ns(ex.namespace);
    ns.executions.delete(ex.runId);
    if (ns.requestIds.get(ex.startRequestId) === ex.runId) ns.requestIds.delete(ex.startRequestId);
    const runs = ns.runs.get(ex.workflowId);
    if (runs) {
      const i = runs.indexOf(ex.runId);
      if (i >= 0) runs.splice(i, 1);
      if (!runs.length) ns.runs.delete(ex.workflowId);
    }
  }

  /** Removes closed executions past their namespace's retention (run at compaction). */
  purgeExpired(): number {
    let purged = 0;
    const now = this.engine.now();
    for (const ns of this.engine.namespaces.values()) {
      for (const ex of ns.executions.values()) {
        if (isOpen(ex) || !ex.closeTime || ex.closeTime + ns.retentionMs > now) continue;
        this.remove(ex);
        purged++;
      }
    }
    return purged;
  }
}
