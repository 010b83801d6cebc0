/**
 * Continue-as-new and cron: a run closes and the chain goes on as a new run of the same workflow id (same
 * first run id, same execution deadline). The new run is started before the old run's close event is written,
 * so that the event can name it.
 */
import { randomUUID } from 'node:crypto';
import type { Engine } from '../engine';
import * as errors from '../errors';
import {
  EventAttributes,
  Execution,
  Failure,
  Obj,
  Payloads,
  TaskQueueKind,
  TimeoutType,
  WorkflowStatus,
} from '../model';
import { fromMs, optDuration } from '../proto';
import { CompiledSpec, SpecError, canonicalizeSpec } from '../schedules/spec';

/** ContinueAsNewInitiator.CRON_SCHEDULE */
const INITIATOR_CRON = 3;

/** Time from `now` to the next time a workflow's cron schedule names (as the server delays a cron run's first task). */
export function cronBackoffMs(cron: string, now: number): number {
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

export class Continuation {
  constructor(private readonly engine: Engine) {}

  /** The ContinueAsNewWorkflowExecution command. */
  continueAsNew(ex: Execution, a: Obj, wtc: number): void {
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
    this.engine.log('debug', `continued ${ex.workflowId} as ${newRunId}`);
  }

  private closeAndContinue(ex: Execution, req: Obj, wtc: number, a: Obj): string {
    const engine = this.engine;
    // The new run must exist before the old one reports its id: write the event, start the run, fill the id in.
    engine.events.append(ex, 'workflowExecutionContinuedAsNew', {
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
    const { ex: next } = engine.lifecycle.start(req, {
      continuedFrom: ex,
      parent,
      root: ex.root,
      initiator: a.initiator ?? 1,
    });
    closeEvent.workflowExecutionContinuedAsNewEventAttributes!.newExecutionRunId = next.runId;
    ex.history.push(closeEvent);
    ex.newRunId = next.runId;
    // Children carry over to the new run's bookkeeping only through their own parent link; close the old run.
    ex.status = WorkflowStatus.CONTINUED_AS_NEW;
    ex.closeTime = engine.now();
    ex.runTimer?.cancel();
    engine.timers.cancelAll(ex);
    engine.activities.abandonAll(ex);
    ex.buffered = [];
    engine.queries.flushAwaiting(ex);
    engine.children.onClosed(ex, next);
    engine.events.notify(ex);
    return next.runId;
  }

  /**
   * A cron workflow that completes, fails or times out goes on as a new run whose first workflow task waits
   * for the next cron time, with the last result (and the failure, if any) handed over; cancel and terminate end it.
   */
  nextCronRun(ex: Execution, closeAttrs: EventAttributes, status: number): Execution | undefined {
    if (
      !ex.cronSchedule ||
      ![WorkflowStatus.COMPLETED, WorkflowStatus.FAILED, WorkflowStatus.TIMED_OUT].includes(status as 2 | 3 | 7)
    )
      return undefined;
    const started = ex.history[0]?.workflowExecutionStartedEventAttributes ?? {};
    const now = this.engine.now();
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
    const { ex: next } = this.engine.lifecycle.start(req, {
      continuedFrom: ex,
      parent: ex.parent,
      root: ex.root,
      initiator: INITIATOR_CRON,
      lastCompletionResult: (lastResult as Payloads | null | undefined) ?? undefined,
      failure: failure as Failure | undefined,
    });
    ex.newRunId = next.runId;
    return next;
  }
}
