/**
 * The history engine: applies client calls, worker completions and timer firings to workflow
 * executions, writing events the way a Temporal server records them (see the project's notes on
 * Temporal histories: buffering while a workflow task is in flight, activity retries not written to
 * history, ActivityTaskStarted written only at the activity's terminal event, and so on).
 */
import { randomUUID } from 'node:crypto';
import { Clock } from './clock';
import * as errors from './errors';
import { TaskQueue, PollInfo } from './matching';
import {
  ActivityState,
  Execution,
  LockHolder,
  NamespaceState,
  Obj,
  PendingEvent,
  PendingQuery,
  RetryState,
  TaskQueueKind,
  TimeoutType,
  WorkflowStatus,
  WorkflowTaskState,
  UpdateStage,
  UpdateState,
  isOpen,
} from './model';
import { decode, encode, enums, fromMs, num, optDuration, toMs, eventTypeOf, payloadsSize } from './proto';
import { CompiledSpec, SpecError, canonicalizeSpec } from './schedules/spec';

/** ContinueAsNewInitiator.CRON_SCHEDULE */
const INITIATOR_CRON = 3;

/** Time from `now` to the next time a workflow's cron schedule names (as the server delays a cron run's first task). */
function cronBackoffMs(cron: string, now: number): number {
  let spec: CompiledSpec;
  try {
    spec = new CompiledSpec(canonicalizeSpec({ cronString: [cron] }));
  } catch (err) {
    if (err instanceof SpecError) throw errors.invalidArgument(`Invalid CronSchedule: ${err.message}.`);
    throw err;
  }
  const next = spec.next(now, '');
  if (!next) throw errors.invalidArgument(`Invalid CronSchedule: ${cron} names no future time.`);
  return next.nominal - now;
}

const DEFAULT_WFT_TIMEOUT_MS = 10_000;
const MAX_WFT_TIMEOUT_MS = 120_000;
/** Matching hands back an empty response after this long, as Temporal's matching service does. */
export const LONG_POLL_MS = 60_000;
const HISTORY_LONG_POLL_MS = 20_000;
const DEFAULT_PAGE_SIZE = 256;
export const MAX_ID_LENGTH = 1000;
/** Temporal's default blob limits: a warning past 256 KB, an error past 2 MB. */
export const BLOB_WARN_BYTES = 256 * 1024;
export const BLOB_ERROR_BYTES = 2 * 1024 * 1024;
/** History length limits: warn (and suggest continue-as-new) past 10,240 events, terminate past 51,200. */
export const HISTORY_WARN_EVENTS = 10_240;
export const HISTORY_ERROR_EVENTS = 51_200;

/** Sum of the payload sizes a message carries in the given fields. */
function blobSize(...payloads: Array<Obj | null | undefined>): number {
  return payloads.reduce((n, p) => n + payloadsSize(p), 0);
}

export interface EngineOptions {
  clock: Clock;
  namespaces: string[];
  log?: (level: 'debug' | 'info' | 'warn' | 'error', msg: string) => void;
}

type WftResponse = Obj;
type ActivityResponse = Obj;

interface TaskToken {
  k: 'w' | 'a' | 'q';
  ns: string;
  wid: string;
  rid: string;
  /** scheduled event id (workflow / activity task) */
  s?: number;
  /** attempt */
  a?: number;
  /** query id */
  q?: string;
}

function encodeToken(t: TaskToken): Buffer {
  return Buffer.from(JSON.stringify(t));
}

function decodeToken(buf: Uint8Array | null | undefined): TaskToken {
  try {
    const t = JSON.parse(Buffer.from(buf ?? []).toString('utf8')) as TaskToken;
    if (!t || typeof t !== 'object' || !t.k) throw new Error('bad');
    return t;
  } catch {
    throw errors.invalidArgument('Task token is malformed.');
  }
}

const durationMs = (d: Obj | null | undefined): number => toMs(d);

interface CommandContext {
  completedId: number;
  needsTask: boolean;
  identity: string;
  /** Actions that run once the workflow task's completion is fully written (child starts, external calls). */
  after: Array<() => void>;
  /** Protocol messages of the completion not yet applied, by message id. */
  messages: Map<string, Obj>;
}

