import { ApplicationFailure, CancelledFailure, CompleteAsyncError, Context } from '@temporalio/activity';

// The worker runs in the test process, so activities report what they saw through these maps (keyed by workflow
// id) and tests assert on them. Each test uses a fresh workflow id, so entries never collide.

/** One activity attempt as the worker received it. */
export interface AttemptRecord {
  attempt: number;
  currentAttemptScheduledMs: number;
  heartbeatDetails: unknown;
}

/** Attempts seen per workflow id, in arrival order. */
export const attemptsByWorkflow = new Map<string, AttemptRecord[]>();
/** Notes recorded by `recordNote` (cleanup steps) per workflow id. */
export const notesByWorkflow = new Map<string, string[]>();
/** How `heartbeatUntilCancelled` ended, per workflow id. */
export const cancellationOutcomeByWorkflow = new Map<string, string>();

const startedWaiters = new Map<string, () => void>();
const startedWorkflows = new Set<string>();

/** Resolves once an activity of the given workflow has started running on the worker. */
export function activityStarted(workflowId: string): Promise<void> {
  if (startedWorkflows.has(workflowId)) return Promise.resolve();
  return new Promise((resolve) => startedWaiters.set(workflowId, resolve));
}

function currentWorkflowId(): string {
  return Context.current().info.workflowExecution?.workflowId ?? 'no-workflow';
}

function recordAttempt(): AttemptRecord {
  const info = Context.current().info;
  const record: AttemptRecord = {
    attempt: info.attempt,
    currentAttemptScheduledMs: info.currentAttemptScheduledTimestampMs,
    heartbeatDetails: info.heartbeatDetails,
  };
  const workflowId = currentWorkflowId();
  const list = attemptsByWorkflow.get(workflowId) ?? [];
  list.push(record);
  attemptsByWorkflow.set(workflowId, list);
  startedWorkflows.add(workflowId);
  startedWaiters.get(workflowId)?.();
  return record;
}

/** Returns its input. */
export async function echo(value: string): Promise<string> {
  recordAttempt();
  return value;
}

/** Appends a note for the calling workflow (used for cleanup steps). */
export async function recordNote(note: string): Promise<void> {
  const workflowId = currentWorkflowId();
  const notes = notesByWorkflow.get(workflowId) ?? [];
  notes.push(note);
  notesByWorkflow.set(workflowId, notes);
}

/** Fails with a plain (retryable) error until attempt `succeedOn`, then reports the attempt it succeeded on. */
export async function failUntilAttempt(succeedOn: number): Promise<string> {
  const { attempt } = recordAttempt();
  if (attempt < succeedOn) throw new Error(`attempt ${attempt} failed on purpose`);
  return `succeeded on attempt ${attempt}`;
}

/** Attempt 1 fails asking for its retry after `delayMs` (overriding the policy's backoff); later attempts succeed. */
export async function failWithRetryDelay(delayMs: number): Promise<string> {
  const { attempt } = recordAttempt();
  if (attempt === 1) throw ApplicationFailure.create({ message: 'retry me later', nextRetryDelay: delayMs });
  return `succeeded on attempt ${attempt}`;
}

/** Always fails with a retryable ApplicationFailure of the given type. */
export async function failWithType(type: string): Promise<never> {
  const { attempt } = recordAttempt();
  throw ApplicationFailure.create({ type, message: `failed with ${type} on attempt ${attempt}` });
}

/** Fails with a failure marked non-retryable by the activity itself. */
export async function failNonRetryable(): Promise<never> {
  recordAttempt();
  throw ApplicationFailure.nonRetryable('this input can never work', 'InvalidInput');
}

/** Always fails with a plain error. */
export async function alwaysFail(): Promise<never> {
  const { attempt } = recordAttempt();
  throw new Error(`attempt ${attempt} failed`);
}

/** Attempt 1 outlives any short timeout (and is cancelled at worker shutdown); later attempts return at once. */
export async function slowOnFirstAttempt(firstAttemptMs: number): Promise<string> {
  const { attempt } = recordAttempt();
  if (attempt === 1) await Context.current().sleep(firstAttemptMs);
  return `finished on attempt ${attempt}`;
}

/** Runs for `ms` without heartbeating. */
export async function busyFor(ms: number): Promise<string> {
  recordAttempt();
  await Context.current().sleep(ms);
  return 'finished';
}

/**
 * Attempt 1 records a checkpoint through a heartbeat, then stops heartbeating so the heartbeat timeout fires.
 * Later attempts return the heartbeat details the server handed over from the previous attempt.
 */
export async function heartbeatThenStall(checkpoint: string): Promise<unknown> {
  const { attempt, heartbeatDetails } = recordAttempt();
  if (attempt === 1) {
    Context.current().heartbeat(checkpoint);
    await Context.current().sleep(20_000);
    return 'attempt 1 was not timed out';
  }
  return heartbeatDetails;
}

/** Heartbeats until the server delivers a cancellation through the heartbeat response. */
export async function heartbeatUntilCancelled(): Promise<string> {
  recordAttempt();
  const workflowId = currentWorkflowId();
  try {
    for (let beat = 0; beat < 600; beat += 1) {
      Context.current().heartbeat(beat);
      await Context.current().sleep(100);
    }
    cancellationOutcomeByWorkflow.set(workflowId, 'never cancelled');
    return 'never cancelled';
  } catch (err) {
    cancellationOutcomeByWorkflow.set(
      workflowId,
      err instanceof CancelledFailure ? 'cancelled' : `failed: ${String(err)}`,
    );
    throw err;
  }
}

/** Reports the timeouts and retry policy the server filled in for this activity. */
export async function reportOwnOptions(): Promise<{
  scheduleToCloseTimeoutMs: number;
  startToCloseTimeoutMs: number;
  heartbeatTimeoutMs: number | undefined;
}> {
  const info = Context.current().info;
  recordAttempt();
  return {
    scheduleToCloseTimeoutMs: info.scheduleToCloseTimeoutMs,
    startToCloseTimeoutMs: info.startToCloseTimeoutMs,
    heartbeatTimeoutMs: info.heartbeatTimeoutMs,
  };
}

/** Task tokens of activities left for a client to complete, per workflow id. */
export const asyncTaskTokens = new Map<string, Uint8Array>();

/** Leaves its completion to a client (by task token or by workflow and activity id). */
export async function completeFromOutside(): Promise<never> {
  asyncTaskTokens.set(currentWorkflowId(), Context.current().info.taskToken);
  recordAttempt();
  throw new CompleteAsyncError();
}
