/**
 * Workflow tasks: scheduling (sticky queue first, normal queue after the sticky timeout), starting one for a
 * poller, completion (commands applied, buffered events written, the next task scheduled when needed),
 * failure and timeout (retried as a new attempt).
 */
import { randomUUID } from 'node:crypto';
import type { Engine } from '../engine';
import * as errors from '../errors';
import type { PollInfo } from '../matching';
import {
  Execution,
  WireFailure,
  PollWorkflowTaskResponse,
  ProtocolMessage,
  QueryResult,
  RespondWorkflowTaskCompletedRequest,
  RespondWorkflowTaskCompletedResponse,
  RespondWorkflowTaskFailedRequest,
  RespondWorkflowTaskFailedResponse,
  TaskQueueKind,
  TimeoutType,
  WorkflowQuery,
  WorkflowTaskState,
  isOpen,
} from '../model';
import { enums, fromMs, toMs } from '../proto';
import { CommandContext, closingCommandIndex } from './commands';
import { HISTORY_WARN_EVENTS } from './history-log';
import { TaskToken, decodeToken, encodeToken } from './task-token';

export const DEFAULT_WFT_TIMEOUT_MS = 10_000;
export const MAX_WFT_TIMEOUT_MS = 120_000;

/** The poll response for a workflow task (temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse). */
export type WorkflowTaskResponse = PollWorkflowTaskResponse;

/** The workflow task as persisted (without its timer, lock and queries). */
export type SavedWorkflowTask = Pick<
  WorkflowTaskState,
  'scheduledEventId' | 'startedEventId' | 'attempt' | 'scheduledTime' | 'startedTime' | 'identity'
>;

export class WorkflowTasks {
  constructor(private readonly engine: Engine) {}

  /** Schedules the next workflow task; `offer` = false leaves it off the queues (an eager start takes it). */
  schedule(ex: Execution, offer = true): WorkflowTaskState | undefined {
    if (!isOpen(ex) || ex.wft || ex.startDelayTimer) return undefined;
    const attempt = ex.wftAttempt;
    const ev = this.engine.events.append(ex, 'workflowTaskScheduled', {
      // The task goes to the worker that asked for stickiness first, and the event says so, as on a Temporal server.
      taskQueue: ex.sticky
        ? { name: ex.sticky.queue, kind: TaskQueueKind.STICKY, normalName: ex.taskQueue }
        : { name: ex.taskQueue, kind: TaskQueueKind.NORMAL },
      startToCloseTimeout: fromMs(ex.taskTimeoutMs),
      attempt,
    });
    const wft: WorkflowTaskState = {
      scheduledEventId: ev.eventId,
      startedEventId: 0,
      attempt,
      scheduledTime: this.engine.now(),
      startedTime: 0,
      identity: '',
      queries: new Map(),
    };
    ex.wft = wft;
    this.engine.hold(wft);
    // Queries that waited for a workflow task ride on this one.
    for (const q of ex.queriesAwaitingTask.splice(0)) if (!q.done) wft.queries.set(q.id, q);
    if (offer) this.offer(ex, wft);
    return wft;
  }

  /**
   * Offers a workflow task to the worker that asked for stickiness (its cache has the workflow), falling
   * back to the normal queue when that worker does not take it within the sticky schedule-to-start timeout.
   */
  private offer(ex: Execution, wft: WorkflowTaskState): void {
    const task = { start: (poll: PollInfo) => this.start(ex, wft, poll) };
    const sticky = ex.sticky;
    if (!sticky) {
      this.engine.wfQueue(ex.namespace, ex.taskQueue).offer(task);
      return;
    }
    this.engine.wfQueue(ex.namespace, sticky.queue).offer(task);
    this.engine.clock.after(sticky.scheduleToStartMs || 5000, () => {
      if (ex.wft !== wft || wft.startedEventId || !isOpen(ex)) return;
      if (ex.sticky === sticky) ex.sticky = undefined;
      this.engine.wfQueue(ex.namespace, ex.taskQueue).offer(task);
    });
  }

  /** ShutdownWorker: workflows sticky to that worker go back to the normal queue. */
  unstick(nsName: string, stickyQueue: string): void {
    const ns = this.engine.namespaces.get(nsName);
    if (!ns || !stickyQueue) return;
    for (const ex of ns.executions.values()) {
      if (ex.sticky?.queue !== stickyQueue) continue;
      ex.sticky = undefined;
      if (ex.wft && !ex.wft.startedEventId && isOpen(ex)) {
        const wft = ex.wft;
        this.engine.wfQueue(ex.namespace, ex.taskQueue).offer({ start: (poll) => this.start(ex, wft, poll) });
      }
    }
  }

