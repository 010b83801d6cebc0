/**
 * The history engine: applies client calls, worker completions and timer firings to workflow executions,
 * writing events the way a Temporal server records them (see the project's notes on Temporal histories:
 * buffering while a workflow task is in flight, activity retries not written to history, ActivityTaskStarted
 * written only at the activity's terminal event, and so on).
 *
 * This class coordinates; each concern lives in one file under `engine/` (see the README's "Engine map"):
 * history writing and buffering (`history-log.ts`), workflow tasks (`workflow-tasks.ts`) and their commands
 * (`commands.ts`), activities (`activities.ts`, states in `activity-states.ts`), timers (`timers.ts`), a run's
 * start and close (`lifecycle.ts`), continue-as-new and cron (`continue-as-new.ts`), children and external
 * calls (`children.ts`), signals, updates and queries (`signals.ts`, `updates.ts`, `queries.ts`), reset
 * (`reset.ts`), what visibility sees (`visibility-hooks.ts`) and persistence (`snapshot.ts`). The concerns
 * reach each other through the fields of this class.
 */
import { randomUUID } from 'node:crypto';
import { Clock } from './clock';
import * as errors from './errors';
import { TaskQueue } from './matching';
import {
  ActivityState,
  Execution,
  Failure,
  Header,
  HistoryEvent,
  LockHolder,
  NamespaceState,
  Payloads,
  DescribeWorkflowResponse,
  GetHistoryRequest,
  GetHistoryResponse,
  HeartbeatResponse,
  PollUpdateResponse,
  QueryWorkflowResponse,
  ResetWorkflowRequest,
  ResetWorkflowResponse,
  RespondQueryTaskCompletedRequest,
  RespondQueryTaskCompletedResponse,
  RespondWorkflowTaskCompletedRequest,
  RespondWorkflowTaskCompletedResponse,
  RespondWorkflowTaskFailedRequest,
  RespondWorkflowTaskFailedResponse,
  StartWorkflowRequest,
  UpdateRequest,
  UpdateWorkflowResponse,
  WorkflowExecutionInfo,
  WorkflowExecutionRef,
  WorkflowQuery,
} from './model';
import { Activities, ActivityTaskResponse } from './engine/activities';
import { Children } from './engine/children';
import { BLOB_ERROR_BYTES, BLOB_WARN_BYTES, Commands } from './engine/commands';
import { Continuation } from './engine/continue-as-new';
import { HistoryLog } from './engine/history-log';
import { RunLifecycle, StartExtras } from './engine/lifecycle';
import { Queries } from './engine/queries';
import { resetWorkflow } from './engine/reset';
import { Signals } from './engine/signals';
import { ExecutionSnapshot, exportExecution, restoreExecution } from './engine/snapshot';
import { Timers } from './engine/timers';
import { Updates } from './engine/updates';
import { EngineHooks, describeExecution, executionInfo } from './engine/visibility-hooks';
import { WorkflowTaskResponse, WorkflowTasks } from './engine/workflow-tasks';

export { BLOB_ERROR_BYTES, BLOB_WARN_BYTES } from './engine/commands';
export { HISTORY_ERROR_EVENTS, HISTORY_WARN_EVENTS } from './engine/history-log';
export { MAX_ID_LENGTH } from './engine/lifecycle';
export type { ExecutionSnapshot } from './engine/snapshot';

/** Matching hands back an empty response after this long, as Temporal's matching service does. */
export const LONG_POLL_MS = 60_000;

export interface EngineOptions {
  clock: Clock;
  namespaces: string[];
  log?: (level: 'debug' | 'info' | 'warn' | 'error', msg: string) => void;
}

export class Engine implements EngineHooks {
  readonly clock: Clock;
  readonly namespaces = new Map<string, NamespaceState>();
  private readonly wfQueues = new Map<string, TaskQueue<WorkflowTaskResponse>>();
  private readonly actQueues = new Map<string, TaskQueue<ActivityTaskResponse>>();
  readonly log: NonNullable<EngineOptions['log']>;

