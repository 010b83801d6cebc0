/**
 * The embedded server's state: namespaces, workflow executions (mutable state + history), pending
 * workflow tasks, activities, timers and queries. Messages are kept as plain protobuf-shaped objects
 * (camelCase fields, numbers for int64) that encode directly; the state's fields carry the Temporal API's
 * own message types (`@temporalio/proto`).
 */
import type Long from 'long';
import type { google, temporal } from '@temporalio/proto';
import type { TimerHandle } from './clock';
import type { ActivityStatus } from './engine/activity-states';

/**
 * A protobuf-shaped request or response as it comes off the wire (the gRPC and HTTP layers are dynamic by
 * nature). Engine state does not use it: see the interfaces below.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>;

export type Payloads = temporal.api.common.v1.IPayloads;
export type Payload = temporal.api.common.v1.IPayload;
export type Header = temporal.api.common.v1.IHeader;
export type RetryPolicy = temporal.api.common.v1.IRetryPolicy;
export type Priority = temporal.api.common.v1.IPriority;
export type Failure = temporal.api.failure.v1.IFailure;
export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
export type WorkflowQuery = temporal.api.query.v1.IWorkflowQuery;
export type UpdateRequest = temporal.api.update.v1.IRequest;
export type UpdateOutcome = temporal.api.update.v1.IOutcome;
export type WorkflowExecutionRef = temporal.api.common.v1.IWorkflowExecution;

/**
 * A Temporal API message as the engine sees it: int64 fields may be plain numbers or Longs (the engine writes
 * numbers, decoded requests carry Longs, protobufjs encodes either; read them through `num()`), everything else
 * as the generated interface says.
 */
export type Wire<T> = T extends Long
  ? number | Long
  : T extends Uint8Array | string | number | boolean | null | undefined
    ? T
    : T extends (infer U)[]
      ? Wire<U>[]
      : T extends object
        ? { [K in keyof T]: Wire<T[K]> }
        : T;

/** The engine's calls take and give the Temporal API's own request and response messages. */
export type Command = Wire<temporal.api.command.v1.ICommand>;
export type ProtocolMessage = Wire<temporal.api.protocol.v1.IMessage>;
export type WireFailure = Wire<Failure>;
/** A start, a signal-with-start (its signal input) or a continue-as-new (its backoff) all start a run. */
export type StartWorkflowRequest = temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest & {
  signalInput?: Payloads | null;
  backoffStartInterval?: google.protobuf.IDuration | null;
};
export type PollWorkflowTaskResponse = Wire<temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse>;
export type PollActivityTaskResponse = Wire<temporal.api.workflowservice.v1.IPollActivityTaskQueueResponse>;
export type RespondWorkflowTaskCompletedRequest =
  Wire<temporal.api.workflowservice.v1.IRespondWorkflowTaskCompletedRequest>;
export type RespondWorkflowTaskCompletedResponse =
  Wire<temporal.api.workflowservice.v1.IRespondWorkflowTaskCompletedResponse>;
export type RespondWorkflowTaskFailedRequest = Wire<temporal.api.workflowservice.v1.IRespondWorkflowTaskFailedRequest>;
export type RespondWorkflowTaskFailedResponse =
  Wire<temporal.api.workflowservice.v1.IRespondWorkflowTaskFailedResponse>;
export type HeartbeatResponse = Wire<temporal.api.workflowservice.v1.IRecordActivityTaskHeartbeatResponse>;
export type UpdateWorkflowResponse = Wire<temporal.api.workflowservice.v1.IUpdateWorkflowExecutionResponse>;
export type PollUpdateResponse = Wire<temporal.api.workflowservice.v1.IPollWorkflowExecutionUpdateResponse>;
export type QueryWorkflowResponse = Wire<temporal.api.workflowservice.v1.IQueryWorkflowResponse>;
export type QueryResult = Wire<temporal.api.query.v1.IWorkflowQueryResult>;
export type RespondQueryTaskCompletedRequest = Wire<temporal.api.workflowservice.v1.IRespondQueryTaskCompletedRequest>;
export type RespondQueryTaskCompletedResponse =
  Wire<temporal.api.workflowservice.v1.IRespondQueryTaskCompletedResponse>;
export type GetHistoryRequest = Wire<temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryRequest>;
export type GetHistoryResponse = Wire<temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryResponse>;
export type DescribeWorkflowResponse = Wire<temporal.api.workflowservice.v1.IDescribeWorkflowExecutionResponse>;
export type WorkflowExecutionInfo = Wire<temporal.api.workflow.v1.IWorkflowExecutionInfo>;
export type ResetWorkflowRequest = Wire<temporal.api.workflowservice.v1.IResetWorkflowExecutionRequest>;
export type ResetWorkflowResponse = Wire<temporal.api.workflowservice.v1.IResetWorkflowExecutionResponse>;

/** Memo fields and search attributes by name. */
export type PayloadMap = Record<string, Payload>;

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
  input: Payloads | null;
  header: Header | null;
  priority: Priority | null;
  scheduleToCloseMs: number;
  scheduleToStartMs: number;
  startToCloseMs: number;
  heartbeatMs: number;
  /** The policy as written on ActivityTaskScheduled (defaults filled in). */
  retryPolicy: RetryPolicy;
  attempt: number;
  /** Where the activity stands; moves only as `activity-states.ts`'s table allows. */
  state: ActivityStatus;
  scheduledTime: number;
  currentAttemptScheduledTime: number;
  startedTime: number;
  startedIdentity: string;
  startedRequestId: string;
  lastHeartbeatTime: number;
  heartbeatDetails: Payloads | null;
  lastFailure: Failure | null;
  /** The workflow asked to cancel; the worker hears it on its next heartbeat and may then report canceled. */
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
  query: WorkflowQuery;
  done: boolean;
  resolve(
    result:
      | { answered: true; payloads: Wire<Payloads> | null }
      | { answered: false; message: string; failure: Wire<Failure> | null },
  ): void;
  reject(err: Error): void;
}

/**
 * The attributes of an event not yet written: a protobuf message whose type depends on the event kind. The
 * fields the engine reads back (to match buffered outcomes and fill in ids) are named.
 */
export interface EventAttributes {
  scheduledEventId?: number;
  startedEventId?: number;
  timerId?: string;
  [field: string]: unknown;
}

/** A group of events delivered together (e.g. ActivityTaskStarted + ActivityTaskCompleted). */
export interface PendingEvent {
  kind: string;
  attrs: EventAttributes;
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
  history: HistoryEvent[];
  taskTimeoutMs: number;
  runTimeoutMs: number;
  executionTimeoutMs: number;
  /** Absolute deadline of the whole chain (execution timeout), 0 = none. */
  executionDeadline: number;
  runTimer?: TimerHandle;
  memo: PayloadMap;
  searchAttributes: PayloadMap;
  header: Header | null;
  retryPolicy: RetryPolicy | null;
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
  request: UpdateRequest;
  stage: number;
  /** The workflow task (scheduled event id) the request was delivered with; 0 = not yet delivered. */
  deliveredWith: number;
  outcome?: UpdateOutcome | null;
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
