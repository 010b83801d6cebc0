/**
 * Repeated escalations around one of the platform's task waits: the platform's inbox reminds once and
 * escalates once; the quote SLA and overdue corrective actions keep escalating every day after that.
 */
import { condition } from '@temporalio/workflow';

/**
 * Resolves with `wait`'s result; meanwhile calls `onRepeat(n)` at `firstAt`, `firstAt + everyMs`, … (epoch ms,
 * workflow time) for as long as `wait` has not settled. Nothing fires after it settles.
 */
export async function repeatWhileWaiting<T>(wait: Promise<T>, firstAt: number, everyMs: number, onRepeat: (n: number) => Promise<void>): Promise<T> {
  let settled = false;
  const tracked = wait.finally(() => {
    settled = true;
  });
  const repeats = (async () => {
    for (let n = 1; ; n++) {
      const left = firstAt + (n - 1) * everyMs - Date.now();
      const done = left > 0 ? await condition(() => settled, left) : settled;
      if (done) return;
      await onRepeat(n);
    }
  })();
  const result = await tracked;
  await repeats;
  return result;
}
