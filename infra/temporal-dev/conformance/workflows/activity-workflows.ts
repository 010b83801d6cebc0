import {
  ActivityCancellationType,
  CancellationScope,
  condition,
  defineSignal,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  type ActivityOptions,
} from '@temporalio/workflow';
import type * as activities from '../activities';

/** Asks the workflow to cancel the activity it is waiting on. */
export const cancelActivitySignal = defineSignal('cancelActivity');

type ActivityName =
  | 'failUntilAttempt'
  | 'failWithType'
  | 'failWithRetryDelay'
  | 'failNonRetryable'
  | 'alwaysFail'
  | 'slowOnFirstAttempt'
  | 'busyFor'
  | 'heartbeatThenStall'
  | 'reportOwnOptions'
  | 'completeFromOutside'
  | 'echo';

/** Options a test passes to `runActivity` (ActivityOptions is plain data, so it crosses the client boundary). */
export type RunActivityOptions = ActivityOptions;

/**
 * Runs one activity with the options the test chose and returns its result; an activity failure fails the
 * workflow, so the test sees ActivityFailure (with the activity's failure as cause) through the client.
 */
export async function runActivity(name: ActivityName, args: unknown[], options: RunActivityOptions): Promise<unknown> {
  const proxies = proxyActivities<typeof activities>(options) as unknown as Record<
    ActivityName,
    (...a: unknown[]) => Promise<unknown>
  >;
  // Awaited (not returned) so the `__stack_trace` query shows this frame: the SDK drops a stack whose only frame
  // is the promise-resolution `then` a returned promise gets.
  return await proxies[name](...args);
}

/** Runs `count` activities one after the other (also the benchmark's workflow). */
export async function sequentialActivities(count: number): Promise<string[]> {
  const { echo } = proxyActivities<typeof activities>({ startToCloseTimeout: '30s' });
  const results: string[] = [];
  for (let step = 0; step < count; step += 1) results.push(await echo(`step ${step}`));
  return results;
}

/** Runs `count` activities at once: a cheap way to produce a long history. */
export async function parallelActivities(count: number): Promise<number> {
  const { echo } = proxyActivities<typeof activities>({ startToCloseTimeout: '30s' });
  const results = await Promise.all(Array.from({ length: count }, (_, index) => echo(`item ${index}`)));
  return results.length;
}

/**
 * Starts an activity that runs until cancelled (heartbeating on the worker, or completed from outside), cancels
 * it when signalled and waits for the cancellation to complete. Returns 'cancelled' when it ended as cancelled.
 */
export async function cancelRunningActivity(
  activity: 'heartbeatUntilCancelled' | 'completeFromOutside' = 'heartbeatUntilCancelled',
): Promise<string> {
  const proxies = proxyActivities<typeof activities>({
    startToCloseTimeout: '1 minute',
    heartbeatTimeout: '2s',
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: { maximumAttempts: 1 },
  });
  let cancelRequested = false;
  setHandler(cancelActivitySignal, () => void (cancelRequested = true));
  const scope = new CancellationScope();
  const running = scope.run(() => proxies[activity]() as Promise<string>);
  await Promise.race([condition(() => cancelRequested), running.catch(() => undefined)]);
  scope.cancel();
  try {
    return await running;
  } catch (err) {
    if (isCancellation(err)) return 'cancelled';
    throw err;
  }
}

/** Runs local activities: one that succeeds at once and one that succeeds on its third attempt. */
export async function localActivities(): Promise<string[]> {
  const { echo, failUntilAttempt } = proxyLocalActivities<typeof activities>({
    startToCloseTimeout: '10s',
    retry: { initialInterval: '10ms', backoffCoefficient: 1 },
  });
  return [await echo('local'), await failUntilAttempt(3)];
}
