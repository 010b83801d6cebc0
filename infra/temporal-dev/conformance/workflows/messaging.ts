import {
  ApplicationFailure,
  CancellationScope,
  condition,
  defineQuery,
  defineSignal,
  isCancellation,
  proxyActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type * as activities from '../activities';

/** Delivers a value the workflow is waiting for. */
export const unblockSignal = defineSignal<[string]>('unblock');
/** Adds one item to the list a collecting workflow keeps. */
export const itemSignal = defineSignal<[number]>('item');
/** Where the workflow is: 'waiting', 'unblocked', 'sleeping', ... */
export const phaseQuery = defineQuery<string>('phase');
/** The items collected so far. */
export const itemsQuery = defineQuery<number[]>('items');
/** A query whose handler always throws. */
export const failingQuery = defineQuery<string>('failing');

const { recordNote } = proxyActivities<typeof activities>({ startToCloseTimeout: '10s' });

/** Waits for the unblock signal and returns its value; its phase stays queryable after it closes. */
export async function waitForUnblock(): Promise<string> {
  let phase = 'waiting';
  let value: string | undefined;
  setHandler(unblockSignal, (received) => {
    value = received;
    phase = 'unblocked';
  });
  setHandler(phaseQuery, () => phase);
  setHandler(failingQuery, () => {
    throw new Error('this query refuses to answer');
  });
  await condition(() => value !== undefined);
  phase = 'done';
  return value!;
}

/** Collects `item` signals until it has `count` of them and returns them in arrival order. */
export async function collectItems(count: number): Promise<number[]> {
  const items: number[] = [];
  setHandler(itemSignal, (item) => void items.push(item));
  setHandler(itemsQuery, () => items);
  await condition(() => items.length >= count);
  return items;
}

/** Sleeps a day; when cancelled, runs a cleanup activity that cancellation cannot interrupt, then ends cancelled. */
export async function cleanupOnCancel(): Promise<string> {
  let phase = 'sleeping';
  setHandler(phaseQuery, () => phase);
  try {
    await sleep('1 day');
    return 'slept a whole day';
  } catch (err) {
    if (!isCancellation(err)) throw err;
    phase = 'cleaning up';
    await CancellationScope.nonCancellable(() => recordNote('cleaned up after cancellation'));
    throw err;
  }
}

/** Completes with its input. */
export async function echoWorkflow(value: string): Promise<string> {
  return value;
}

/** Fails with a business failure carrying a type and details. */
export async function failWorkflow(reason: string): Promise<never> {
  throw ApplicationFailure.create({ type: 'OrderRejected', message: reason, details: [42] });
}

/** Waits up to a day for the unblock signal; the phase query says whether it came or the day ran out. */
export async function waitForUnblockOrDeadline(): Promise<string> {
  let phase = 'waiting';
  setHandler(unblockSignal, () => void (phase = 'unblocked'));
  setHandler(phaseQuery, () => phase);
  if (!(await condition(() => phase === 'unblocked', '1 day'))) phase = 'deadline passed';
  await condition(() => phase === 'unblocked');
  return phase;
}
