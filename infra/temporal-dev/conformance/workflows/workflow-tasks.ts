import { CancellationScope, isCancellation, patched, sleep, workflowInfo } from '@temporalio/workflow';

/** Sleeps for `ms` (a durable timer) and returns how much workflow time passed. */
export async function sleeper(ms: number): Promise<number> {
  const before = Date.now();
  await sleep(ms);
  return Date.now() - before;
}

/** Starts an hour-long timer, cancels it once a one-second timer fires; returns how the long timer ended. */
export async function cancelTimer(): Promise<string> {
  const scope = new CancellationScope();
  const longTimer = scope.run(() => sleep('1 hour'));
  await sleep('1s');
  scope.cancel();
  try {
    await longTimer;
    return 'fired';
  } catch (err) {
    if (isCancellation(err)) return 'cancelled';
    throw err;
  }
}

/**
 * Throws a plain Error in its first workflow task (a workflow-task failure, which the server retries) and
 * succeeds in the retry. The first task sees 3 events (started, task scheduled, task started); the retried task
 * sees more because the failed task is in its history.
 */
export async function failFirstWorkflowTask(): Promise<string> {
  if (workflowInfo().historyLength <= 3) throw new Error('first workflow task fails on purpose');
  return `succeeded with history length ${workflowInfo().historyLength}`;
}

/** Takes the new code path behind a patch. */
export async function patchedWorkflow(): Promise<string> {
  return patched('conformance-patch') ? 'new code path' : 'old code path';
}

/** Waits for `days` of workflow time, then reports the workflow time that passed. */
export async function waitDays(days: number): Promise<number> {
  const before = Date.now();
  await sleep(`${days} days`);
  return Date.now() - before;
}
