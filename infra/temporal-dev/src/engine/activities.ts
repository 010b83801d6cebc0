/**
 * Activities: scheduling (timeouts defaulted and capped as Temporal does), dispatching attempts to workers,
 * the worker's reports (heartbeat, completed, failed, canceled), retries with backoff, timeouts and the
 * workflow's cancel requests. Every change of an activity's state goes through `move`, which consults the
 * table in `activity-states.ts`.
 *
 * Retries are not written to history: only the activity's end is, as ActivityTaskStarted (of the last
 * attempt, with its attempt number and the previous failure) followed by the outcome.
 *
 * **A worker that crashes mid-activity** sends nothing more; its attempt stays `started` until the
 * start-to-close timer (or, sooner, the heartbeat timer when the activity heartbeats) fires here
 * (`armStartedTimers` → `timedOut`). The retry policy then decides (`retryDecision`): another attempt after
 * the backoff (`retry` → `backoff`, then `retry_due` → `scheduled`, offered to the next poller), or
 * ActivityTaskTimedOut when attempts or the schedule-to-close deadline are used up. A late answer from the
 * crashed worker names an attempt that is no longer running and gets NOT_FOUND. If the server itself
 * restarts, `restore` re-arms the same timers from the saved start time.
 */
import { randomUUID } from 'node:crypto';
import type { Engine } from '../engine';
import * as errors from '../errors';
import type { PollInfo } from '../matching';
import {
  ActivityState,
  EventAttributes,
  Execution,
  Failure,
  HeartbeatResponse,
  PollActivityTaskResponse,
  Payloads,
  Wire,
  PendingEvent,
  RetryState,
  TaskQueueKind,
  TimeoutType,
  isOpen,
} from '../model';
import { fromMs, num, temporal, toMs } from '../proto';
import { ActivityEvent, nextActivityStatus, runsOnWorker } from './activity-states';
import type { WrittenEvent } from './history-log';
import { decodeToken, encodeToken } from './task-token';

/** The poll response for an activity task (temporal.api.workflowservice.v1.PollActivityTaskQueueResponse). */
export type ActivityTaskResponse = PollActivityTaskResponse;

type ScheduleActivityAttributes = Wire<temporal.api.command.v1.IScheduleActivityTaskCommandAttributes>;

/** An activity as persisted (without its timers and lock). */
export type SavedActivity = Omit<ActivityState, 'timers' | 'locked'>;

const NOT_FOUND = 'invalid activityID or activity already timed out or invoking workflow is completed';

const TIMEOUT_NAMES: Record<number, string> = {
  [TimeoutType.START_TO_CLOSE]: 'StartToClose',
  [TimeoutType.SCHEDULE_TO_START]: 'ScheduleToStart',
  [TimeoutType.SCHEDULE_TO_CLOSE]: 'ScheduleToClose',
  [TimeoutType.HEARTBEAT]: 'Heartbeat',
};

const TIMEOUT_EVENTS: Record<number, ActivityEvent> = {
  [TimeoutType.START_TO_CLOSE]: 'start_to_close_timeout',
  [TimeoutType.SCHEDULE_TO_START]: 'schedule_to_start_timeout',
  [TimeoutType.SCHEDULE_TO_CLOSE]: 'schedule_to_close_timeout',
  [TimeoutType.HEARTBEAT]: 'heartbeat_timeout',
};

export class Activities {
  constructor(private readonly engine: Engine) {}

  /** Whether the table allows `event` where the activity stands. */
  private allows(act: ActivityState, event: ActivityEvent): boolean {
    return nextActivityStatus(act.state, event) !== undefined;
  }

  /** Moves the activity as the table says; false (and nothing changed) when the table refuses. */
  private move(act: ActivityState, event: ActivityEvent): boolean {
    const next = nextActivityStatus(act.state, event);
    if (next === undefined) return false;
    act.state = next;
    return true;
  }

  // ------------------------------------------------------------ scheduling and dispatch

