/**
 * Where an activity stands and what may happen to it there: the one table `activities.ts` consults before it
 * changes an activity. A pair missing from the table is refused: a worker's call then gets NOT_FOUND (the
 * attempt it names is not running), a timer that fires late does nothing, a poll skips the task.
 *
 * A cancel request is recorded on the activity (`cancelRequested`) rather than being a state of its own: a
 * started attempt keeps running until its worker hears of the request on a heartbeat, and a retry keeps it.
 * Only the worker's "canceled" report depends on it (`activities.ts` refuses that report without a request).
 */

/** Live states (kept on the execution and persisted) and the terminal states an activity leaves by. */
export type ActivityStatus =
  /** An attempt waits in the task queue for a worker. */
  | 'scheduled'
  /** A worker took the attempt and runs it. */
  | 'started'
  /** An attempt failed or timed out and the retry policy waits before the next one. */
  | 'backoff'
  | 'completed'
  | 'failed'
  | 'timed_out'
  | 'canceled'
  /** The workflow closed (or continued as new) with the activity pending: nothing is written for it. */
  | 'abandoned';

export type ActivityEvent =
  /** A worker's poll takes the waiting attempt. */
  | 'poll'
  | 'heartbeat'
  /** RespondActivityTaskCompleted. */
  | 'complete'
  /** A failure (reported, or a start-to-close / heartbeat timeout) the retry policy does not retry. */
  | 'fail'
  /** A failure or start-to-close / heartbeat timeout the retry policy retries: the attempt ends, a backoff starts. */
  | 'retry'
  /** The backoff ended: the next attempt is offered to workers. */
  | 'retry_due'
  /** The workflow's RequestCancelActivityTask command. */
  | 'request_cancel'
  /** RespondActivityTaskCanceled (allowed only after a cancel request). */
  | 'report_canceled'
  | 'schedule_to_start_timeout'
  | 'start_to_close_timeout'
  | 'heartbeat_timeout'
  /** The deadline over all attempts. */
  | 'schedule_to_close_timeout'
  /** The workflow run closed. */
  | 'workflow_closed';

export const ACTIVITY_EVENTS: readonly ActivityEvent[] = [
  'poll',
  'heartbeat',
  'complete',
  'fail',
  'retry',
  'retry_due',
  'request_cancel',
  'report_canceled',
  'schedule_to_start_timeout',
  'start_to_close_timeout',
  'heartbeat_timeout',
  'schedule_to_close_timeout',
  'workflow_closed',
];

export const ACTIVITY_STATUSES: readonly ActivityStatus[] = [
  'scheduled',
  'started',
  'backoff',
  'completed',
  'failed',
  'timed_out',
  'canceled',
  'abandoned',
];

/** state × event → next state. */
export const ACTIVITY_TRANSITIONS: Readonly<
  Record<ActivityStatus, Readonly<Partial<Record<ActivityEvent, ActivityStatus>>>>
> = {
  scheduled: {
    poll: 'started',
    // Nothing runs yet: the cancel completes at once.
    request_cancel: 'canceled',
    schedule_to_start_timeout: 'timed_out',
    schedule_to_close_timeout: 'timed_out',
    workflow_closed: 'abandoned',
  },
  started: {
    heartbeat: 'started',
    complete: 'completed',
    fail: 'failed',
    retry: 'backoff',
    // The attempt runs on; its worker learns of the request from its next heartbeat.
    request_cancel: 'started',
    report_canceled: 'canceled',
    start_to_close_timeout: 'timed_out',
    heartbeat_timeout: 'timed_out',
    schedule_to_close_timeout: 'timed_out',
    workflow_closed: 'abandoned',
  },
  backoff: {
    retry_due: 'scheduled',
    request_cancel: 'canceled',
    schedule_to_close_timeout: 'timed_out',
    workflow_closed: 'abandoned',
  },
  completed: {},
  failed: {},
  timed_out: {},
  canceled: {},
  abandoned: {},
};

/** The state `event` leads to from `from`, or undefined when the table refuses it. */
export function nextActivityStatus(from: ActivityStatus, event: ActivityEvent): ActivityStatus | undefined {
  return ACTIVITY_TRANSITIONS[from][event];
}

/** Whether a worker's calls (heartbeat, complete, fail, canceled) reach an activity in this state. */
export function runsOnWorker(state: ActivityStatus): boolean {
  return nextActivityStatus(state, 'heartbeat') !== undefined;
}