export class Engine {
  readonly clock: Clock;
  readonly namespaces = new Map<string, NamespaceState>();
  private readonly wfQueues = new Map<string, TaskQueue<WftResponse>>();
  private readonly actQueues = new Map<string, TaskQueue<ActivityResponse>>();
  private readonly pendingQueries = new Map<string, { ex: Execution; q: PendingQuery }>();
  private taskIdSeq = 0;
  private readonly log: NonNullable<EngineOptions['log']>;
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
    typed(ns: string, fields: Record<string, Obj>): Record<string, Obj>;
  };

  constructor(opts: EngineOptions) {
    this.clock = opts.clock;
    this.log = opts.log ?? (() => undefined);
    for (const ns of opts.namespaces) this.registerNamespace(ns);
  }

  // ---------------------------------------------------------------- namespaces

  registerNamespace(name: string, description = '', retentionMs = 24 * 3600_000): NamespaceState {
    const existing = this.namespaces.get(name);
    if (existing) return existing;
    const ns: NamespaceState = {
      name,
      id: randomUUID(),
      description,
      retentionMs,
      runs: new Map(),
      executions: new Map(),
      requestIds: new Map(),
    };
    this.namespaces.set(name, ns);
    this.onMetaChange?.();
    return ns;
  }

  ns(name: string | null | undefined): NamespaceState {
    const ns = this.namespaces.get(name || 'default');
    if (!ns) throw errors.namespaceNotFound(name ?? '');
    return ns;
  }

  // ---------------------------------------------------------------- lookups

  /** Finds an execution by id and optional run id (empty = the current run of the chain). */
  find(nsName: string, workflowId: string, runId?: string | null): Execution {
    const ns = this.ns(nsName);
    if (runId) {
      const ex = ns.executions.get(runId);
      if (!ex || ex.workflowId !== workflowId) {
        throw errors.notFound(`workflow execution not found for workflow ID "${workflowId}" and run ID "${runId}"`);
      }
      return ex;
    }
    const runs = ns.runs.get(workflowId);
    if (!runs?.length) throw errors.notFound(`workflow execution not found for workflow ID "${workflowId}"`);
    return ns.executions.get(runs[runs.length - 1])!;
  }

  /** The current run of a workflow id, if any. */
  current(ns: NamespaceState, workflowId: string): Execution | undefined {
    const runs = ns.runs.get(workflowId);
    return runs?.length ? ns.executions.get(runs[runs.length - 1]) : undefined;
  }

  // ---------------------------------------------------------------- time-skipping locks

  /** Workflow tasks lock time apart from clients; activity attempts share the clients' counter (see Clock). */
  private hold(h: LockHolder): void {
    if (!h.locked) {
      h.locked = true;
      if ('activityId' in h) this.clock.lockForActivity();
      else this.clock.lockForTask();
    }
  }

  private release(h: LockHolder): void {
    if (h.locked) {
      h.locked = false;
      if ('activityId' in h) this.clock.unlock();
      else this.clock.unlockForTask();
    }
  }

  // ---------------------------------------------------------------- history

  private now(): number {
    return this.clock.now();
  }

  private makeEvent(ex: Execution, kind: string, attrs: Obj): Obj {
    return {
      eventId: ex.history.length + 1,
      eventTime: fromMs(this.now()),
      eventType: eventTypeOf(kind),
      taskId: ++this.taskIdSeq,
      [`${kind}EventAttributes`]: attrs,
    };
  }

  /** Appends an event now (not buffered). */
  private append(ex: Execution, kind: string, attrs: Obj): Obj {
    this.touch(ex);
    const ev = this.makeEvent(ex, kind, attrs);
    ex.history.push(ev);
    ex.historySizeBytes += 64 + payloadsSize(attrs.input) + payloadsSize(attrs.result);
    if (ex.history.length === HISTORY_WARN_EVENTS)
      this.log('warn', `workflow ${ex.workflowId} history passed ${HISTORY_WARN_EVENTS} events`);
    this.notifyHistory(ex);
    return ev;
  }

  /** Marks an execution changed. */
  touch(ex: Execution): void {
    this.onChange?.(ex);
  }

  private appendGroup(ex: Execution, group: PendingEvent[]): Obj[] {
    const written = group.map((e) => this.append(ex, e.kind, e.attrs));
    group.forEach((e) => {
      if (e.startedFrom !== undefined) e.attrs.startedEventId = written[e.startedFrom].eventId;
    });
    return written;
  }

  private notifyHistory(ex: Execution): void {
    if (!ex.historyWaiters.size) return;
    const waiters = [...ex.historyWaiters];
    ex.historyWaiters.clear();
    // After the current change finishes, so waiters see every event it writes.
    queueMicrotask(() => waiters.forEach((w) => w()));
  }

  /**
   * Records events that come from outside the workflow (signal, activity outcome, timer, cancel request):
   * buffered while a workflow task is started, otherwise written now; either way a workflow task follows.
   */
  private deliver(ex: Execution, group: PendingEvent[]): void {
    if (!isOpen(ex)) return;
    if (ex.wft && ex.wft.startedEventId) {
      ex.buffered.push(group);
      return;
    }
    this.appendGroup(ex, group);
    this.scheduleWorkflowTask(ex);
    this.enforceHistoryLimit(ex);
  }

  /** Terminates a run whose history outgrew Temporal's limit, with Temporal's reason text. */
  private enforceHistoryLimit(ex: Execution): void {
    if (isOpen(ex) && ex.history.length > HISTORY_ERROR_EVENTS) {
      this.terminate(ex, 'Workflow history count exceeds limit.', null, 'history-service');
    }
  }

  private flushBuffered(ex: Execution): boolean {
    if (!ex.buffered.length) return false;
    const groups = ex.buffered;
    ex.buffered = [];
    for (const g of groups) this.appendGroup(ex, g);
    return true;
  }

  // ---------------------------------------------------------------- queues

  private queueKey(ns: string, name: string): string {
    return `${ns}\u0000${name}`;
  }

  wfQueue(ns: string, name: string): TaskQueue<WftResponse> {
    const key = this.queueKey(ns, name);
    let q = this.wfQueues.get(key);
    if (!q) this.wfQueues.set(key, (q = new TaskQueue()));
    return q;
  }

  actQueue(ns: string, name: string): TaskQueue<ActivityResponse> {
    const key = this.queueKey(ns, name);
    let q = this.actQueues.get(key);
    if (!q) this.actQueues.set(key, (q = new TaskQueue()));
    return q;
  }

  /** Ends all waiting long polls (shutdown). */
  releasePollers(): void {
    for (const q of this.wfQueues.values()) q.releaseAll();
    for (const q of this.actQueues.values()) q.releaseAll();
  }

  // ---------------------------------------------------------------- start

  /** StartWorkflowExecution, SignalWithStart and child starts share this. */
  startWorkflow(
    req: Obj,
    extra: {
      signal?: Obj;
      parent?: Execution['parent'];
      root?: Execution['root'];
      continuedFrom?: Execution;
      initiator?: number;
      lastCompletionResult?: Obj;
      failure?: Obj;
      attempt?: number;
      /** Search attributes only the server sets (TemporalScheduledById, ...), added after validation. */
      systemSearchAttributes?: Record<string, Obj>;
      /** Update-with-start: the update admitted with the start, so the first workflow task carries it. */
      update?: Obj;
      /** Eager start: the first workflow task is started for this poller and returned instead of queued. */
      eagerFor?: PollInfo;
    } = {},
  ): { ex: Execution; started: boolean; eagerWorkflowTask?: WftResponse } {
    const ns = this.ns(req.namespace);
    const workflowId: string = req.workflowId ?? '';
    if (!workflowId) throw errors.invalidArgument('WorkflowId is not set on request.');
    if (workflowId.length > MAX_ID_LENGTH) throw errors.invalidArgument('WorkflowId exceeds length limit.');
    const workflowType: string = req.workflowType?.name ?? '';
    if (!workflowType) throw errors.invalidArgument('WorkflowType is not set on request.');
    if (workflowType.length > MAX_ID_LENGTH) throw errors.invalidArgument('WorkflowType exceeds length limit.');
    const taskQueue: string = req.taskQueue?.name ?? '';
    if (!taskQueue) throw errors.invalidArgument('TaskQueue is not set on request.');
    const requestId: string = req.requestId || randomUUID();
    this.checkBlob(blobSize(req.input, req.signalInput), `workflow ${workflowId} input`);
    if (req.cronSchedule) cronBackoffMs(req.cronSchedule, this.now());
    const unknownSa = this.searchAttributes?.unknownAttribute(ns.name, req.searchAttributes?.indexedFields ?? {});
    if (unknownSa)
      throw errors.invalidArgument(`Namespace ${ns.name} has no mapping defined for search attribute ${unknownSa}`);

    if (!extra.continuedFrom) {
      const dedup = ns.requestIds.get(requestId);
      if (dedup) {
        const ex = ns.executions.get(dedup);
        if (ex && ex.workflowId === workflowId) return { ex, started: true };
      }
      const existing = this.current(ns, workflowId);
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

    const now = this.now();
    const runId = randomUUID();
    const executionTimeoutMs = durationMs(req.workflowExecutionTimeout);
    let runTimeoutMs = durationMs(req.workflowRunTimeout);
    if (executionTimeoutMs && (!runTimeoutMs || runTimeoutMs > executionTimeoutMs)) runTimeoutMs = executionTimeoutMs;
    let taskTimeoutMs = durationMs(req.workflowTaskTimeout) || DEFAULT_WFT_TIMEOUT_MS;
    taskTimeoutMs = Math.min(taskTimeoutMs, MAX_WFT_TIMEOUT_MS);
    if (runTimeoutMs) taskTimeoutMs = Math.min(taskTimeoutMs, runTimeoutMs);
    const cronSchedule: string = req.cronSchedule ?? '';
    const startDelayMs =
      durationMs(req.workflowStartDelay) ||
      durationMs(req.backoffStartInterval) ||
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

    this.append(ex, 'workflowExecutionStarted', {
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
    if (extra.signal) this.append(ex, 'workflowExecutionSignaled', extra.signal);
    if (extra.update) {
      const u = this.newUpdate(extra.update);
      ex.updates = new Map([[u.updateId, u]]);
    }

    if (runTimeoutMs || executionDeadline) {
      const deadline = Math.min(runTimeoutMs ? now + runTimeoutMs : Infinity, executionDeadline || Infinity);
      ex.runTimer = this.clock.schedule(deadline, () => this.timeOutWorkflow(ex));
    }
    if (startDelayMs > 0) {
      ex.startDelayTimer = this.clock.schedule(now + startDelayMs, () => {
        ex.startDelayTimer = undefined;
        this.scheduleWorkflowTask(ex);
      });
    } else if (extra.eagerFor) {
      // As a real server: the task is started for the client's worker and travels in the start response.
      const wft = this.scheduleWorkflowTask(ex, false);
      const eagerWorkflowTask = wft ? (this.startWorkflowTask(ex, wft, extra.eagerFor) ?? undefined) : undefined;
      this.log('debug', `started ${workflowType} ${workflowId}/${runId} eagerly`);
      return { ex, started: true, eagerWorkflowTask };
    } else {
      this.scheduleWorkflowTask(ex);
    }
    this.log('debug', `started ${workflowType} ${workflowId}/${runId}`);
    return { ex, started: true };
  }

  // ---------------------------------------------------------------- workflow tasks

  /** Schedules the next workflow task; `offer` = false leaves it off the queues (an eager start takes it). */
  private scheduleWorkflowTask(ex: Execution, offer = true): WorkflowTaskState | undefined {
    if (!isOpen(ex) || ex.wft || ex.startDelayTimer) return undefined;
    const attempt = ex.wftAttempt;
    const ev = this.append(ex, 'workflowTaskScheduled', {
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
      scheduledTime: this.now(),
      startedTime: 0,
      identity: '',
      queries: new Map(),
    };
    ex.wft = wft;
    this.hold(wft);
    // Queries that waited for a workflow task ride on this one.
    for (const q of ex.queriesAwaitingTask.splice(0)) if (!q.done) wft.queries.set(q.id, q);
    if (offer) this.offerWorkflowTask(ex, wft);
    return wft;
  }

  /**
   * Offers a workflow task to the worker that asked for stickiness (its cache has the workflow), falling
   * back to the normal queue when that worker does not take it within the sticky schedule-to-start timeout.
   */
  private offerWorkflowTask(ex: Execution, wft: WorkflowTaskState): void {
    const task = { start: (poll: PollInfo) => this.startWorkflowTask(ex, wft, poll) };
    const sticky = ex.sticky;
    if (!sticky) {
      this.wfQueue(ex.namespace, ex.taskQueue).offer(task);
      return;
    }
    this.wfQueue(ex.namespace, sticky.queue).offer(task);
    this.clock.after(sticky.scheduleToStartMs || 5000, () => {
      if (ex.wft !== wft || wft.startedEventId || !isOpen(ex)) return;
      if (ex.sticky === sticky) ex.sticky = undefined;
      this.wfQueue(ex.namespace, ex.taskQueue).offer(task);
    });
  }

  /** ShutdownWorker: workflows sticky to that worker go back to the normal queue. */
  unstick(nsName: string, stickyQueue: string): void {
    const ns = this.namespaces.get(nsName);
    if (!ns || !stickyQueue) return;
    for (const ex of ns.executions.values()) {
      if (ex.sticky?.queue !== stickyQueue) continue;
      ex.sticky = undefined;
      if (ex.wft && !ex.wft.startedEventId && isOpen(ex)) {
        const wft = ex.wft;
        this.wfQueue(ex.namespace, ex.taskQueue).offer({ start: (poll) => this.startWorkflowTask(ex, wft, poll) });
      }
    }
  }

  private startWorkflowTask(ex: Execution, wft: WorkflowTaskState, poll: PollInfo): WftResponse | null {
    if (!isOpen(ex) || ex.wft !== wft || wft.startedEventId) return null;
    const now = this.now();
    const ev = this.append(ex, 'workflowTaskStarted', {
      scheduledEventId: wft.scheduledEventId,
      identity: poll.identity,
      requestId: poll.requestId ?? randomUUID(),
      suggestContinueAsNew: ex.history.length > HISTORY_WARN_EVENTS,
      historySizeBytes: ex.historySizeBytes,
    });
    wft.startedEventId = ev.eventId;
    wft.startedTime = now;
    wft.identity = poll.identity;
    wft.timeout = this.clock.after(ex.taskTimeoutMs, () => this.timeOutWorkflowTask(ex, wft));
    const queries: Obj = {};
    for (const [id, q] of wft.queries) if (!q.done) queries[id] = q.query;
    const messages: Obj[] = [];
    for (const u of ex.updates?.values() ?? []) {
      if (u.stage !== UpdateStage.ADMITTED) continue;
      u.deliveredWith = wft.scheduledEventId;
      messages.push({
        id: `${u.updateId}/request`,
        protocolInstanceId: u.updateId,
        // Processable once history up to (not including) this task's Started event is applied.
        eventId: wft.startedEventId - 1,
        body: {
          type_url: 'type.googleapis.com/temporal.api.update.v1.Request',
          value: encode('temporal.api.update.v1.Request', u.request),
        },
      });
    }
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
      messages,
    };
  }

  /** Looks up the started workflow task a token names, or NOT_FOUND (the worker then evicts). */
  private taskForToken(token: TaskToken): { ex: Execution; wft: WorkflowTaskState } {
    let ex: Execution;
    try {
      ex = this.find(token.ns, token.wid, token.rid);
    } catch {
      throw errors.notFound('Workflow task not found.');
    }
    const wft = ex.wft;
    if (!isOpen(ex) || !wft || wft.scheduledEventId !== token.s || wft.attempt !== token.a || !wft.startedEventId) {
      throw errors.notFound('Workflow task not found.');
    }
    return { ex, wft };
  }

  respondWorkflowTaskCompleted(req: Obj): Obj {
    const token = decodeToken(req.taskToken);
    const { ex, wft } = this.taskForToken(token);
    this.answerQueries(wft, req.queryResults ?? {});
    const commands: Obj[] = req.commands ?? [];

    const completing = commands.findIndex(
      (c) =>
        c.completeWorkflowExecutionCommandAttributes ||
        c.failWorkflowExecutionCommandAttributes ||
        c.cancelWorkflowExecutionCommandAttributes ||
        c.continueAsNewWorkflowExecutionCommandAttributes,
    );
    if (completing >= 0 && ex.buffered.length) {
      // New events arrived while the worker decided to close: the workflow must see them first.
      this.failWorkflowTask(ex, wft, 'UNHANDLED_COMMAND', null, req.identity ?? '');
      throw errors.invalidArgument('UnhandledCommand');
    }
    const invalid = this.validateCommands(ex, commands, completing);
    if (invalid) {
      this.failWorkflowTask(
        ex,
        wft,
        invalid.cause,
        { message: invalid.message, applicationFailureInfo: { type: 'BadCommand', nonRetryable: false } },
        req.identity ?? '',
      );
      throw errors.invalidArgument(invalid.message);
    }

    wft.timeout?.cancel();
    const completed = this.append(ex, 'workflowTaskCompleted', {
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
    const stickyQueue = req.stickyAttributes?.workerTaskQueue?.name;
    ex.sticky = stickyQueue
      ? { queue: stickyQueue, scheduleToStartMs: durationMs(req.stickyAttributes.scheduleToStartTimeout) }
      : undefined;
    const ctx: CommandContext = {
      completedId: completed.eventId,
      needsTask: false,
      identity: req.identity ?? '',
      after: [],
      messages: new Map(),
    };
    for (const m of (req.messages ?? []) as Obj[]) ctx.messages.set(m.id, m);
    for (const cmd of commands) {
      if (!isOpen(ex)) break;
      this.applyCommand(ex, cmd, ctx);
    }
    // Messages without a command (update rejections) apply after the commands.
    for (const m of [...ctx.messages.values()]) this.applyProtocolMessage(ex, m, ctx);
    // Requests the worker did not see yet (arrived while the task ran) need a new task.
    for (const u of ex.updates?.values() ?? [])
      if (u.stage === UpdateStage.ADMITTED && u.deliveredWith !== wft.scheduledEventId) ctx.needsTask = true;
    for (const u of ex.updates?.values() ?? [])
      if (u.stage === UpdateStage.ADMITTED && u.deliveredWith === wft.scheduledEventId) u.deliveredWith = 0;
    let newTask = false;
    if (isOpen(ex)) {
      const hadBuffered = this.flushBuffered(ex);
      if (hadBuffered || ctx.needsTask || req.forceCreateNewWorkflowTask) {
        this.scheduleWorkflowTask(ex);
        newTask = true;
      }
    }
    this.rerouteQueries(ex, wft, newTask);
    this.release(wft);
    // Children, external signals and cancels start once this task's events are written.
    for (const action of ctx.after) action();
    this.enforceHistoryLimit(ex);
    return {};
  }

  respondWorkflowTaskFailed(req: Obj): Obj {
    const token = decodeToken(req.taskToken);
    const { ex, wft } = this.taskForToken(token);
    const causes = (req.cause as number) ?? 0;
    this.failWorkflowTask(ex, wft, causes, req.failure ?? null, req.identity ?? '');
    return {};
  }

  private failWorkflowTask(
    ex: Execution,
    wft: WorkflowTaskState,
    cause: number | string,
    failure: Obj | null,
    identity: string,
  ): void {
    wft.timeout?.cancel();
    const causeNum =
      typeof cause === 'number'
        ? cause
        : (enums.WorkflowTaskFailedCause as unknown as Record<string, number>)[`WORKFLOW_TASK_FAILED_CAUSE_${cause}`];
    this.append(ex, 'workflowTaskFailed', {
      scheduledEventId: wft.scheduledEventId,
      startedEventId: wft.startedEventId,
      cause: causeNum,
      failure: failure ?? undefined,
      identity,
    });
    ex.wft = null;
    for (const u of ex.updates?.values() ?? []) if (u.stage === UpdateStage.ADMITTED) u.deliveredWith = 0;
    if (cause !== 'UNHANDLED_COMMAND') ex.sticky = undefined;
    // UnhandledCommand is not the worker's fault: the retry is a fresh first attempt.
    ex.wftAttempt = cause === 'UNHANDLED_COMMAND' ? 1 : wft.attempt + 1;
    this.flushBuffered(ex);
    this.scheduleWorkflowTask(ex);
    this.rerouteQueries(ex, wft, true);
    this.release(wft);
  }

  private timeOutWorkflowTask(ex: Execution, wft: WorkflowTaskState): void {
    if (!isOpen(ex) || ex.wft !== wft) return;
    this.append(ex, 'workflowTaskTimedOut', {
      scheduledEventId: wft.scheduledEventId,
      startedEventId: wft.startedEventId,
      timeoutType: TimeoutType.START_TO_CLOSE,
    });
    ex.wft = null;
    ex.sticky = undefined;
    ex.wftAttempt = wft.attempt + 1;
    this.flushBuffered(ex);
    this.scheduleWorkflowTask(ex);
    this.rerouteQueries(ex, wft, true);
    this.release(wft);
  }

  /** Rejects a payload over the 2 MB limit (INVALID_ARGUMENT, as Temporal does); warns past 256 KB. */
  checkBlob(size: number, what: string): void {
    if (size > BLOB_ERROR_BYTES)
      throw errors.invalidArgument(`Blob data size exceeds limit (${what}: ${size} bytes > ${BLOB_ERROR_BYTES}).`);
    if (size > BLOB_WARN_BYTES) this.log('warn', `${what} is ${size} bytes (over ${BLOB_WARN_BYTES})`);
  }

  private validateCommands(
    ex: Execution,
    commands: Obj[],
    completing: number,
  ): { cause: string; message: string } | null {
    for (const c of commands) {
      const [key, a] = Object.entries(c).find(([k, v]) => k.endsWith('CommandAttributes') && v) ?? [];
      if (!a) continue;
      const size = blobSize(
        a.input,
        a.result,
        a.details,
        a.failure?.encodedAttributes ? { payloads: [a.failure.encodedAttributes] } : null,
      );
      if (size > BLOB_ERROR_BYTES) {
        const cause =
          key === 'scheduleActivityTaskCommandAttributes'
            ? 'BAD_SCHEDULE_ACTIVITY_ATTRIBUTES'
            : key === 'completeWorkflowExecutionCommandAttributes'
              ? 'BAD_COMPLETE_WORKFLOW_EXECUTION_ATTRIBUTES'
              : key === 'startChildWorkflowExecutionCommandAttributes'
                ? 'BAD_START_CHILD_EXECUTION_ATTRIBUTES'
                : key === 'signalExternalWorkflowExecutionCommandAttributes'
                  ? 'BAD_SIGNAL_INPUT_SIZE'
                  : key === 'continueAsNewWorkflowExecutionCommandAttributes'
                    ? 'BAD_CONTINUE_AS_NEW_ATTRIBUTES'
                    : 'BAD_BINARY';
        return {
          cause,
          message: `${key?.replace('CommandAttributes', '')} payload size exceeds limit (${size} bytes > ${BLOB_ERROR_BYTES}).`,
        };
      }
      if (size > BLOB_WARN_BYTES) this.log('warn', `workflow ${ex.workflowId}: ${key} payload is ${size} bytes`);
    }
    if (completing >= 0 && completing !== commands.length - 1) {
      // Commands after a close command are dropped by real servers too; only the close must be last
      // among commands that write events.
      const after = commands.slice(completing + 1).filter((c) => !c.recordMarkerCommandAttributes);
      if (after.length)
        return {
          cause: 'BAD_COMPLETE_WORKFLOW_EXECUTION_ATTRIBUTES',
          message: 'Workflow close command must be the last command.',
        };
    }
    const timerIds = new Set(ex.timers.keys());
    for (const c of commands) {
      const sa = c.scheduleActivityTaskCommandAttributes;
      if (sa) {
        if (!sa.activityId) return { cause: 'BAD_SCHEDULE_ACTIVITY_ATTRIBUTES', message: 'ActivityId is not set.' };
        if (!sa.activityType?.name)
          return { cause: 'BAD_SCHEDULE_ACTIVITY_ATTRIBUTES', message: 'ActivityType is not set.' };
        if (!durationMs(sa.scheduleToCloseTimeout) && !durationMs(sa.startToCloseTimeout)) {
          return {
            cause: 'BAD_SCHEDULE_ACTIVITY_ATTRIBUTES',
            message: 'A valid StartToClose or ScheduleToCloseTimeout is not set on ScheduleActivityTaskCommand.',
          };
        }
      }
      const st = c.startTimerCommandAttributes;
      if (st) {
        if (timerIds.has(st.timerId))
          return { cause: 'START_TIMER_DUPLICATE_ID', message: `Timer with ID ${st.timerId} is already started.` };
        timerIds.add(st.timerId);
      }
      const upsert = c.upsertWorkflowSearchAttributesCommandAttributes;
      if (upsert) {
        const unknown = this.searchAttributes?.unknownAttribute(
          ex.namespace,
          upsert.searchAttributes?.indexedFields ?? {},
        );
        if (unknown)
          return {
            cause: 'BAD_SEARCH_ATTRIBUTES',
            message: `Namespace ${ex.namespace} has no mapping defined for search attribute ${unknown}`,
          };
      }
      if (c.scheduleNexusOperationCommandAttributes || c.requestCancelNexusOperationCommandAttributes) {
        return {
          cause: 'BAD_SCHEDULE_NEXUS_OPERATION_ATTRIBUTES',
          message: 'Nexus operations are not supported by the embedded server.',
        };
      }
    }
    return null;
  }

  private applyCommand(ex: Execution, c: Obj, ctx: CommandContext): void {
    const wtc = ctx.completedId;
    if (c.scheduleActivityTaskCommandAttributes)
      return this.scheduleActivity(ex, c.scheduleActivityTaskCommandAttributes, wtc);
    if (c.requestCancelActivityTaskCommandAttributes) {
      if (this.requestCancelActivity(ex, num(c.requestCancelActivityTaskCommandAttributes.scheduledEventId), wtc))
        ctx.needsTask = true;
      return;
    }
    if (c.startTimerCommandAttributes) return this.startTimer(ex, c.startTimerCommandAttributes, wtc);
    if (c.cancelTimerCommandAttributes)
      return this.cancelTimer(ex, c.cancelTimerCommandAttributes.timerId, wtc, ctx.identity);
    if (c.recordMarkerCommandAttributes) {
      const m = c.recordMarkerCommandAttributes;
      this.append(ex, 'markerRecorded', {
        markerName: m.markerName,
        details: m.details,
        header: m.header ?? undefined,
        failure: m.failure ?? undefined,
        workflowTaskCompletedEventId: wtc,
      });
      return;
    }
    if (c.upsertWorkflowSearchAttributesCommandAttributes) {
      const sa = c.upsertWorkflowSearchAttributesCommandAttributes.searchAttributes ?? {};
      this.append(ex, 'upsertWorkflowSearchAttributes', { workflowTaskCompletedEventId: wtc, searchAttributes: sa });
      for (const [k, v] of Object.entries(sa.indexedFields ?? {})) {
        const p = v as Obj;
        if (!p.data || !p.data.length || Buffer.from(p.data).toString() === 'null') delete ex.searchAttributes[k];
        else ex.searchAttributes[k] = p;
      }
      return;
    }
    if (c.modifyWorkflowPropertiesCommandAttributes) {
      const memo = c.modifyWorkflowPropertiesCommandAttributes.upsertedMemo ?? {};
      this.append(ex, 'workflowPropertiesModified', { workflowTaskCompletedEventId: wtc, upsertedMemo: memo });
      Object.assign(ex.memo, memo.fields ?? {});
      return;
    }
    if (c.completeWorkflowExecutionCommandAttributes) {
      this.close(
        ex,
        'workflowExecutionCompleted',
        { result: c.completeWorkflowExecutionCommandAttributes.result ?? undefined, workflowTaskCompletedEventId: wtc },
        WorkflowStatus.COMPLETED,
      );
      return;
    }
    if (c.failWorkflowExecutionCommandAttributes) {
      this.close(
        ex,
        'workflowExecutionFailed',
        {
          failure: c.failWorkflowExecutionCommandAttributes.failure ?? undefined,
          retryState: RetryState.RETRY_POLICY_NOT_SET,
          workflowTaskCompletedEventId: wtc,
        },
        WorkflowStatus.FAILED,
      );
      return;
    }
    if (c.cancelWorkflowExecutionCommandAttributes) {
      this.close(
        ex,
        'workflowExecutionCanceled',
        { details: c.cancelWorkflowExecutionCommandAttributes.details ?? undefined, workflowTaskCompletedEventId: wtc },
        WorkflowStatus.CANCELED,
      );
      return;
    }
    if (c.continueAsNewWorkflowExecutionCommandAttributes)
      return this.continueAsNew(ex, c.continueAsNewWorkflowExecutionCommandAttributes, wtc);
    if (c.startChildWorkflowExecutionCommandAttributes)
      return this.startChild(ex, c.startChildWorkflowExecutionCommandAttributes, wtc, ctx.after);
    if (c.signalExternalWorkflowExecutionCommandAttributes)
      return this.signalExternal(ex, c.signalExternalWorkflowExecutionCommandAttributes, wtc, ctx.after);
    if (c.requestCancelExternalWorkflowExecutionCommandAttributes)
      return this.cancelExternal(ex, c.requestCancelExternalWorkflowExecutionCommandAttributes, wtc, ctx.after);
    if (c.protocolMessageCommandAttributes) {
      const m = ctx.messages.get(c.protocolMessageCommandAttributes.messageId);
      if (m) this.applyProtocolMessage(ex, m, ctx);
      return;
    }
    // Unknown commands write nothing.
  }

  // ---------------------------------------------------------------- updates

  private applyProtocolMessage(ex: Execution, m: Obj, ctx: CommandContext): void {
    ctx.messages.delete(m.id);
    const typeUrl: string = m.body?.type_url ?? '';
    const type = typeUrl.replace(/^type.googleapis.com\//, '');
    const u = ex.updates?.get(m.protocolInstanceId);
    if (type === 'temporal.api.update.v1.Acceptance') {
      const a = decode<Obj>(type, m.body.value);
      this.append(ex, 'workflowExecutionUpdateAccepted', {
        protocolInstanceId: m.protocolInstanceId,
        acceptedRequestMessageId: a.acceptedRequestMessageId,
        acceptedRequestSequencingEventId: a.acceptedRequestSequencingEventId,
        acceptedRequest: a.acceptedRequest ?? u?.request,
      });
      if (u) this.setUpdateStage(u, UpdateStage.ACCEPTED);
    } else if (type === 'temporal.api.update.v1.Rejection') {
      const r = decode<Obj>(type, m.body.value);
      if (u) {
        u.outcome = { failure: r.failure };
        this.setUpdateStage(u, UpdateStage.COMPLETED);
        ex.updates!.delete(u.updateId);
      }
    } else if (type === 'temporal.api.update.v1.Response') {
      const r = decode<Obj>(type, m.body.value);
      const accepted = ex.history.find(
        (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.protocolInstanceId === m.protocolInstanceId,
      );
      this.append(ex, 'workflowExecutionUpdateCompleted', {
        meta: r.meta,
        acceptedEventId: accepted?.eventId ?? 0,
        outcome: r.outcome,
      });
      if (u) {
        u.outcome = r.outcome;
        this.setUpdateStage(u, UpdateStage.COMPLETED);
      }
    }
  }

  private setUpdateStage(u: UpdateState, stage: number): void {
    u.stage = stage;
    for (const w of [...u.waiters]) w();
  }

  /** UpdateWorkflowExecution: admits the request (deduplicated by update id) and waits for the asked stage. */
  async update(ex: Execution, request: Obj, waitStage: number, signal: AbortSignal): Promise<Obj> {
    const updateId: string = request?.meta?.updateId || randomUUID();
    if (!request?.input?.name) throw errors.invalidArgument('Update name is not set on request.');
    const completed = this.completedUpdate(ex, updateId);
    if (completed) return completed;
    if (!isOpen(ex)) throw errors.completedAlready();
    ex.updates ??= new Map();
    let u = ex.updates.get(updateId);
    if (!u) {
      u = this.newUpdate({ ...request, meta: { ...request.meta, updateId } });
      ex.updates.set(updateId, u);
      if (ex.wft) {
        // Delivered with the pending task, or the next one if this one is already running.
      } else this.scheduleWorkflowTask(ex);
    }
    return this.awaitUpdate(ex, u, waitStage || UpdateStage.ACCEPTED, signal);
  }

  /** An admitted update request (its id filled in when the client left it empty). */
  private newUpdate(request: Obj): UpdateState {
    const updateId: string = request?.meta?.updateId || randomUUID();
    return {
      updateId,
      request: { ...request, meta: { ...request.meta, updateId } },
      stage: UpdateStage.ADMITTED,
      deliveredWith: 0,
      waiters: new Set(),
    };
  }

  /** PollWorkflowExecutionUpdate. */
  pollUpdate(ex: Execution, updateId: string, waitStage: number, signal: AbortSignal): Promise<Obj> {
    const completed = this.completedUpdate(ex, updateId);
    if (completed) return Promise.resolve(completed);
    const u = ex.updates?.get(updateId);
    if (!u) throw errors.notFound(`update ${updateId} not found`);
    return this.awaitUpdate(ex, u, waitStage || UpdateStage.COMPLETED, signal);
  }

  private completedUpdate(ex: Execution, updateId: string): Obj | undefined {
    const ev = ex.history.find((e) => e.workflowExecutionUpdateCompletedEventAttributes?.meta?.updateId === updateId);
    if (!ev) return undefined;
    return {
      updateRef: { workflowExecution: { workflowId: ex.workflowId, runId: ex.runId }, updateId },
      outcome: ev.workflowExecutionUpdateCompletedEventAttributes.outcome,
      stage: UpdateStage.COMPLETED,
    };
  }

  private awaitUpdate(ex: Execution, u: UpdateState, waitStage: number, signal: AbortSignal): Promise<Obj> {
    const answer = (): Obj => ({
      updateRef: { workflowExecution: { workflowId: ex.workflowId, runId: ex.runId }, updateId: u.updateId },
      outcome: u.stage === UpdateStage.COMPLETED ? u.outcome : undefined,
      stage: u.stage,
    });
    return new Promise<Obj>((resolve, reject) => {
      const check = () => {
        if (u.stage >= waitStage) finish(() => resolve(answer()));
        else if (!isOpen(ex)) finish(() => reject(errors.completedAlready()));
      };
      const finish = (then: () => void) => {
        clearTimeout(timer);
        u.waiters.delete(check);
        signal.removeEventListener('abort', onAbort);
        then();
      };
      const onAbort = () => finish(() => resolve(answer()));
      // Answer with the stage reached so far before the caller's deadline; the SDK then polls.
      const timer = setTimeout(onAbort, HISTORY_LONG_POLL_MS);
      signal.addEventListener('abort', onAbort);
      u.waiters.add(check);
      check();
    });
  }

  // ---------------------------------------------------------------- close

  private close(ex: Execution, kind: string, attrs: Obj, status: number): void {
    const next = this.nextCronRun(ex, attrs, status);
    if (next) attrs.newExecutionRunId = next.runId;
    this.append(ex, kind, attrs);
    ex.status = status;
    ex.closeTime = this.now();
    ex.runTimer?.cancel();
    ex.startDelayTimer?.cancel();
    ex.startDelayTimer = undefined;
    for (const t of ex.timers.values()) t.handle.cancel();
    ex.timers.clear();
    for (const a of ex.activities.values()) this.dropActivity(a);
    ex.activities.clear();
    ex.buffered = [];
    if (ex.wft) {
      const wft = ex.wft;
      wft.timeout?.cancel();
      ex.wft = null;
      this.rerouteQueries(ex, wft, false);
      this.release(wft);
    }
    for (const q of ex.queriesAwaitingTask.splice(0)) this.dispatchLegacyQuery(ex, q);
    this.onClosed(ex, next);
    this.notifyHistory(ex);
    for (const u of ex.updates?.values() ?? []) for (const w of [...u.waiters]) w();
    if (!next) this.onWorkflowClosed?.(ex);
  }

  /**
   * A cron workflow that completes, fails or times out goes on as a new run whose first workflow task waits
   * for the next cron time, with the last result (and the failure, if any) handed over; cancel and terminate end it.
   */
  private nextCronRun(ex: Execution, closeAttrs: Obj, status: number): Execution | undefined {
    if (
      !ex.cronSchedule ||
      ![WorkflowStatus.COMPLETED, WorkflowStatus.FAILED, WorkflowStatus.TIMED_OUT].includes(status as 2 | 3 | 7)
    )
      return undefined;
    const started = ex.history[0]?.workflowExecutionStartedEventAttributes ?? {};
    const now = this.now();
    const backoff = cronBackoffMs(ex.cronSchedule, now);
    if (ex.executionDeadline && now + backoff >= ex.executionDeadline) return undefined;
    const req: Obj = {
      namespace: ex.namespace,
      workflowId: ex.workflowId,
      workflowType: { name: ex.workflowType },
      taskQueue: { name: ex.taskQueue },
      input: started.input,
      workflowRunTimeout: optDuration(ex.runTimeoutMs),
      workflowTaskTimeout: fromMs(ex.taskTimeoutMs),
      workflowExecutionTimeout: optDuration(ex.executionTimeoutMs),
      header: ex.header,
      memo: { fields: ex.memo },
      searchAttributes: { indexedFields: ex.searchAttributes },
      retryPolicy: ex.retryPolicy,
      cronSchedule: ex.cronSchedule,
      identity: '',
      requestId: randomUUID(),
      backoffStartInterval: fromMs(backoff),
    };
    const lastResult = status === WorkflowStatus.COMPLETED ? closeAttrs.result : started.lastCompletionResult;
    const failure =
      status === WorkflowStatus.FAILED
        ? closeAttrs.failure
        : status === WorkflowStatus.TIMED_OUT
          ? { message: 'Workflow timed out', timeoutFailureInfo: { timeoutType: TimeoutType.START_TO_CLOSE } }
          : undefined;
    const { ex: next } = this.startWorkflow(req, {
      continuedFrom: ex,
      parent: ex.parent,
      root: ex.root,
      initiator: INITIATOR_CRON,
      lastCompletionResult: lastResult ?? undefined,
      failure,
    });
    ex.newRunId = next.runId;
    return next;
  }

  private timeOutWorkflow(ex: Execution): void {
    if (!isOpen(ex)) return;
    this.close(ex, 'workflowExecutionTimedOut', { retryState: RetryState.TIMEOUT }, WorkflowStatus.TIMED_OUT);
  }

  terminate(ex: Execution, reason: string, details: Obj | null, identity: string): void {
    if (!isOpen(ex)) throw errors.completedAlready();
    if (ex.wft?.startedEventId) {
      const wft = ex.wft;
      this.append(ex, 'workflowTaskFailed', {
        scheduledEventId: wft.scheduledEventId,
        startedEventId: wft.startedEventId,
        cause: (enums.WorkflowTaskFailedCause as unknown as Record<string, number>)
          .WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND,
        identity,
      });
    }
    this.close(
      ex,
      'workflowExecutionTerminated',
      { reason, details: details ?? undefined, identity },
      WorkflowStatus.TERMINATED,
    );
  }

  requestCancelWorkflow(
    ex: Execution,
    reason: string,
    identity: string,
    external?: { initiatedEventId: number; execution: Obj },
  ): void {
    if (!isOpen(ex) || ex.cancelRequested) return;
    ex.cancelRequested = true;
    this.deliver(ex, [
      {
        kind: 'workflowExecutionCancelRequested',
        attrs: {
          cause: reason,
          identity,
          externalInitiatedEventId: external?.initiatedEventId ?? 0,
          externalWorkflowExecution: external?.execution,
        },
      },
    ]);
  }

  signal(
    ex: Execution,
    signalName: string,
    input: Obj | null,
    header: Obj | null,
    identity: string,
    requestId?: string,
  ): void {
    if (!isOpen(ex)) throw errors.completedAlready();
    this.deliver(ex, [
      {
        kind: 'workflowExecutionSignaled',
        attrs: {
          signalName,
          input: input ?? undefined,
          identity,
          header: header ?? undefined,
          requestId: requestId ?? '',
        },
      },
    ]);
  }

  // ---------------------------------------------------------------- timers

  private startTimer(ex: Execution, a: Obj, wtc: number): void {
    const ms = durationMs(a.startToFireTimeout);
    const ev = this.append(ex, 'timerStarted', {
      timerId: a.timerId,
      startToFireTimeout: a.startToFireTimeout,
      workflowTaskCompletedEventId: wtc,
    });
    this.armTimer(ex, a.timerId, ev.eventId, this.now() + ms);
  }

  private armTimer(ex: Execution, timerId: string, startedEventId: number, fireAt: number): void {
    const handle = this.clock.schedule(fireAt, () => {
      const t = ex.timers.get(timerId);
      if (!t || t.handle !== handle || !isOpen(ex)) return;
      ex.timers.delete(timerId);
      this.deliver(ex, [{ kind: 'timerFired', attrs: { timerId, startedEventId } }]);
    });
    ex.timers.set(timerId, { timerId, startedEventId, fireAt, handle });
  }

  private cancelTimer(ex: Execution, timerId: string, wtc: number, identity: string): void {
    const t = ex.timers.get(timerId);
    // A timer that already fired (its TimerFired still buffered) can be cancelled too.
    const bufferedIdx = ex.buffered.findIndex((g) =>
      g.some((e) => e.kind === 'timerFired' && e.attrs.timerId === timerId),
    );
    if (!t && bufferedIdx < 0) return;
    const startedEventId =
      t?.startedEventId ?? ex.buffered[bufferedIdx].find((e) => e.kind === 'timerFired')!.attrs.startedEventId;
    t?.handle.cancel();
    ex.timers.delete(timerId);
    if (bufferedIdx >= 0) ex.buffered.splice(bufferedIdx, 1);
    this.append(ex, 'timerCanceled', { timerId, startedEventId, workflowTaskCompletedEventId: wtc, identity });
  }

  // ---------------------------------------------------------------- activities

  private scheduleActivity(ex: Execution, a: Obj, wtc: number): void {
    let s2c = durationMs(a.scheduleToCloseTimeout);
    let s2s = durationMs(a.scheduleToStartTimeout);
    let stc = durationMs(a.startToCloseTimeout);
    let hb = durationMs(a.heartbeatTimeout);
    const run = ex.runTimeoutMs;
    if (s2c > 0) {
      s2s = s2s > 0 ? Math.min(s2s, s2c) : s2c;
      stc = stc > 0 ? Math.min(stc, s2c) : s2c;
    } else {
      s2c = run;
      if (!s2s) s2s = run;
    }
    if (run) {
      s2c = s2c ? Math.min(s2c, run) : run;
      s2s = s2s ? Math.min(s2s, run) : run;
      stc = Math.min(stc, run);
    }
    if (hb) hb = Math.min(hb, stc);
    const rp = a.retryPolicy ?? {};
    const initial = durationMs(rp.initialInterval) || 1000;
    const retryPolicy = {
      initialInterval: fromMs(initial),
      backoffCoefficient: rp.backoffCoefficient || 2,
      maximumInterval: fromMs(durationMs(rp.maximumInterval) || 100 * initial),
      maximumAttempts: rp.maximumAttempts ?? 0,
      nonRetryableErrorTypes: rp.nonRetryableErrorTypes ?? [],
    };
    const taskQueue = a.taskQueue?.name || ex.taskQueue;
    const ev = this.append(ex, 'activityTaskScheduled', {
      activityId: a.activityId,
      activityType: a.activityType,
      taskQueue: { name: taskQueue, kind: TaskQueueKind.NORMAL },
      header: a.header ?? undefined,
      input: a.input ?? undefined,
      scheduleToCloseTimeout: fromMs(s2c),
      scheduleToStartTimeout: fromMs(s2s),
      startToCloseTimeout: fromMs(stc),
      heartbeatTimeout: fromMs(hb),
      workflowTaskCompletedEventId: wtc,
      retryPolicy,
      useWorkflowBuildId: a.useWorkflowBuildId ?? false,
      priority: a.priority ?? undefined,
    });
    this.trackActivity(ex, ev);
  }

  /** Starts tracking the activity an ActivityTaskScheduled event records, and dispatches its first attempt. */
  private trackActivity(ex: Execution, ev: Obj): void {
    const a = ev.activityTaskScheduledEventAttributes;
    const s2c = durationMs(a.scheduleToCloseTimeout);
    const now = this.now();
    const act: ActivityState = {
      scheduledEventId: ev.eventId,
      activityId: a.activityId,
      activityType: a.activityType.name,
      taskQueue: a.taskQueue.name,
      input: a.input ?? null,
      header: a.header ?? null,
      priority: a.priority ?? null,
      scheduleToCloseMs: s2c,
      scheduleToStartMs: durationMs(a.scheduleToStartTimeout),
      startToCloseMs: durationMs(a.startToCloseTimeout),
      heartbeatMs: durationMs(a.heartbeatTimeout),
      retryPolicy: a.retryPolicy,
      attempt: 1,
      state: 'scheduled',
      scheduledTime: now,
      currentAttemptScheduledTime: now,
      startedTime: 0,
      startedIdentity: '',
      startedRequestId: '',
      lastHeartbeatTime: 0,
      heartbeatDetails: null,
      lastFailure: null,
      cancelRequested: false,
      cancelRequestedEventId: 0,
      retryAt: 0,
      timers: [],
    };
    ex.activities.set(act.scheduledEventId, act);
    if (s2c) {
      // The schedule-to-close deadline spans all attempts.
      const h = this.clock.schedule(now + s2c, () => this.scheduleToCloseFired(ex, act));
      act.timers.push(h);
    }
    this.dispatchActivityAttempt(ex, act);
  }

  /**
   * The schedule-to-close deadline: when no worker took the attempt and its schedule-to-start deadline has
   * passed too (the two are equal when schedule-to-start was defaulted), the timeout is SCHEDULE_TO_START.
   */
  private scheduleToCloseFired(ex: Execution, act: ActivityState): void {
    const unstarted =
      act.state === 'scheduled' &&
      act.scheduleToStartMs > 0 &&
      act.currentAttemptScheduledTime + act.scheduleToStartMs <= this.now();
    this.activityTimedOut(
      ex,
      act,
      act.attempt,
      unstarted ? TimeoutType.SCHEDULE_TO_START : TimeoutType.SCHEDULE_TO_CLOSE,
    );
  }

  private dispatchActivityAttempt(ex: Execution, act: ActivityState, restoring = false): void {
    this.touch(ex);
    act.state = 'scheduled';
    if (!restoring) act.currentAttemptScheduledTime = this.now();
    this.hold(act);
    const attempt = act.attempt;
    if (act.scheduleToStartMs && act.scheduleToStartMs !== act.scheduleToCloseMs) {
      act.timers.push(
        this.clock.schedule(act.currentAttemptScheduledTime + act.scheduleToStartMs, () => {
          if (act.state === 'scheduled' && act.attempt === attempt)
            this.activityTimedOut(ex, act, attempt, TimeoutType.SCHEDULE_TO_START);
        }),
      );
    }
    this.actQueue(ex.namespace, act.taskQueue).offer({ start: (poll) => this.startActivity(ex, act, attempt, poll) });
  }

  private startActivity(ex: Execution, act: ActivityState, attempt: number, poll: PollInfo): ActivityResponse | null {
    if (
      !isOpen(ex) ||
      ex.activities.get(act.scheduledEventId) !== act ||
      act.attempt !== attempt ||
      act.state !== 'scheduled'
    )
      return null;
    const now = this.now();
    this.touch(ex);
    act.state = 'started';
    act.startedTime = now;
    act.startedIdentity = poll.identity;
    act.startedRequestId = poll.requestId ?? randomUUID();
    act.lastHeartbeatTime = 0;
    this.armStartedActivityTimers(ex, act);
    return {
      taskToken: encodeToken({
        k: 'a',
        ns: ex.namespace,
        wid: ex.workflowId,
        rid: ex.runId,
        s: act.scheduledEventId,
        a: attempt,
      }),
      workflowNamespace: ex.namespace,
      workflowType: { name: ex.workflowType },
      workflowExecution: { workflowId: ex.workflowId, runId: ex.runId },
      activityType: { name: act.activityType },
      activityId: act.activityId,
      header: act.header ?? undefined,
      input: act.input ?? undefined,
      heartbeatDetails: act.heartbeatDetails ?? undefined,
      scheduledTime: fromMs(act.scheduledTime),
      currentAttemptScheduledTime: fromMs(act.currentAttemptScheduledTime),
      startedTime: fromMs(now),
      attempt,
      scheduleToCloseTimeout: fromMs(act.scheduleToCloseMs),
      startToCloseTimeout: fromMs(act.startToCloseMs),
      heartbeatTimeout: fromMs(act.heartbeatMs),
      retryPolicy: act.retryPolicy,
      priority: act.priority ?? undefined,
    };
  }

  private armStartedActivityTimers(ex: Execution, act: ActivityState): void {
    const attempt = act.attempt;
    act.timers.push(
      this.clock.schedule(act.startedTime + act.startToCloseMs, () =>
        this.activityTimedOut(ex, act, attempt, TimeoutType.START_TO_CLOSE),
      ),
    );
    if (act.heartbeatMs) this.armHeartbeatTimer(ex, act);
  }

  private armHeartbeatTimer(ex: Execution, act: ActivityState): void {
    const attempt = act.attempt;
    const beat = act.lastHeartbeatTime;
    act.timers.push(
      this.clock.schedule((beat || act.startedTime) + act.heartbeatMs, () => {
        if (act.attempt === attempt && act.state === 'started' && act.lastHeartbeatTime === beat) {
          this.activityTimedOut(ex, act, attempt, TimeoutType.HEARTBEAT);
        }
      }),
    );
  }

  /** Finds the running attempt a task token names, or NOT_FOUND. */
  private activityForToken(token: TaskToken): { ex: Execution; act: ActivityState } {
    let ex: Execution;
    try {
      ex = this.find(token.ns, token.wid, token.rid);
    } catch {
      throw errors.notFound('invalid activityID or activity already timed out or invoking workflow is completed');
    }
    const act = ex.activities.get(token.s ?? -1);
    if (!isOpen(ex) || !act || act.attempt !== token.a || act.state !== 'started') {
      throw errors.notFound('invalid activityID or activity already timed out or invoking workflow is completed');
    }
    return { ex, act };
  }

  activityById(
    nsName: string,
    workflowId: string,
    runId: string,
    activityId: string,
  ): { ex: Execution; act: ActivityState } {
    let ex: Execution;
    try {
      ex = this.find(nsName, workflowId, runId);
    } catch {
      throw errors.notFound('invalid activityID or activity already timed out or invoking workflow is completed');
    }
    const act = [...ex.activities.values()].find((a) => a.activityId === activityId);
    if (!isOpen(ex) || !act || act.state !== 'started') {
      throw errors.notFound('invalid activityID or activity already timed out or invoking workflow is completed');
    }
    return { ex, act };
  }

  tokenActivity(taskToken: Uint8Array): { ex: Execution; act: ActivityState } {
    const token = decodeToken(taskToken);
    if (token.k !== 'a') throw errors.invalidArgument('Task token is not an activity task token.');
    return this.activityForToken(token);
  }

  private clearActivityTimers(act: ActivityState, keepScheduleToClose: boolean): void {
    const keep = keepScheduleToClose && act.scheduleToCloseMs ? act.timers[0] : undefined;
    for (const t of act.timers) if (t !== keep) t.cancel();
    act.timers = keep ? [keep] : [];
  }

  private dropActivity(act: ActivityState): void {
    this.clearActivityTimers(act, false);
    act.state = 'scheduled';
    act.attempt = -1;
    this.release(act);
  }

  private startedEvent(act: ActivityState): PendingEvent {
    return {
      kind: 'activityTaskStarted',
      attrs: {
        scheduledEventId: act.scheduledEventId,
        identity: act.startedIdentity,
        requestId: act.startedRequestId,
        attempt: act.attempt,
        lastFailure: act.lastFailure ?? undefined,
      },
    };
  }

  /** Writes the activity's terminal events (with ActivityTaskStarted when an attempt is running). */
  private finishActivity(ex: Execution, act: ActivityState, kind: string, attrs: Obj): void {
    const group: PendingEvent[] = [];
    const wasStarted = act.state === 'started';
    if (wasStarted) group.push(this.startedEvent(act));
    group.push({
      kind,
      attrs: { scheduledEventId: act.scheduledEventId, startedEventId: 0, ...attrs },
      startedFrom: wasStarted ? 0 : undefined,
    });
    ex.activities.delete(act.scheduledEventId);
    this.dropActivity(act);
    this.deliver(ex, group);
  }

  completeActivity(ex: Execution, act: ActivityState, result: Obj | null, identity: string): void {
    this.finishActivity(ex, act, 'activityTaskCompleted', { result: result ?? undefined, identity });
  }

  failActivity(
    ex: Execution,
    act: ActivityState,
    failure: Obj | null,
    identity: string,
    lastHeartbeatDetails?: Obj | null,
  ): void {
    if (lastHeartbeatDetails) act.heartbeatDetails = lastHeartbeatDetails;
    const f = failure ?? { message: 'activity failed' };
    const decision = this.retryDecision(act, f);
    if (decision.retryInMs !== undefined) {
      this.retryActivity(ex, act, f, decision.retryInMs);
      return;
    }
    this.finishActivity(ex, act, 'activityTaskFailed', { failure: f, identity, retryState: decision.retryState });
  }

  cancelActivity(ex: Execution, act: ActivityState, details: Obj | null, identity: string): void {
    if (!act.cancelRequested) throw errors.invalidArgument('Activity cancellation was not requested.');
    this.finishActivity(ex, act, 'activityTaskCanceled', {
      details: details ?? undefined,
      latestCancelRequestedEventId: act.cancelRequestedEventId,
      identity,
    });
  }

  heartbeat(ex: Execution, act: ActivityState, details: Obj | null): Obj {
    this.touch(ex);
    act.heartbeatDetails = details ?? act.heartbeatDetails;
    act.lastHeartbeatTime = this.now();
    if (act.heartbeatMs) {
      this.armHeartbeatTimer(ex, act);
    }
    return { cancelRequested: act.cancelRequested, activityPaused: false, activityReset: false };
  }

  /** RequestCancelActivityTask: true when the cancel completed at once (no attempt running). */
  private requestCancelActivity(ex: Execution, scheduledEventId: number, wtc: number): boolean {
    const act = ex.activities.get(scheduledEventId);
    if (!act) {
      // Finished while this workflow task ran (its outcome is buffered): the request is still recorded, as
      // Temporal does, so that replay sees the command's event; the buffered outcome follows it.
      const finished = ex.buffered.some((g) =>
        g.some((e) => e.kind.startsWith('activityTask') && e.attrs.scheduledEventId === scheduledEventId),
      );
      if (finished)
        this.append(ex, 'activityTaskCancelRequested', { scheduledEventId, workflowTaskCompletedEventId: wtc });
      return false;
    }
    const ev = this.append(ex, 'activityTaskCancelRequested', { scheduledEventId, workflowTaskCompletedEventId: wtc });
    act.cancelRequested = true;
    act.cancelRequestedEventId = ev.eventId;
    if (act.state === 'started') return false;
    ex.activities.delete(scheduledEventId);
    this.dropActivity(act);
    this.append(ex, 'activityTaskCanceled', {
      scheduledEventId,
      startedEventId: 0,
      latestCancelRequestedEventId: ev.eventId,
      identity: '',
    });
    return true;
  }

  private retryDecision(act: ActivityState, failure: Obj): { retryInMs?: number; retryState: number } {
    const rp = act.retryPolicy;
    const info = failure.applicationFailureInfo;
    if (info?.nonRetryable) return { retryState: RetryState.NON_RETRYABLE_FAILURE };
    if (failure.canceledFailureInfo || failure.terminatedFailureInfo)
      return { retryState: RetryState.NON_RETRYABLE_FAILURE };
    const timeoutType = failure.timeoutFailureInfo?.timeoutType;
    if (timeoutType && timeoutType !== TimeoutType.START_TO_CLOSE && timeoutType !== TimeoutType.HEARTBEAT) {
      return { retryState: RetryState.NON_RETRYABLE_FAILURE };
    }
    const type: string =
      info?.type ??
      (timeoutType
        ? timeoutType === TimeoutType.HEARTBEAT
          ? 'TemporalTimeout:Heartbeat'
          : 'TemporalTimeout:StartToClose'
        : '');
    if (type && (rp.nonRetryableErrorTypes ?? []).includes(type))
      return { retryState: RetryState.NON_RETRYABLE_FAILURE };
    const max = num(rp.maximumAttempts);
    if (max > 0 && act.attempt >= max) return { retryState: RetryState.MAXIMUM_ATTEMPTS_REACHED };
    const initial = durationMs(rp.initialInterval) || 1000;
    const maxInterval = durationMs(rp.maximumInterval) || 100 * initial;
    let delay = info?.nextRetryDelay
      ? durationMs(info.nextRetryDelay)
      : initial * Math.pow(rp.backoffCoefficient || 2, act.attempt - 1);
    if (!info?.nextRetryDelay) delay = Math.min(delay, maxInterval);
    if (act.scheduleToCloseMs && this.now() + delay >= act.scheduledTime + act.scheduleToCloseMs) {
      return { retryState: RetryState.TIMEOUT };
    }
    return { retryInMs: delay, retryState: RetryState.IN_PROGRESS };
  }

  private retryActivity(ex: Execution, act: ActivityState, failure: Obj, delayMs: number): void {
    this.touch(ex);
    this.clearActivityTimers(act, true);
    act.lastFailure = failure;
    act.state = 'backoff';
    act.attempt += 1;
    act.startedTime = 0;
    act.retryAt = this.now() + delayMs;
    // No lock during the backoff: time may skip to the next attempt.
    this.release(act);
    this.armRetryTimer(ex, act);
  }

  private armRetryTimer(ex: Execution, act: ActivityState): void {
    const attempt = act.attempt;
    act.timers.push(
      this.clock.schedule(act.retryAt, () => {
        if (
          ex.activities.get(act.scheduledEventId) === act &&
          act.attempt === attempt &&
          act.state === 'backoff' &&
          isOpen(ex)
        ) {
          this.dispatchActivityAttempt(ex, act);
        }
      }),
    );
  }

  private activityTimedOut(ex: Execution, act: ActivityState, attempt: number, timeoutType: number): void {
    if (!isOpen(ex) || ex.activities.get(act.scheduledEventId) !== act) return;
    if (timeoutType !== TimeoutType.SCHEDULE_TO_CLOSE && act.attempt !== attempt) return;
    const names: Record<number, string> = {
      1: 'StartToClose',
      2: 'ScheduleToStart',
      3: 'ScheduleToClose',
      4: 'Heartbeat',
    };
    const failure: Obj = {
      message: `activity ${names[timeoutType]} timeout`,
      source: 'Server',
      timeoutFailureInfo: { timeoutType, lastHeartbeatDetails: act.heartbeatDetails ?? undefined },
    };
    if (timeoutType === TimeoutType.START_TO_CLOSE || timeoutType === TimeoutType.HEARTBEAT) {
      const decision = this.retryDecision(act, failure);
      if (decision.retryInMs !== undefined) {
        this.retryActivity(ex, act, failure, decision.retryInMs);
        return;
      }
      if (act.lastFailure) failure.cause = act.lastFailure;
      this.finishActivity(ex, act, 'activityTaskTimedOut', { failure, retryState: decision.retryState });
      return;
    }
    if (act.lastFailure) failure.cause = act.lastFailure;
    this.finishActivity(ex, act, 'activityTaskTimedOut', {
      failure,
      retryState: timeoutType === TimeoutType.SCHEDULE_TO_CLOSE ? RetryState.TIMEOUT : RetryState.NON_RETRYABLE_FAILURE,
    });
  }

  // ---------------------------------------------------------------- queries

  /** QueryWorkflow: routes the query to the next workflow task or a legacy query task. */
  query(ex: Execution, query: Obj, rejectCondition: number, signal: AbortSignal): Promise<Obj> {
    if (!isOpen(ex)) {
      if (rejectCondition === 2 || (rejectCondition === 3 && ex.status !== WorkflowStatus.COMPLETED)) {
        return Promise.resolve({ queryRejected: { status: ex.status } });
      }
      if (!ex.lastCompletedStartedId) throw errors.workflowNotReady('Workflow task is not scheduled yet.');
    }
    return new Promise<Obj>((resolve, reject) => {
      const id = randomUUID();
      const q: PendingQuery = {
        id,
        query,
        done: false,
        resolve: (r) => {
          if (q.done) return;
          q.done = true;
          this.pendingQueries.delete(id);
          signal.removeEventListener('abort', onAbort);
          if (r.answered) resolve({ queryResult: r.payloads ?? undefined });
          else reject(errors.queryFailed(r.message, r.failure));
        },
        reject: (err) => {
          if (q.done) return;
          q.done = true;
          this.pendingQueries.delete(id);
          signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      const onAbort = () => q.reject(new errors.RpcError(errors.Status.CANCELLED, 'query cancelled'));
      signal.addEventListener('abort', onAbort);
      this.pendingQueries.set(id, { ex, q });
      if (!isOpen(ex) || !ex.wft) this.dispatchLegacyQuery(ex, q);
      else if (!ex.wft.startedEventId) ex.wft.queries.set(id, q);
      else ex.queriesAwaitingTask.push(q);
    });
  }

  private answerQueries(wft: WorkflowTaskState, results: Record<string, Obj>): void {
    for (const [id, r] of Object.entries(results)) {
      const q = wft.queries.get(id);
      if (!q) continue;
      wft.queries.delete(id);
      if (num(r.resultType) === 1) q.resolve({ answered: true, payloads: r.answer ?? null });
      else q.resolve({ answered: false, message: r.errorMessage ?? 'query failed', failure: r.failure ?? null });
    }
  }

  /** Queries of a finished workflow task that it did not answer go to the next task or a legacy task. */
  private rerouteQueries(ex: Execution, wft: WorkflowTaskState, newTaskScheduled: boolean): void {
    const left = [...wft.queries.values(), ...ex.queriesAwaitingTask.splice(0)].filter((q) => !q.done);
    wft.queries.clear();
    for (const q of left) {
      if (newTaskScheduled && ex.wft && !ex.wft.startedEventId && isOpen(ex)) ex.wft.queries.set(q.id, q);
      else this.dispatchLegacyQuery(ex, q);
    }
  }

  private dispatchLegacyQuery(ex: Execution, q: PendingQuery): void {
    if (q.done) return;
    this.wfQueue(ex.namespace, ex.taskQueue).offer({
      start: () => {
        if (q.done) return null;
        const now = this.now();
        return {
          taskToken: encodeToken({ k: 'q', ns: ex.namespace, wid: ex.workflowId, rid: ex.runId, q: q.id }),
          workflowExecution: { workflowId: ex.workflowId, runId: ex.runId },
          workflowType: { name: ex.workflowType },
          previousStartedEventId: ex.lastCompletedStartedId,
          startedEventId: 0,
          attempt: 1,
          history: { events: ex.history },
          nextPageToken: Buffer.alloc(0),
          query: q.query,
          workflowExecutionTaskQueue: { name: ex.taskQueue, kind: TaskQueueKind.NORMAL },
          scheduledTime: fromMs(now),
          startedTime: fromMs(now),
          queries: {},
          messages: [],
        };
      },
    });
  }

  respondQueryTaskCompleted(req: Obj): Obj {
    const token = decodeToken(req.taskToken);
    if (token.k !== 'q' || !token.q) throw errors.invalidArgument('Task token is not a query task token.');
    const pending = this.pendingQueries.get(token.q);
    if (!pending) throw errors.notFound('query not found or already answered');
    if (num(req.completedType) === 1) pending.q.resolve({ answered: true, payloads: req.queryResult ?? null });
    else
      pending.q.resolve({ answered: false, message: req.errorMessage ?? 'query failed', failure: req.failure ?? null });
    return {};
  }

  // ---------------------------------------------------------------- history reads

  /** GetWorkflowExecutionHistory with paging, long poll and the close-event filter. */
  async history(req: Obj, signal: AbortSignal): Promise<Obj> {
    const wid = req.execution?.workflowId ?? '';
    let token: { rid: string; next: number } | undefined;
    if (req.nextPageToken?.length) {
      try {
        token = JSON.parse(Buffer.from(req.nextPageToken).toString('utf8'));
      } catch {
        throw errors.invalidArgument('Invalid NextPageToken.');
      }
    }
    const ex = this.find(req.namespace, wid, token?.rid ?? req.execution?.runId);
    const closeOnly = num(req.historyEventFilterType) === 2;
    const wait = Boolean(req.waitNewEvent);
    const pageSize = num(req.maximumPageSize) || DEFAULT_PAGE_SIZE;
    const mkToken = (next: number) => Buffer.from(JSON.stringify({ rid: ex.runId, next }));

    if (closeOnly) {
      if (isOpen(ex) && wait) await this.waitForHistory(ex, () => !isOpen(ex), signal);
      if (isOpen(ex)) return { history: { events: [] }, nextPageToken: mkToken(1) };
      return { history: { events: [ex.history[ex.history.length - 1]] }, nextPageToken: Buffer.alloc(0) };
    }
    const start = token?.next ?? 1;
    if (wait && start > ex.history.length && isOpen(ex)) {
      await this.waitForHistory(ex, () => ex.history.length >= start || !isOpen(ex), signal);
    }
    const events = ex.history.slice(start - 1, start - 1 + pageSize);
    const next = start + events.length;
    const more = next <= ex.history.length || (wait && isOpen(ex));
    return { history: { events }, nextPageToken: more ? mkToken(next) : Buffer.alloc(0) };
  }

  private waitForHistory(ex: Execution, ready: () => boolean, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const check = () => {
        if (ready() || signal.aborted) finish();
        else ex.historyWaiters.add(check);
      };
      const finish = () => {
        clearTimeout(timer);
        ex.historyWaiters.delete(check);
        signal.removeEventListener('abort', finish);
        resolve();
      };
      const timer = setTimeout(finish, HISTORY_LONG_POLL_MS);
      signal.addEventListener('abort', finish);
      check();
    });
  }

  describe(ex: Execution): Obj {
    const pendingActivities = [...ex.activities.values()].map((a) => ({
      activityId: a.activityId,
      activityType: { name: a.activityType },
      state: a.cancelRequested ? 3 : a.state === 'started' ? 2 : 1,
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
      workflowExecutionInfo: this.executionInfo(ex),
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

  executionInfo(ex: Execution): Obj {
    return {
      execution: { workflowId: ex.workflowId, runId: ex.runId },
      type: { name: ex.workflowType },
      startTime: fromMs(ex.startTime),
      closeTime: ex.closeTime ? fromMs(ex.closeTime) : undefined,
      status: ex.status,
      historyLength: ex.history.length,
      parentNamespaceId: ex.parent ? (this.namespaces.get(ex.parent.namespace)?.id ?? '') : '',
      parentExecution: ex.parent ? { workflowId: ex.parent.workflowId, runId: ex.parent.runId } : undefined,
      executionTime: fromMs(ex.executionTime),
      memo: { fields: ex.memo },
      searchAttributes: {
        indexedFields: this.searchAttributes?.typed(ex.namespace, ex.searchAttributes) ?? ex.searchAttributes,
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

  // ---------------------------------------------------------------- continue-as-new, children, external

  private continueAsNew(ex: Execution, a: Obj, wtc: number): void {
    const req: Obj = {
      namespace: ex.namespace,
      workflowId: ex.workflowId,
      workflowType: a.workflowType?.name ? a.workflowType : { name: ex.workflowType },
      taskQueue: a.taskQueue?.name ? a.taskQueue : { name: ex.taskQueue },
      input: a.input,
      workflowRunTimeout: a.workflowRunTimeout ?? optDuration(ex.runTimeoutMs),
      workflowTaskTimeout: a.workflowTaskTimeout ?? fromMs(ex.taskTimeoutMs),
      workflowExecutionTimeout: optDuration(ex.executionTimeoutMs),
      header: a.header ?? ex.header,
      memo: a.memo ?? { fields: ex.memo },
      searchAttributes: a.searchAttributes ?? { indexedFields: ex.searchAttributes },
      retryPolicy: a.retryPolicy ?? ex.retryPolicy,
      cronSchedule: ex.cronSchedule ?? '',
      identity: '',
      requestId: randomUUID(),
      backoffStartInterval: a.backoffStartInterval,
    };
    const newRunId = this.closeAndContinue(ex, req, wtc, a);
    this.log('debug', `continued ${ex.workflowId} as ${newRunId}`);
  }

  private closeAndContinue(ex: Execution, req: Obj, wtc: number, a: Obj): string {
    // The new run must exist before the old one reports its id: write the event, start the run, fill the id in.
    this.append(ex, 'workflowExecutionContinuedAsNew', {
      newExecutionRunId: '',
      workflowType: req.workflowType,
      taskQueue: { name: req.taskQueue.name, kind: TaskQueueKind.NORMAL },
      header: req.header ?? undefined,
      input: req.input ?? undefined,
      workflowRunTimeout: req.workflowRunTimeout,
      workflowTaskTimeout: req.workflowTaskTimeout,
      workflowTaskCompletedEventId: wtc,
      backoffStartInterval: a.backoffStartInterval ?? undefined,
      initiator: a.initiator ?? 1,
      failure: a.failure ?? undefined,
      lastCompletionResult: a.lastCompletionResult ?? undefined,
      memo: req.memo ?? undefined,
      searchAttributes: req.searchAttributes ?? undefined,
    });
    const closeEvent = ex.history[ex.history.length - 1];
    ex.history.pop();
    const parent = ex.parent;
    const { ex: next } = this.startWorkflow(req, {
      continuedFrom: ex,
      parent,
      root: ex.root,
      initiator: a.initiator ?? 1,
    });
    closeEvent.workflowExecutionContinuedAsNewEventAttributes.newExecutionRunId = next.runId;
    ex.history.push(closeEvent);
    ex.newRunId = next.runId;
    // Children carry over to the new run's bookkeeping only through their own parent link; close the old run.
    ex.status = WorkflowStatus.CONTINUED_AS_NEW;
    ex.closeTime = this.now();
    ex.runTimer?.cancel();
    for (const t of ex.timers.values()) t.handle.cancel();
    ex.timers.clear();
    for (const act of ex.activities.values()) this.dropActivity(act);
    ex.activities.clear();
    ex.buffered = [];
    for (const q of ex.queriesAwaitingTask.splice(0)) this.dispatchLegacyQuery(ex, q);
    this.onClosed(ex, next);
    this.notifyHistory(ex);
    return next.runId;
  }

  private startChild(ex: Execution, a: Obj, wtc: number, after: Array<() => void>): void {
    const nsName = a.namespace || ex.namespace;
    const policy = num(a.parentClosePolicy) || 1;
    const ev = this.append(ex, 'startChildWorkflowExecutionInitiated', {
      namespace: nsName,
      namespaceId: this.namespaces.get(nsName)?.id ?? '',
      workflowId: a.workflowId,
      workflowType: a.workflowType,
      taskQueue: { name: a.taskQueue?.name || ex.taskQueue, kind: TaskQueueKind.NORMAL },
      input: a.input ?? undefined,
      workflowExecutionTimeout: a.workflowExecutionTimeout ?? undefined,
      workflowRunTimeout: a.workflowRunTimeout ?? undefined,
      workflowTaskTimeout: a.workflowTaskTimeout ?? fromMs(DEFAULT_WFT_TIMEOUT_MS),
      parentClosePolicy: policy,
      control: a.control ?? '',
      workflowTaskCompletedEventId: wtc,
      workflowIdReusePolicy: a.workflowIdReusePolicy ?? 0,
      retryPolicy: a.retryPolicy ?? undefined,
      cronSchedule: a.cronSchedule ?? '',
      header: a.header ?? undefined,
      memo: a.memo ?? undefined,
      searchAttributes: a.searchAttributes ?? undefined,
      inheritBuildId: a.inheritBuildId ?? false,
      priority: a.priority ?? undefined,
    });
    const initiatedEventId: number = ev.eventId;
    after.push(() => {
      if (!isOpen(ex)) return;
      const req: Obj = {
        namespace: nsName,
        workflowId: a.workflowId,
        workflowType: a.workflowType,
        taskQueue: { name: a.taskQueue?.name || ex.taskQueue },
        input: a.input,
        workflowExecutionTimeout: a.workflowExecutionTimeout,
        workflowRunTimeout: a.workflowRunTimeout,
        workflowTaskTimeout: a.workflowTaskTimeout,
        identity: '',
        requestId: randomUUID(),
        workflowIdReusePolicy: a.workflowIdReusePolicy,
        retryPolicy: a.retryPolicy,
        header: a.header,
        memo: a.memo,
        searchAttributes: a.searchAttributes,
      };
      const ns = this.namespaces.get(nsName);
      const existing = ns ? this.current(ns, a.workflowId) : undefined;
      if (!ns || (existing && isOpen(existing))) {
        this.deliver(ex, [
          {
            kind: 'startChildWorkflowExecutionFailed',
            attrs: {
              namespace: nsName,
              workflowId: a.workflowId,
              workflowType: a.workflowType,
              cause: 1, // WORKFLOW_ALREADY_EXISTS
              control: a.control ?? '',
              initiatedEventId,
              workflowTaskCompletedEventId: wtc,
            },
          },
        ]);
        return;
      }
      let child: Execution;
      try {
        child = this.startWorkflow(req, {
          parent: { namespace: ex.namespace, workflowId: ex.workflowId, runId: ex.runId, initiatedEventId },
          root: ex.root ?? { workflowId: ex.workflowId, runId: ex.runId },
        }).ex;
      } catch {
        this.deliver(ex, [
          {
            kind: 'startChildWorkflowExecutionFailed',
            attrs: {
              namespace: nsName,
              workflowId: a.workflowId,
              workflowType: a.workflowType,
              cause: 1,
              control: a.control ?? '',
              initiatedEventId,
              workflowTaskCompletedEventId: wtc,
            },
          },
        ]);
        return;
      }
      ex.children.set(initiatedEventId, {
        initiatedEventId,
        namespace: nsName,
        workflowId: child.workflowId,
        runId: child.runId,
        workflowType: child.workflowType,
        parentClosePolicy: policy,
        started: true,
      });
      this.deliver(ex, [
        {
          kind: 'childWorkflowExecutionStarted',
          attrs: {
            namespace: nsName,
            initiatedEventId,
            workflowExecution: { workflowId: child.workflowId, runId: child.runId },
            workflowType: { name: child.workflowType },
            header: a.header ?? undefined,
          },
        },
      ]);
    });
  }

  /** Called when a run closes: reports to its parent and applies parent close policies to children. */
  private onClosed(ex: Execution, continuedAs?: Execution): void {
    for (const child of ex.children.values()) {
      const ns = this.namespaces.get(child.namespace);
      const c = ns ? this.current(ns, child.workflowId) : undefined;
      if (!c || !isOpen(c)) continue;
      if (child.parentClosePolicy === 1) this.terminate(c, 'by parent close policy', null, '');
      else if (child.parentClosePolicy === 3) this.requestCancelWorkflow(c, 'by parent close policy', '');
    }
    ex.children.clear();
    if (continuedAs) {
      // The chain goes on: the parent hears from the last run only.
      return;
    }
    if (!ex.parent) return;
    const parentNs = this.namespaces.get(ex.parent.namespace);
    const parent = parentNs?.executions.get(ex.parent.runId);
    if (!parent || !isOpen(parent)) return;
    const close = ex.history[ex.history.length - 1];
    const initiatedEventId = ex.parent.initiatedEventId;
    const started = parent.history.find(
      (e) =>
        e.childWorkflowExecutionStartedEventAttributes &&
        e.childWorkflowExecutionStartedEventAttributes.initiatedEventId === initiatedEventId,
    );
    const base = {
      namespace: ex.namespace,
      workflowExecution: { workflowId: ex.workflowId, runId: ex.runId },
      workflowType: { name: ex.workflowType },
      initiatedEventId,
      startedEventId: started?.eventId ?? 0,
    };
    const attrs = close[Object.keys(close).find((k) => k.endsWith('EventAttributes'))!];
    let group: PendingEvent;
    switch (ex.status) {
      case WorkflowStatus.COMPLETED:
        group = { kind: 'childWorkflowExecutionCompleted', attrs: { ...base, result: attrs.result } };
        break;
      case WorkflowStatus.FAILED:
        group = {
          kind: 'childWorkflowExecutionFailed',
          attrs: { ...base, failure: attrs.failure, retryState: attrs.retryState },
        };
        break;
      case WorkflowStatus.CANCELED:
        group = { kind: 'childWorkflowExecutionCanceled', attrs: { ...base, details: attrs.details } };
        break;
      case WorkflowStatus.TIMED_OUT:
        group = { kind: 'childWorkflowExecutionTimedOut', attrs: { ...base, retryState: attrs.retryState } };
        break;
      default:
        group = { kind: 'childWorkflowExecutionTerminated', attrs: base };
    }
    // Parent bookkeeping keyed by the initiating event.
    for (const [k, c] of parent.children) if (c.initiatedEventId === initiatedEventId) parent.children.delete(k);
    this.deliver(parent, [group]);
  }

  private signalExternal(ex: Execution, a: Obj, wtc: number, after: Array<() => void>): void {
    const nsName = a.namespace || ex.namespace;
    const ev = this.append(ex, 'signalExternalWorkflowExecutionInitiated', {
      namespace: nsName,
      namespaceId: this.namespaces.get(nsName)?.id ?? '',
      workflowExecution: a.execution,
      signalName: a.signalName,
      input: a.input ?? undefined,
      control: a.control ?? '',
      childWorkflowOnly: a.childWorkflowOnly ?? false,
      header: a.header ?? undefined,
      workflowTaskCompletedEventId: wtc,
    });
    const initiatedEventId: number = ev.eventId;
    after.push(() => {
      if (!isOpen(ex)) return;
      let target: Execution | undefined;
      try {
        target = this.find(nsName, a.execution?.workflowId ?? '', a.execution?.runId);
      } catch {
        target = undefined;
      }
      if (!target || !isOpen(target)) {
        this.deliver(ex, [
          {
            kind: 'signalExternalWorkflowExecutionFailed',
            attrs: {
              cause: 1,
              workflowTaskCompletedEventId: wtc,
              namespace: nsName,
              workflowExecution: a.execution,
              initiatedEventId,
              control: a.control ?? '',
            },
          },
        ]);
        return;
      }
      this.signal(target, a.signalName, a.input ?? null, a.header ?? null, '', randomUUID());
      this.deliver(ex, [
        {
          kind: 'externalWorkflowExecutionSignaled',
          attrs: {
            initiatedEventId,
            namespace: nsName,
            workflowExecution: { workflowId: target.workflowId, runId: target.runId },
            control: a.control ?? '',
          },
        },
      ]);
    });
  }

  private cancelExternal(ex: Execution, a: Obj, wtc: number, after: Array<() => void>): void {
    const nsName = a.namespace || ex.namespace;
    const execution = { workflowId: a.workflowId, runId: a.runId ?? '' };
    const ev = this.append(ex, 'requestCancelExternalWorkflowExecutionInitiated', {
      workflowTaskCompletedEventId: wtc,
      namespace: nsName,
      namespaceId: this.namespaces.get(nsName)?.id ?? '',
      workflowExecution: execution,
      control: a.control ?? '',
      childWorkflowOnly: a.childWorkflowOnly ?? false,
      reason: a.reason ?? '',
    });
    const initiatedEventId: number = ev.eventId;
    after.push(() => {
      if (!isOpen(ex)) return;
      let target: Execution | undefined;
      try {
        target = this.find(nsName, a.workflowId, a.runId);
      } catch {
        target = undefined;
      }
      if (!target || !isOpen(target)) {
        this.deliver(ex, [
          {
            kind: 'requestCancelExternalWorkflowExecutionFailed',
            attrs: {
              cause: 1,
              workflowTaskCompletedEventId: wtc,
              namespace: nsName,
              workflowExecution: execution,
              initiatedEventId,
              control: a.control ?? '',
            },
          },
        ]);
        return;
      }
      this.requestCancelWorkflow(target, a.reason ?? '', '', {
        initiatedEventId,
        execution: { workflowId: ex.workflowId, runId: ex.runId },
      });
      this.deliver(ex, [
        {
          kind: 'externalWorkflowExecutionCancelRequested',
          attrs: {
            initiatedEventId,
            namespace: nsName,
            workflowExecution: { workflowId: target.workflowId, runId: target.runId },
          },
        },
      ]);
    });
  }

  // ---------------------------------------------------------------- reset and delete

  /**
   * ResetWorkflowExecution: a new run of the same workflow id whose history is the base run's up to the given
   * workflow task, then that task failed with RESET_WORKFLOW, then the signals the base run received after it
   * (unless excluded), then a new workflow task. Timers and activities pending at that point are pending again;
   * the current run, if open, is terminated. Children and external signals / cancels pending at the reset
   * point are refused (their bookkeeping across runs is not rebuilt).
   */
  reset(req: Obj): Obj {
    const ns = this.ns(req.namespace);
    const workflowId: string = req.workflowExecution?.workflowId ?? '';
    const base = this.find(ns.name, workflowId, req.workflowExecution?.runId);
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
    const now = this.now();
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
      historySizeBytes: copied.reduce(
        (n, e) => n + 64 + payloadsSize(eventAttributes(e).input) + payloadsSize(eventAttributes(e).result),
        0,
      ),
    };
    const current = this.current(ns, workflowId);
    if (current && isOpen(current)) this.terminate(current, req.reason ?? '', null, identity);
    ns.executions.set(runId, ex);
    ns.runs.get(workflowId)!.push(runId);
    ns.requestIds.set(requestId, runId);

    this.append(ex, 'workflowTaskFailed', {
      scheduledEventId: startedEvent.workflowTaskStartedEventAttributes.scheduledEventId,
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
          this.append(ex, 'workflowExecutionSignaled', ev.workflowExecutionSignaledEventAttributes);
      }
    }
    if (ex.runTimeoutMs || ex.executionDeadline) {
      const deadline = Math.min(ex.runTimeoutMs ? now + ex.runTimeoutMs : Infinity, ex.executionDeadline || Infinity);
      ex.runTimer = this.clock.schedule(deadline, () => this.timeOutWorkflow(ex));
    }
    for (const t of pending.timers) this.armTimer(ex, t.timerId, t.startedEventId, t.fireAt);
    for (const ev of pending.activities) this.trackActivity(ex, ev);
    for (const id of pending.cancelRequestedActivities) {
      const act = ex.activities.get(id);
      if (act) act.cancelRequested = true;
    }
    this.scheduleWorkflowTask(ex);
    this.log('debug', `reset ${workflowId}/${base.runId} at event ${finishId} into run ${runId}`);
    return { runId };
  }

  /** DeleteWorkflowExecution: an open run is terminated first; the run then leaves the server with its history. */
  deleteExecution(ex: Execution, identity: string): void {
    if (isOpen(ex)) this.terminate(ex, 'Delete workflow execution', null, identity);
    this.removeExecution(ex);
    this.onDeleted?.(ex);
  }

  private removeExecution(ex: Execution): void {
    const ns = this.ns(ex.namespace);
    ns.executions.delete(ex.runId);
    if (ns.requestIds.get(ex.startRequestId) === ex.runId) ns.requestIds.delete(ex.startRequestId);
    const runs = ns.runs.get(ex.workflowId);
    if (runs) {
      const i = runs.indexOf(ex.runId);
      if (i >= 0) runs.splice(i, 1);
      if (!runs.length) ns.runs.delete(ex.workflowId);
    }
  }

  // ---------------------------------------------------------------- persistence

  /** The mutable state of an execution without its history and without live handles. */
  exportExecution(ex: Execution): Obj {
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
      timers: [...ex.timers.values()].map((t) => ({
        timerId: t.timerId,
        startedEventId: t.startedEventId,
        fireAt: t.fireAt,
      })),
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
  restoreExecution(state: Obj, history: Obj[]): Execution {
    const ns = this.ns(state.namespace);
    const ex: Execution = {
      ...(state as Execution),
      history,
      wft: null,
      activities: new Map(),
      timers: new Map(),
      children: new Map(
        (state.children as Execution['children'] extends Map<number, infer C> ? C[] : never).map((c) => [
          c.initiatedEventId,
          c,
        ]),
      ),
      queriesAwaitingTask: [],
      historyWaiters: new Set(),
      parent: state.parent ?? undefined,
      root: state.root ?? undefined,
      newRunId: state.newRunId ?? undefined,
      runTimer: undefined,
      startDelayTimer: undefined,
    };
    delete (ex as Obj).startDelayPending;
    ns.executions.set(ex.runId, ex);
    const runs = ns.runs.get(ex.workflowId) ?? [];
    if (!runs.includes(ex.runId)) runs.push(ex.runId);
    ns.runs.set(ex.workflowId, runs);
    ns.requestIds.set(ex.startRequestId, ex.runId);
    for (const ev of history) this.taskIdSeq = Math.max(this.taskIdSeq, num(ev.taskId));
    if (!isOpen(ex)) return ex;

    if (ex.runTimeoutMs || ex.executionDeadline) {
      const deadline = Math.min(
        ex.runTimeoutMs ? ex.startTime + ex.runTimeoutMs : Infinity,
        ex.executionDeadline || Infinity,
      );
      ex.runTimer = this.clock.schedule(deadline, () => this.timeOutWorkflow(ex));
    }
    for (const t of state.timers as Array<{ timerId: string; startedEventId: number; fireAt: number }>) {
      this.armTimer(ex, t.timerId, t.startedEventId, t.fireAt);
    }
    for (const a of state.activities as ActivityState[]) {
      const act: ActivityState = { ...a, timers: [], locked: false };
      ex.activities.set(act.scheduledEventId, act);
      if (act.scheduleToCloseMs) {
        act.timers.push(
          this.clock.schedule(act.scheduledTime + act.scheduleToCloseMs, () => this.scheduleToCloseFired(ex, act)),
        );
      }
      if (act.state === 'backoff') this.armRetryTimer(ex, act);
      else if (act.state === 'scheduled') this.dispatchActivityAttempt(ex, act, true);
      else {
        // An attempt in flight when the server stopped: its worker may still answer; otherwise it times out and retries.
        this.hold(act);
        this.armStartedActivityTimers(ex, act);
      }
    }
    if (state.wft) {
      const w = state.wft as Obj;
      const wft: WorkflowTaskState = {
        ...(w as WorkflowTaskState),
        queries: new Map(),
        timeout: undefined,
        locked: false,
      };
      ex.wft = wft;
      this.hold(wft);
      if (wft.startedEventId) {
        wft.timeout = this.clock.schedule(wft.startedTime + ex.taskTimeoutMs, () => this.timeOutWorkflowTask(ex, wft));
      } else {
        this.wfQueue(ex.namespace, ex.taskQueue).offer({ start: (poll) => this.startWorkflowTask(ex, wft, poll) });
      }
    } else if (state.startDelayPending) {
      ex.startDelayTimer = this.clock.schedule(ex.executionTime, () => {
        ex.startDelayTimer = undefined;
        this.scheduleWorkflowTask(ex);
      });
    }
    return ex;
  }

  /** Removes closed executions past their namespace's retention (run at compaction). */
  purgeExpired(): number {
    let purged = 0;
    const now = this.now();
    for (const ns of this.namespaces.values()) {
      for (const ex of ns.executions.values()) {
        if (isOpen(ex) || !ex.closeTime || ex.closeTime + ns.retentionMs > now) continue;
        this.removeExecution(ex);
        purged++;
      }
    }
    return purged;
  }

  // ---------------------------------------------------------------- misc

  /** Schedules a timer for TestService.Sleep: resolves when virtual time reaches `at`. */
  sleepUntil(at: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.clock.now() >= at) resolve();
      else this.clock.schedule(at, resolve);
    });
  }
}

/** `activityTaskScheduled` for an ActivityTaskScheduled event (the name of its attributes field). */
function eventKind(ev: Obj): string {
  return (
    Object.keys(ev)
      .find((k) => k.endsWith('EventAttributes') && ev[k])
      ?.replace(/EventAttributes$/, '') ?? ''
  );
}

function eventAttributes(ev: Obj): Obj {
  return ev[`${eventKind(ev)}EventAttributes`] ?? {};
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
function pendingAt(events: Obj[]) {
  const timers = new Map<string, { timerId: string; startedEventId: number; fireAt: number }>();
  const activities = new Map<number, Obj>();
  const cancelRequestedActivities = new Set<number>();
  const children = new Set<number>();
  const external = new Set<number>();
  const started = events[0].workflowExecutionStartedEventAttributes;
  const memo: Obj = { ...(started.memo?.fields ?? {}) };
  const searchAttributes: Obj = { ...(started.searchAttributes?.indexedFields ?? {}) };
  let cancelRequested = false;
  let lastCompletedStartedId = 0;
  const attrs = (ev: Obj, kind: string): Obj | undefined => ev[`${kind}EventAttributes`];
  for (const ev of events) {
    let a: Obj | undefined;
    if ((a = attrs(ev, 'timerStarted')))
      timers.set(a.timerId, {
        timerId: a.timerId,
        startedEventId: num(ev.eventId),
        fireAt: toMs(ev.eventTime) + toMs(a.startToFireTimeout),
      });
    else if ((a = attrs(ev, 'timerFired') ?? attrs(ev, 'timerCanceled'))) timers.delete(a.timerId);
    else if (attrs(ev, 'activityTaskScheduled')) activities.set(num(ev.eventId), ev);
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