  /** The ScheduleActivityTask command. */
  schedule(ex: Execution, a: ScheduleActivityAttributes, wtc: number): void {
    let s2c = toMs(a.scheduleToCloseTimeout);
    let s2s = toMs(a.scheduleToStartTimeout);
    let stc = toMs(a.startToCloseTimeout);
    let hb = toMs(a.heartbeatTimeout);
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
    const initial = toMs(rp.initialInterval) || 1000;
    const retryPolicy = {
      initialInterval: fromMs(initial),
      backoffCoefficient: rp.backoffCoefficient || 2,
      maximumInterval: fromMs(toMs(rp.maximumInterval) || 100 * initial),
      maximumAttempts: rp.maximumAttempts ?? 0,
      nonRetryableErrorTypes: rp.nonRetryableErrorTypes ?? [],
    };
    const taskQueue = a.taskQueue?.name || ex.taskQueue;
    const ev = this.engine.events.append(ex, 'activityTaskScheduled', {
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
    this.track(ex, ev);
  }

  /** Starts tracking the activity an ActivityTaskScheduled event records, and dispatches its first attempt. */
  track(ex: Execution, ev: WrittenEvent): void {
    const a = ev.activityTaskScheduledEventAttributes!;
    const s2c = toMs(a.scheduleToCloseTimeout);
    const now = this.engine.now();
    const act: ActivityState = {
      scheduledEventId: num(ev.eventId),
      activityId: a.activityId ?? '',
      activityType: a.activityType?.name ?? '',
      taskQueue: a.taskQueue?.name ?? '',
      input: a.input ?? null,
      header: a.header ?? null,
      priority: a.priority ?? null,
      scheduleToCloseMs: s2c,
      scheduleToStartMs: toMs(a.scheduleToStartTimeout),
      startToCloseMs: toMs(a.startToCloseTimeout),
      heartbeatMs: toMs(a.heartbeatTimeout),
      retryPolicy: a.retryPolicy ?? {},
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
      const h = this.engine.clock.schedule(now + s2c, () => this.scheduleToCloseFired(ex, act));
      act.timers.push(h);
    }
    // Same instant as the schedule-to-close timer, so an untaken first attempt reads as SCHEDULE_TO_START.
    this.dispatch(ex, act, now);
  }

  /**
   * The schedule-to-close deadline: when no worker took the attempt and its schedule-to-start deadline has
   * passed too (the two are equal when schedule-to-start was defaulted), the timeout is SCHEDULE_TO_START.
   */
  private scheduleToCloseFired(ex: Execution, act: ActivityState): void {
    const unstarted =
      act.state === 'scheduled' &&
      act.scheduleToStartMs > 0 &&
      act.currentAttemptScheduledTime + act.scheduleToStartMs <= this.engine.now();
    this.timedOut(
      ex,
      act,
      act.attempt,
      unstarted ? TimeoutType.SCHEDULE_TO_START : TimeoutType.SCHEDULE_TO_CLOSE,
      'schedule_to_close_timeout',
    );
  }

  /** Offers the current (`scheduled`) attempt to the activity's task queue. */
  private dispatch(ex: Execution, act: ActivityState, scheduledTime = this.engine.now()): void {
    this.engine.touch(ex);
    act.currentAttemptScheduledTime = scheduledTime;
    this.engine.hold(act);
    const attempt = act.attempt;
    if (act.scheduleToStartMs && act.scheduleToStartMs !== act.scheduleToCloseMs) {
      act.timers.push(
        this.engine.clock.schedule(act.currentAttemptScheduledTime + act.scheduleToStartMs, () => {
          if (act.attempt === attempt && this.allows(act, 'schedule_to_start_timeout'))
            this.timedOut(ex, act, attempt, TimeoutType.SCHEDULE_TO_START);
        }),
      );
    }
    this.engine.actQueue(ex.namespace, act.taskQueue).offer({ start: (poll) => this.start(ex, act, attempt, poll) });
  }

  /** A poller takes the attempt (null when it went stale while queued). */
  private start(ex: Execution, act: ActivityState, attempt: number, poll: PollInfo): ActivityTaskResponse | null {
    if (!isOpen(ex) || ex.activities.get(act.scheduledEventId) !== act || act.attempt !== attempt) return null;
    if (!this.move(act, 'poll')) return null;
    const now = this.engine.now();
    this.engine.touch(ex);
    act.startedTime = now;
    act.startedIdentity = poll.identity;
    act.startedRequestId = poll.requestId ?? randomUUID();
    act.lastHeartbeatTime = 0;
    this.armStartedTimers(ex, act);
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

  /** The timers that notice a worker gone silent: start-to-close, and heartbeat when the activity has one. */
  private armStartedTimers(ex: Execution, act: ActivityState): void {
    const attempt = act.attempt;
    act.timers.push(
      this.engine.clock.schedule(act.startedTime + act.startToCloseMs, () =>
        this.timedOut(ex, act, attempt, TimeoutType.START_TO_CLOSE),
      ),
    );
    if (act.heartbeatMs) this.armHeartbeatTimer(ex, act);
  }

  private armHeartbeatTimer(ex: Execution, act: ActivityState): void {
    const attempt = act.attempt;
    const beat = act.lastHeartbeatTime;
    act.timers.push(
      this.engine.clock.schedule((beat || act.startedTime) + act.heartbeatMs, () => {
        if (act.attempt === attempt && this.allows(act, 'heartbeat_timeout') && act.lastHeartbeatTime === beat) {
          this.timedOut(ex, act, attempt, TimeoutType.HEARTBEAT);
        }
      }),
    );
  }

  private clearTimers(act: ActivityState, keepScheduleToClose: boolean): void {
    const keep = keepScheduleToClose && act.scheduleToCloseMs ? act.timers[0] : undefined;
    for (const t of act.timers) if (t !== keep) t.cancel();
    act.timers = keep ? [keep] : [];
  }

  /** Stops tracking an activity that reached a terminal state. */
  private drop(act: ActivityState): void {
    this.clearTimers(act, false);
    this.engine.release(act);
  }

  /** The run closed: its pending activities are abandoned (nothing is written for them). */
  abandonAll(ex: Execution): void {
    for (const act of ex.activities.values()) {
      this.move(act, 'workflow_closed');
      this.drop(act);
    }
    ex.activities.clear();
  }

  // ------------------------------------------------------------ the worker's calls

  /** Finds the running attempt a task token names, or NOT_FOUND. */
  byToken(taskToken: Uint8Array): { ex: Execution; act: ActivityState } {
    const token = decodeToken(taskToken);
    if (token.k !== 'a') throw errors.invalidArgument('Task token is not an activity task token.');
    let ex: Execution;
    try {
      ex = this.engine.find(token.ns, token.wid, token.rid);
    } catch {
      throw errors.notFound(NOT_FOUND);
    }
    const act = ex.activities.get(token.s ?? -1);
    if (!isOpen(ex) || !act || act.attempt !== token.a || !runsOnWorker(act.state)) {
      throw errors.notFound(NOT_FOUND);
    }
    return { ex, act };
  }

  /** Finds the running attempt of an activity by its id (the *ById calls), or NOT_FOUND. */
  byId(nsName: string, workflowId: string, runId: string, activityId: string): { ex: Execution; act: ActivityState } {
    let ex: Execution;
    try {
      ex = this.engine.find(nsName, workflowId, runId);
    } catch {
      throw errors.notFound(NOT_FOUND);
    }
    const act = [...ex.activities.values()].find((a) => a.activityId === activityId);
    if (!isOpen(ex) || !act || !runsOnWorker(act.state)) {
      throw errors.notFound(NOT_FOUND);
    }
    return { ex, act };
  }

  heartbeat(ex: Execution, act: ActivityState, details: Payloads | null): HeartbeatResponse {
    this.move(act, 'heartbeat');
    this.engine.touch(ex);
    act.heartbeatDetails = details ?? act.heartbeatDetails;
    act.lastHeartbeatTime = this.engine.now();
    if (act.heartbeatMs) {
      this.armHeartbeatTimer(ex, act);
    }
    return { cancelRequested: act.cancelRequested, activityPaused: false, activityReset: false };
  }

  complete(ex: Execution, act: ActivityState, result: Payloads | null, identity: string): void {
    this.finish(ex, act, 'complete', 'activityTaskCompleted', { result: result ?? undefined, identity });
  }

  fail(
    ex: Execution,
    act: ActivityState,
    failure: Failure | null,
    identity: string,
    lastHeartbeatDetails?: Payloads | null,
  ): void {
    if (lastHeartbeatDetails) act.heartbeatDetails = lastHeartbeatDetails;
    const f = failure ?? { message: 'activity failed' };
    const decision = this.retryDecision(act, f);
    if (decision.retryInMs !== undefined) {
      this.retry(ex, act, f, decision.retryInMs);
      return;
    }
    this.finish(ex, act, 'fail', 'activityTaskFailed', { failure: f, identity, retryState: decision.retryState });
  }

  /** RespondActivityTaskCanceled: only after the workflow asked for the cancel. */
  reportCanceled(ex: Execution, act: ActivityState, details: Payloads | null, identity: string): void {
    if (!act.cancelRequested) throw errors.invalidArgument('Activity cancellation was not requested.');
    this.finish(ex, act, 'report_canceled', 'activityTaskCanceled', {
      details: details ?? undefined,
      latestCancelRequestedEventId: act.cancelRequestedEventId,
      identity,
    });
  }

  // ------------------------------------------------------------ the workflow's cancel request

  /** RequestCancelActivityTask: true when the cancel completed at once (no attempt running). */
  requestCancel(ex: Execution, scheduledEventId: number, wtc: number): boolean {
    const append = this.engine.events.append.bind(this.engine.events);
    const act = ex.activities.get(scheduledEventId);
    if (!act) {
      // Finished while this workflow task ran (its outcome is buffered): the request is still recorded, as
      // Temporal does, so that replay sees the command's event; the buffered outcome follows it.
      const finished = ex.buffered.some((g) =>
        g.some((e) => e.kind.startsWith('activityTask') && e.attrs.scheduledEventId === scheduledEventId),
      );
      if (finished) append(ex, 'activityTaskCancelRequested', { scheduledEventId, workflowTaskCompletedEventId: wtc });
      return false;
    }
    const ev = append(ex, 'activityTaskCancelRequested', { scheduledEventId, workflowTaskCompletedEventId: wtc });
    act.cancelRequested = true;
    act.cancelRequestedEventId = ev.eventId;
    this.move(act, 'request_cancel');
    if (act.state !== 'canceled') return false;
    ex.activities.delete(scheduledEventId);
    this.drop(act);
    append(ex, 'activityTaskCanceled', {
      scheduledEventId,
      startedEventId: 0,
      latestCancelRequestedEventId: ev.eventId,
      identity: '',
    });
    return true;
  }

  // ------------------------------------------------------------ retries and timeouts

  /** What the retry policy says about a failed attempt: retry after a delay, or the retry state to end with. */
  private retryDecision(act: ActivityState, failure: Failure): { retryInMs?: number; retryState: number } {
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
    const initial = toMs(rp.initialInterval) || 1000;
    const maxInterval = toMs(rp.maximumInterval) || 100 * initial;
    let delay = info?.nextRetryDelay
      ? toMs(info.nextRetryDelay)
      : initial * Math.pow(rp.backoffCoefficient || 2, act.attempt - 1);
    if (!info?.nextRetryDelay) delay = Math.min(delay, maxInterval);
    if (act.scheduleToCloseMs && this.engine.now() + delay >= act.scheduledTime + act.scheduleToCloseMs) {
      return { retryState: RetryState.TIMEOUT };
    }
    return { retryInMs: delay, retryState: RetryState.IN_PROGRESS };
  }

  private retry(ex: Execution, act: ActivityState, failure: Failure, delayMs: number): void {
    if (!this.move(act, 'retry')) return;
    this.engine.touch(ex);
    this.clearTimers(act, true);
    act.lastFailure = failure;
    act.attempt += 1;
    act.startedTime = 0;
    act.retryAt = this.engine.now() + delayMs;
    // No lock during the backoff: time may skip to the next attempt.
    this.engine.release(act);
    this.armRetryTimer(ex, act);
  }

  private armRetryTimer(ex: Execution, act: ActivityState): void {
    const attempt = act.attempt;
    act.timers.push(
      this.engine.clock.schedule(act.retryAt, () => {
        if (ex.activities.get(act.scheduledEventId) === act && act.attempt === attempt && isOpen(ex)) {
          if (this.move(act, 'retry_due')) this.dispatch(ex, act);
        }
      }),
    );
  }

  /**
   * A timeout fired for `attempt`. Start-to-close and heartbeat timeouts are failures of the attempt (the
   * retry policy may retry them); schedule-to-start and schedule-to-close end the activity.
   */
  private timedOut(
    ex: Execution,
    act: ActivityState,
    attempt: number,
    timeoutType: number,
    event: ActivityEvent = TIMEOUT_EVENTS[timeoutType],
  ): void {
    if (!isOpen(ex) || ex.activities.get(act.scheduledEventId) !== act) return;
    if (timeoutType !== TimeoutType.SCHEDULE_TO_CLOSE && act.attempt !== attempt) return;
    if (!this.allows(act, event)) return;
    const failure: Failure = {
      message: `activity ${TIMEOUT_NAMES[timeoutType]} timeout`,
      source: 'Server',
      timeoutFailureInfo: { timeoutType, lastHeartbeatDetails: act.heartbeatDetails ?? undefined },
    };
    if (timeoutType === TimeoutType.START_TO_CLOSE || timeoutType === TimeoutType.HEARTBEAT) {
      const decision = this.retryDecision(act, failure);
      if (decision.retryInMs !== undefined) {
        this.retry(ex, act, failure, decision.retryInMs);
        return;
      }
      if (act.lastFailure) failure.cause = act.lastFailure;
      this.finish(ex, act, event, 'activityTaskTimedOut', { failure, retryState: decision.retryState });
      return;
    }
    if (act.lastFailure) failure.cause = act.lastFailure;
    this.finish(ex, act, event, 'activityTaskTimedOut', {
      failure,
      retryState: timeoutType === TimeoutType.SCHEDULE_TO_CLOSE ? RetryState.TIMEOUT : RetryState.NON_RETRYABLE_FAILURE,
    });
  }

  // ------------------------------------------------------------ the end

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
  private finish(ex: Execution, act: ActivityState, event: ActivityEvent, kind: string, attrs: EventAttributes): void {
    const wasStarted = act.state === 'started';
    if (!this.move(act, event)) return;
    const group: PendingEvent[] = [];
    if (wasStarted) group.push(this.startedEvent(act));
    group.push({
      kind,
      attrs: { scheduledEventId: act.scheduledEventId, startedEventId: 0, ...attrs },
      startedFrom: wasStarted ? 0 : undefined,
    });
    ex.activities.delete(act.scheduledEventId);
    this.drop(act);
    this.engine.events.deliver(ex, group);
  }

  // ------------------------------------------------------------ restart

  /** Rebuilds a persisted activity: its deadlines are re-armed from the saved times. */
  restore(ex: Execution, saved: SavedActivity): void {
    const act: ActivityState = { ...saved, timers: [], locked: false };
    ex.activities.set(act.scheduledEventId, act);
    if (act.scheduleToCloseMs) {
      act.timers.push(
        this.engine.clock.schedule(act.scheduledTime + act.scheduleToCloseMs, () => this.scheduleToCloseFired(ex, act)),
      );
    }
    if (act.state === 'backoff') this.armRetryTimer(ex, act);
    else if (act.state === 'scheduled') this.dispatch(ex, act, act.currentAttemptScheduledTime);
    else {
      // An attempt in flight when the server stopped: its worker may still answer; otherwise it times out and retries.
      this.engine.hold(act);
      this.armStartedTimers(ex, act);
    }
  }
}
