// Workflows for the server-feature conformance tests: child workflows, external signals and cancels,
// continue-as-new, search attributes. Only @temporalio/workflow.
import {
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowCancellationType,
  ParentClosePolicy,
  condition,
  continueAsNew,
  defineUpdate,
  defineQuery,
  defineSignal,
  executeChild,
  getExternalWorkflowHandle,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';

export const releaseSignal = defineSignal<[string]>('release');
export const seenQuery = defineQuery<string[]>('seen');

/** Waits for `release`, then returns what it was given. */
export async function waitForRelease(): Promise<string> {
  let value: string | undefined;
  setHandler(releaseSignal, (v) => void (value = v));
  setHandler(seenQuery, () => (value ? [value] : []));
  try {
    await condition(() => value !== undefined);
  } catch (err) {
    if (isCancellation(err)) return 'child saw cancel';
    throw err;
  }
  return value!;
}

export async function echoChild(text: string): Promise<string> {
  return `child says ${text}`;
}

export async function failingChild(): Promise<never> {
  throw ApplicationFailure.nonRetryable('child broke', 'ChildBroke');
}

export async function sleepyChild(): Promise<void> {
  await sleep('1 day');
}

export async function parentOfEcho(text: string): Promise<string> {
  return await executeChild(echoChild, { args: [text], workflowId: `${workflowInfo().workflowId}-child` });
}

export async function parentOfFailing(): Promise<string> {
  try {
    await executeChild(failingChild, { workflowId: `${workflowInfo().workflowId}-child` });
    return 'no error';
  } catch (err) {
    const e = err as { name?: string; cause?: { message?: string; type?: string } };
    return `${e.name}: ${e.cause?.message} (${e.cause?.type})`;
  }
}

/** Starts a child whose id is taken by a running workflow: the start fails. */
export async function parentOfDuplicate(takenId: string): Promise<string> {
  try {
    await startChild(waitForRelease, { workflowId: takenId });
    return 'started';
  } catch (err) {
    return (err as Error).name;
  }
}

/** Starts a waiting child with the given parent close policy and returns at once. */
export async function parentThatLeaves(policy: 'TERMINATE' | 'ABANDON' | 'REQUEST_CANCEL'): Promise<string> {
  const child = await startChild(waitForRelease, {
    workflowId: `${workflowInfo().workflowId}-child`,
    parentClosePolicy: ParentClosePolicy[policy],
  });
  return child.workflowId;
}

/** Starts a waiting child, then cancels it; returns what the child's result turned into. */
export async function parentCancelsChild(): Promise<string> {
  let outcome = '';
  await CancellationScope.cancellable(async () => {
    const scope = CancellationScope.current();
    const child = await startChild(waitForRelease, {
      workflowId: `${workflowInfo().workflowId}-child`,
      cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
    });
    scope.cancel();
    try {
      outcome = await child.result();
    } catch (err) {
      outcome = isCancellation(err) ? 'child cancelled' : (err as Error).name;
    }
  }).catch((err) => {
    if (!isCancellation(err)) throw err;
  });
  return outcome;
}

export async function parentOfTimedOutChild(): Promise<string> {
  try {
    await executeChild(sleepyChild, {
      workflowId: `${workflowInfo().workflowId}-child`,
      workflowExecutionTimeout: '1 hour',
    });
    return 'no timeout';
  } catch (err) {
    const e = err as { name?: string; cause?: { name?: string } };
    return `${e.name}/${e.cause?.name}`;
  }
}

export async function signalOther(targetId: string, value: string): Promise<string> {
  try {
    await getExternalWorkflowHandle(targetId).signal(releaseSignal, value);
    return 'signalled';
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  }
}

export async function cancelOther(targetId: string): Promise<string> {
  try {
    await getExternalWorkflowHandle(targetId).cancel();
    return 'cancel requested';
  } catch (err) {
    return (err as Error).name;
  }
}

/** Continues as new until `remaining` reaches 0; returns the runs' count. */
export async function countdown(remaining: number, runs = 1): Promise<number> {
  if (remaining > 0) await continueAsNew<typeof countdown>(remaining - 1, runs + 1);
  return runs;
}

/** Sets a search attribute, then waits for `release`. */
export async function tagged(stage: string): Promise<string> {
  upsertSearchAttributes({ Stage: [stage] });
  return await waitForRelease();
}

const { flakyUntilAttempt } = proxyActivities<{ flakyUntilAttempt(n: number): Promise<number> }>({
  startToCloseTimeout: '5s',
  retry: { initialInterval: '2s', backoffCoefficient: 1, maximumAttempts: 10 },
});

/** Everything a restart must keep: a timer, an activity being retried, and a child. */
export async function survivor(): Promise<string> {
  const attempts = await flakyUntilAttempt(3);
  await sleep('3s');
  const child = await executeChild(waitForRelease, { workflowId: `${workflowInfo().workflowId}-child` });
  return `attempts=${attempts} child=${child}`;
}

/** Sleeps for the given time (the durable benchmark keeps thousands of these open). */
export async function napping(ms: number): Promise<void> {
  await sleep(ms);
}

const { step } = proxyActivities<{ step(i: number): Promise<number> }>({ startToCloseTimeout: '30s' });

/** Three activities in a row (the benchmark's unit of work). */
export async function threeSteps(): Promise<number> {
  let sum = 0;
  for (let i = 0; i < 3; i++) sum += await step(i);
  return sum;
}

export const addUpdate = defineUpdate<number, [number]>('add');
export const doneSignal = defineSignal('done');

/** Keeps a running total changed by the `add` update (negative numbers are rejected by the validator). */
export async function counter(): Promise<number> {
  let total = 0;
  let done = false;
  setHandler(
    addUpdate,
    async (n: number) => {
      await sleep(10);
      total += n;
      return total;
    },
    {
      validator: (n: number) => {
        if (n < 0) throw new Error('negative numbers are not allowed');
      },
    },
  );
  setHandler(doneSignal, () => void (done = true));
  await condition(() => done);
  return total;
}

const { quick } = proxyActivities<{ quick(ms: number): Promise<string> }>({ startToCloseTimeout: '10s' });
const { slowLocal } = proxyLocalActivities<{ slowLocal(ms: number): Promise<void> }>({ startToCloseTimeout: '10s' });
export const goSignal = defineSignal('go');

/**
 * Cancels an activity that finished while the cancelling workflow task was still running (a local activity
 * keeps that task open): the server must still record ActivityTaskCancelRequested for the command.
 */
export async function cancelAfterFinish(): Promise<string> {
  let go = false;
  setHandler(goSignal, () => void (go = true));
  const scope = new CancellationScope();
  const result = scope.run(() => quick(300));
  await condition(() => go);
  await slowLocal(2000);
  scope.cancel();
  let outcome: string;
  try {
    outcome = await result;
  } catch (err) {
    outcome = isCancellation(err) ? 'cancelled' : String(err);
  }
  // Completing in the same task would meet the buffered completion as an UnhandledCommand; wait a moment.
  await sleep(1000);
  return outcome;
}
