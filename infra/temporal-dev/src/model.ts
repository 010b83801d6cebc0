/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * The embedded server's state: namespaces, workflow executions (mutable state + history), pending
 * workflow tasks, activities, timers and queries. Messages are kept as plain protobuf-shaped objects
 * (camelCase fields, numbers for int64) that encode directly.
 */
import type { TimerHandle } from './clock';

/** A protobuf-shaped object (the wire layer is dynamic by nature). */
export type Obj = Record<string, any>;

export const WorkflowStatus = {
  RUNNING: 1,
  COMPLETED: 2,
  FAILED: 3,
  CANCELED: 4,
  TERMINATED: 5,
  CONTINUED_AS_NEW: 6,
  TIMED_OUT: 7,
} as const;

export const RetryState = {
  IN_PROGRESS: 1,
  NON_RETRYABLE_FAILURE: 2,
  TIMEOUT: 3,
  MAXIMUM_ATTEMPTS_REACHED: 4,
  RETRY_POLICY_NOT_SET: 5,
  CANCEL_REQUESTED: 7,
} as const;

export const TimeoutType = { START_TO_CLOSE: 1, SCHEDULE_TO_START: 2, SCHEDULE_TO_CLOSE: 3, HEARTBEAT: 4 } as const;

export const TaskQueueKind = { NORMAL: 1, STICKY: 2 } as const;

/** Something that holds a time-skipping lock while it is in flight. */
export interface LockHolder {
  locked?: boolean;
}

export interface WorkflowTaskState extends LockHolder {
  scheduledEventId: number;
  startedEventId: number;
  attempt: number;
  scheduledTime: number;
  startedTime: number;
  identity: string;
  timeout?: TimerHandle;
  /** Queries delivered with this task (id → query). */
  queries: Map<string, PendingQuery>;
}

export interface ActivityState extends LockHolder {
  scheduledEventId: number;
  activityId: string;
  activityType: string;
  taskQueue: string;
  input: Obj | null;
  header: Obj | null;
  priority: Obj | null;
  scheduleToCloseMs: number;
  scheduleToStartMs: number;
  startToCloseMs: number;
  heartbeatMs: number;
  retryPolicy: Obj;
  attempt: number;
  state: 'scheduled' | 'started' | 'backoff';
  scheduledTime: number;
  currentAttemptScheduledTime: number;
  startedTime: number;
  startedIdentity: string;
  startedRequestId: string;
  lastHeartbeatTime: number;
  heartbeatDetails: Obj | null;
  lastFailure: Obj | null;
  cancelRequested: boolean;
  cancelRequestedEventId: number;
  /** When the next attempt is dispatched (during retry backoff). */
  retryAt: number;
  timers: TimerHandle[];
}

export interface TimerState {
  timerId: string;
  startedEventId: number;
  fireAt: number;
  handle: TimerHandle;
}

export interface ChildState {
  initiatedEventId: number;
  namespace: string;
  workflowId: string;
  runId: string;
  workflowType: string;
  parentClosePolicy: number;
  started: boolean;
}

export interface PendingQuery {
  id: string;
  query: Obj;
  done: boolean;
  resolve(
    result: { answered: true; payloads: Obj | null } | { answered: false; message: string; failure: Obj | null },
  ): void;
  reject(err: Error): void;
}

/** A group of events delivered together (e.g. ActivityTaskStarted + ActivityTaskCompleted). */
export interface PendingEvent {
  kind: string;
  attrs: Obj;
  /** Index in the group of the event whose id goes to `attrs.startedEventId`. */
  startedFrom?: number;
}

export interface Execution {
  namespace: string;
  workflowId: string;
  runId: string;
  firstExecutionRunId: string;
  workflowType: string;
  taskQueue: string;
  startRequestId: string;
  status: number;
  startTime: number;
  executionTime: number;
  closeTime: number;
  history: Obj[];
  taskTimeoutMs: number;
  runTimeoutMs: number;
  executionTimeoutMs: number;
  /** Absolute deadline of the whole chain (execution timeout), 0 = none. */
  executionDeadline: number;
  runTimer?: TimerHandle;
  memo: Obj;
  searchAttributes: Obj;
  header: Obj | null;
  retryPolicy: Obj | null;
  /** Cron schedule of the chain ('' = none): each close but cancel and terminate starts the next run. */
  cronSchedule?: string;
  wft: WorkflowTaskState | null;
  /** Attempt of the next workflow task (grows after failures and timeouts). */
  wftAttempt: number;
  /** Started event id of the last completed workflow task (previous_started_event_id). */
  lastCompletedStartedId: number;
  /** Events that arrived while a workflow task was started. */
  buffered: PendingEvent[][];
  activities: Map<number, ActivityState>;
  timers: Map<string, TimerState>;
  children: Map<number, ChildState>;
  /** Queries waiting for the started workflow task to finish. */
  queriesAwaitingTask: PendingQuery[];
  /** Long polls waiting for new history events. */
  historyWaiters: Set<() => void>;
  cancelRequested: boolean;
  parent?: { namespace: string; workflowId: string; runId: string; initiatedEventId: number };
  root?: { workflowId: string; runId: string };
  /** Run that continued this one (continue-as-new), set on close. */
  newRunId?: string;
  startDelayTimer?: TimerHandle;
  historySizeBytes: number;
  /** Workflow updates by update id (in memory: accepted and completed ones are also in history). */
  updates?: Map<string, UpdateState>;
  /** The worker-specific queue the last worker asked for (not persisted: workers do not survive restarts). */
  sticky?: { queue: string; scheduleToStartMs: number };
}

/** Lifecycle stages of a workflow update (temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage). */
export const UpdateStage = { ADMITTED: 1, ACCEPTED: 2, COMPLETED: 3 } as const;

export interface UpdateState {
  updateId: string;
  request: Obj;
  stage: number;
  /** The workflow task (scheduled event id) the request was delivered with; 0 = not yet delivered. */
  deliveredWith: number;
  outcome?: Obj;
  /** Called whenever the stage changes (or the workflow closes). */
  waiters: Set<() => void>;
}

export interface NamespaceState {
  name: string;
  id: string;
  description: string;
  retentionMs: number;
  /** workflowId → run ids, oldest first; the last is the current run. */
  runs: Map<string, string[]>;
  executions: Map<string, Execution>;
  requestIds: Map<string, string>;
}

export function isOpen(ex: Execution): boolean {
  return ex.status === WorkflowStatus.RUNNING;
}