  onChange?: EngineHooks['onChange'];
  onWorkflowClosed?: EngineHooks['onWorkflowClosed'];
  onDeleted?: EngineHooks['onDeleted'];
  onMetaChange?: EngineHooks['onMetaChange'];
  searchAttributes?: EngineHooks['searchAttributes'];

  // The concerns (each in its own file under engine/).
  readonly events = new HistoryLog(this);
  readonly workflowTasks = new WorkflowTasks(this);
  readonly commands = new Commands(this);
  readonly activities = new Activities(this);
  readonly timers = new Timers(this);
  readonly lifecycle = new RunLifecycle(this);
  readonly continuation = new Continuation(this);
  readonly children = new Children(this);
  readonly signals = new Signals(this);
  readonly updates = new Updates(this);
  readonly queries = new Queries(this);

  constructor(opts: EngineOptions) {
    this.clock = opts.clock;
    this.log = opts.log ?? (() => undefined);
    for (const ns of opts.namespaces) this.registerNamespace(ns);
  }

  // ---------------------------------------------------------------- namespaces and lookups

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

  // ---------------------------------------------------------------- shared by the concerns

  now(): number {
    return this.clock.now();
  }

  /** Marks an execution changed. */
  touch(ex: Execution): void {
    this.onChange?.(ex);
  }

  /** Workflow tasks lock time apart from clients; activity attempts share the clients' counter (see Clock). */
  hold(h: LockHolder): void {
    if (!h.locked) {
      h.locked = true;
      if ('activityId' in h) this.clock.lockForActivity();
      else this.clock.lockForTask();
    }
  }

  release(h: LockHolder): void {
    if (h.locked) {
      h.locked = false;
      if ('activityId' in h) this.clock.unlock();
      else this.clock.unlockForTask();
    }
  }

  private queueKey(ns: string, name: string): string {
    return `${ns}\u0000${name}`;
  }

  wfQueue(ns: string, name: string): TaskQueue<WorkflowTaskResponse> {
    const key = this.queueKey(ns, name);
    let q = this.wfQueues.get(key);
    if (!q) this.wfQueues.set(key, (q = new TaskQueue()));
    return q;
  }