  /** Starts the task for a poller: writes WorkflowTaskStarted and builds the poll response. */
  start(ex: Execution, wft: WorkflowTaskState, poll: PollInfo): WorkflowTaskResponse | null {
    if (!isOpen(ex) || ex.wft !== wft || wft.startedEventId) return null;
    const now = this.engine.now();
    const ev = this.engine.events.append(ex, 'workflowTaskStarted', {
      scheduledEventId: wft.scheduledEventId,
      identity: poll.identity,
      requestId: poll.requestId ?? randomUUID(),
      suggestContinueAsNew: ex.history.length > HISTORY_WARN_EVENTS,
      historySizeBytes: ex.historySizeBytes,
    });
    wft.startedEventId = ev.eventId;
    wft.startedTime = now;
    wft.identity = poll.identity;
    wft.timeout = this.engine.clock.after(ex.taskTimeoutMs, () => this.timeOut(ex, wft));
    const queries: Record<string, WorkflowQuery> = {};
    for (const [id, q] of wft.queries) if (!q.done) queries[id] = q.query;
    return {
      taskToken: encodeToken({
        k: 'w',
        ns: ex.namespace,
        wid: ex.workflowId,
        rid: ex.runId,
        s: wft.scheduledEventId,
        a: wft.attempt,
      }),
      workflowExecution: { workflowId: ex.workflowId, runId: ex.runId },
      workflowType: { name: ex.workflowType },
      previousStartedEventId: ex.lastCompletedStartedId,
      startedEventId: wft.startedEventId,
      attempt: wft.attempt,
      backlogCountHint: 0,
      history: { events: ex.history },
      nextPageToken: Buffer.alloc(0),
      workflowExecutionTaskQueue: { name: ex.taskQueue, kind: TaskQueueKind.NORMAL },
      scheduledTime: fromMs(wft.scheduledTime),
      startedTime: fromMs(now),
      queries,
      messages: this.engine.updates.deliverWith(ex, wft),
    };
  }

  /** Looks up the started workflow task a token names, or NOT_FOUND (the worker then evicts). */
  private forToken(token: TaskToken): { ex: Execution; wft: WorkflowTaskState } {
    let ex: Execution;
    try {
      ex = this.engine.find(token.ns, token.wid, token.rid);
    } catch {
      throw errors.notFound('Workflow task not found.');
    }
    const wft = ex.wft;
    if (!isOpen(ex) || !wft || wft.scheduledEventId !== token.s || wft.attempt !== token.a || !wft.startedEventId) {
      throw errors.notFound('Workflow task not found.');
    }
    return { ex, wft };
  }

  /** RespondWorkflowTaskCompleted. */
  respondCompleted(req: RespondWorkflowTaskCompletedRequest): RespondWorkflowTaskCompletedResponse {
    const token = decodeToken(req.taskToken);
    const { ex, wft } = this.forToken(token);
    this.engine.queries.answer(wft, (req.queryResults ?? {}) as Record<string, QueryResult>);
    const commands = req.commands ?? [];

    const completing = closingCommandIndex(commands);
    if (completing >= 0 && ex.buffered.length) {
      // New events arrived while the worker decided to close: the workflow must see them first.
      this.fail(ex, wft, 'UNHANDLED_COMMAND', null, req.identity ?? '');
      throw errors.invalidArgument('UnhandledCommand');
    }
    const invalid = this.engine.commands.validate(ex, commands, completing);
    if (invalid) {
      this.fail(
        ex,
        wft,
        invalid.cause,
        { message: invalid.message, applicationFailureInfo: { type: 'BadCommand', nonRetryable: false } },
        req.identity ?? '',
      );
      throw errors.invalidArgument(invalid.message);
    }

    wft.timeout?.cancel();
    const completed = this.engine.events.append(ex, 'workflowTaskCompleted', {
      scheduledEventId: wft.scheduledEventId,
      startedEventId: wft.startedEventId,
      identity: req.identity ?? '',
      binaryChecksum: req.binaryChecksum ?? '',
      workerVersion: req.workerVersionStamp ?? undefined,
      sdkMetadata: req.sdkMetadata ?? undefined,
      meteringMetadata: req.meteringMetadata ?? undefined,
      deployment: req.deployment ?? undefined,
      versioningBehavior: req.versioningBehavior ?? 0,
    });
    ex.wft = null;
    ex.wftAttempt = 1;
    ex.lastCompletedStartedId = wft.startedEventId;
    const sticky = req.stickyAttributes;
    const stickyQueue = sticky?.workerTaskQueue?.name;
    ex.sticky = stickyQueue
      ? { queue: stickyQueue, scheduleToStartMs: toMs(sticky?.scheduleToStartTimeout) }
      : undefined;
    const ctx: CommandContext = {
      completedId: completed.eventId,
      needsTask: false,
      identity: req.identity ?? '',
      after: [],
      messages: new Map(),
    };
    for (const m of req.messages ?? []) if (m.id) ctx.messages.set(m.id, m as ProtocolMessage);
    for (const cmd of commands) {
      if (!isOpen(ex)) break;
      this.engine.commands.apply(ex, cmd, ctx);
    }
    // Messages without a command (update rejections) apply after the commands.
    for (const m of [...ctx.messages.values()]) this.engine.updates.applyMessage(ex, m, ctx);
    if (this.engine.updates.afterTask(ex, wft)) ctx.needsTask = true;
    let newTask = false;
    if (isOpen(ex)) {
      const hadBuffered = this.engine.events.flushBuffered(ex);
      if (hadBuffered || ctx.needsTask || req.forceCreateNewWorkflowTask) {
        this.schedule(ex);
        newTask = true;
      }
    }
    this.engine.queries.reroute(ex, wft, newTask);
    this.engine.release(wft);
    // Children, external signals and cancels start once this task's events are written.
    for (const action of ctx.after) action();
    this.engine.events.enforceLimit(ex);
    return {};
  }