  actQueue(ns: string, name: string): TaskQueue<ActivityTaskResponse> {
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

  /** Rejects a payload over the 2 MB limit (INVALID_ARGUMENT, as Temporal does); warns past 256 KB. */
  checkBlob(size: number, what: string): void {
    if (size > BLOB_ERROR_BYTES)
      throw errors.invalidArgument(`Blob data size exceeds limit (${what}: ${size} bytes > ${BLOB_ERROR_BYTES}).`);
    if (size > BLOB_WARN_BYTES) this.log('warn', `${what} is ${size} bytes (over ${BLOB_WARN_BYTES})`);
  }

  // ---------------------------------------------------------------- the service's calls

  /** StartWorkflowExecution, SignalWithStart and child starts share this. */
  startWorkflow(
    req: StartWorkflowRequest,
    extra: StartExtras = {},
  ): { ex: Execution; started: boolean; eagerWorkflowTask?: WorkflowTaskResponse } {
    return this.lifecycle.start(req, extra);
  }

  terminate(ex: Execution, reason: string, details: Payloads | null, identity: string): void {
    this.lifecycle.terminate(ex, reason, details, identity);
  }

  requestCancelWorkflow(
    ex: Execution,
    reason: string,
    identity: string,
    external?: { initiatedEventId: number; execution: WorkflowExecutionRef },
  ): void {
    this.signals.requestCancel(ex, reason, identity, external);
  }

  signal(
    ex: Execution,
    signalName: string,
    input: Payloads | null,
    header: Header | null,
    identity: string,
    requestId?: string,
  ): void {
    this.signals.signal(ex, signalName, input, header, identity, requestId);
  }

  /** ShutdownWorker: workflows sticky to that worker go back to the normal queue. */
  unstick(nsName: string, stickyQueue: string): void {
    this.workflowTasks.unstick(nsName, stickyQueue);
  }

  respondWorkflowTaskCompleted(req: RespondWorkflowTaskCompletedRequest): RespondWorkflowTaskCompletedResponse {
    return this.workflowTasks.respondCompleted(req);
  }

  respondWorkflowTaskFailed(req: RespondWorkflowTaskFailedRequest): RespondWorkflowTaskFailedResponse {
    return this.workflowTasks.respondFailed(req);
  }

  tokenActivity(taskToken: Uint8Array): { ex: Execution; act: ActivityState } {
    return this.activities.byToken(taskToken);
  }

  activityById(
    nsName: string,
    workflowId: string,
    runId: string,
    activityId: string,
  ): { ex: Execution; act: ActivityState } {
    return this.activities.byId(nsName, workflowId, runId, activityId);
  }

  completeActivity(ex: Execution, act: ActivityState, result: Payloads | null, identity: string): void {
    this.activities.complete(ex, act, result, identity);
  }

  failActivity(
    ex: Execution,
    act: ActivityState,
    failure: Failure | null,
    identity: string,
    lastHeartbeatDetails?: Payloads | null,
  ): void {
    this.activities.fail(ex, act, failure, identity, lastHeartbeatDetails);
  }

  cancelActivity(ex: Execution, act: ActivityState, details: Payloads | null, identity: string): void {
    this.activities.reportCanceled(ex, act, details, identity);
  }

  heartbeat(ex: Execution, act: ActivityState, details: Payloads | null): HeartbeatResponse {
    return this.activities.heartbeat(ex, act, details);
  }

  /** UpdateWorkflowExecution. */
  update(
    ex: Execution,
    request: UpdateRequest,
    waitStage: number,
    signal: AbortSignal,
  ): Promise<UpdateWorkflowResponse> {
    return this.updates.update(ex, request, waitStage, signal);
  }

  /** PollWorkflowExecutionUpdate. */
  pollUpdate(ex: Execution, updateId: string, waitStage: number, signal: AbortSignal): Promise<PollUpdateResponse> {
    return this.updates.poll(ex, updateId, waitStage, signal);
  }

  /** QueryWorkflow. */
  query(
    ex: Execution,
    query: WorkflowQuery,
    rejectCondition: number,
    signal: AbortSignal,
  ): Promise<QueryWorkflowResponse> {
    return this.queries.query(ex, query, rejectCondition, signal);
  }

  respondQueryTaskCompleted(req: RespondQueryTaskCompletedRequest): RespondQueryTaskCompletedResponse {
    return this.queries.respondCompleted(req);
  }

  /** GetWorkflowExecutionHistory. */
  history(req: GetHistoryRequest, signal: AbortSignal): Promise<GetHistoryResponse> {
    return this.events.read(req, signal);
  }

  describe(ex: Execution): DescribeWorkflowResponse {
    return describeExecution(this, ex);
  }

  executionInfo(ex: Execution): WorkflowExecutionInfo {
    return executionInfo(this, ex);
  }

  reset(req: ResetWorkflowRequest): ResetWorkflowResponse {
    return resetWorkflow(this, req);
  }

  deleteExecution(ex: Execution, identity: string): void {
    this.lifecycle.delete(ex, identity);
  }

  // ---------------------------------------------------------------- persistence

  exportExecution(ex: Execution): ExecutionSnapshot {
    return exportExecution(this, ex);
  }

  restoreExecution(state: ExecutionSnapshot, history: HistoryEvent[]): Execution {
    return restoreExecution(this, state, history);
  }

  purgeExpired(): number {
    return this.lifecycle.purgeExpired();
  }

  /** Schedules a timer for TestService.Sleep: resolves when virtual time reaches `at`. */
  sleepUntil(at: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.clock.now() >= at) resolve();
      else this.clock.schedule(at, resolve);
    });
  }
}