  /** RespondWorkflowTaskFailed. */
  respondFailed(req: RespondWorkflowTaskFailedRequest): RespondWorkflowTaskFailedResponse {
    const token = decodeToken(req.taskToken);
    const { ex, wft } = this.forToken(token);
    const causes = (req.cause as number) ?? 0;
    this.fail(ex, wft, causes, req.failure ?? null, req.identity ?? '');
    return {};
  }

  private fail(
    ex: Execution,
    wft: WorkflowTaskState,
    cause: number | string,
    failure: WireFailure | null,
    identity: string,
  ) {
    wft.timeout?.cancel();
    const causeNum =
      typeof cause === 'number'
        ? cause
        : (enums.WorkflowTaskFailedCause as unknown as Record<string, number>)[`WORKFLOW_TASK_FAILED_CAUSE_${cause}`];
    this.engine.events.append(ex, 'workflowTaskFailed', {
      scheduledEventId: wft.scheduledEventId,
      startedEventId: wft.startedEventId,
      cause: causeNum,
      failure: failure ?? undefined,
      identity,
    });
    ex.wft = null;
    this.engine.updates.redeliver(ex);
    if (cause !== 'UNHANDLED_COMMAND') ex.sticky = undefined;
    // UnhandledCommand is not the worker's fault: the retry is a fresh first attempt.
    ex.wftAttempt = cause === 'UNHANDLED_COMMAND' ? 1 : wft.attempt + 1;
    this.engine.events.flushBuffered(ex);
    this.schedule(ex);
    this.engine.queries.reroute(ex, wft, true);
    this.engine.release(wft);
  }

  private timeOut(ex: Execution, wft: WorkflowTaskState): void {
    if (!isOpen(ex) || ex.wft !== wft) return;
    this.engine.events.append(ex, 'workflowTaskTimedOut', {
      scheduledEventId: wft.scheduledEventId,
      startedEventId: wft.startedEventId,
      timeoutType: TimeoutType.START_TO_CLOSE,
    });
    ex.wft = null;
    ex.sticky = undefined;
    ex.wftAttempt = wft.attempt + 1;
    this.engine.events.flushBuffered(ex);
    this.schedule(ex);
    this.engine.queries.reroute(ex, wft, true);
    this.engine.release(wft);
  }

  /** A closing run drops its workflow task; queries it carried go to legacy query tasks. */
  drop(ex: Execution): void {
    if (!ex.wft) return;
    const wft = ex.wft;
    wft.timeout?.cancel();
    ex.wft = null;
    this.engine.queries.reroute(ex, wft, false);
    this.engine.release(wft);
  }

  /** Terminate: a started task is written off as failed with FORCE_CLOSE_COMMAND. */
  forceClose(ex: Execution, identity: string): void {
    if (!ex.wft?.startedEventId) return;
    const wft = ex.wft;
    this.engine.events.append(ex, 'workflowTaskFailed', {
      scheduledEventId: wft.scheduledEventId,
      startedEventId: wft.startedEventId,
      cause: (enums.WorkflowTaskFailedCause as unknown as Record<string, number>)
        .WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND,
      identity,
    });
  }

  /** Restart: a started task times out as it would have; an unstarted one is offered again. */
  restore(ex: Execution, saved: SavedWorkflowTask): void {
    const wft: WorkflowTaskState = { ...saved, queries: new Map(), timeout: undefined, locked: false };
    ex.wft = wft;
    this.engine.hold(wft);
    if (wft.startedEventId) {
      wft.timeout = this.engine.clock.schedule(wft.startedTime + ex.taskTimeoutMs, () => this.timeOut(ex, wft));
    } else {
      this.engine.wfQueue(ex.namespace, ex.taskQueue).offer({ start: (poll) => this.start(ex, wft, poll) });
    }
  }
}
