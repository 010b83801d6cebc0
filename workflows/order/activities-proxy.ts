import { CancellationScope, proxyActivities } from '@temporalio/workflow';
import type { OrderActivities } from '../../activities/order';
import type { MailActivities } from '../../activities/mail';

const options = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;

/**
 * Runs every activity of `acts` outside cancellation: a cancelled order interrupts its waits, never a database
 * write halfway, so a forward step that started also finishes and its compensation is registered exactly when
 * its effect exists (the saga stays exact). The activities are short and idempotent.
 */
function uninterruptible<T extends object>(acts: T): T {
  return new Proxy(acts, {
    get(target, name) {
      const fn = Reflect.get(target, name) as (...args: unknown[]) => Promise<unknown>;
      return (...args: unknown[]) => CancellationScope.nonCancellable(() => fn(...args));
    },
  });
}

/** The order activities: database writes and mail; a minute each, retried with backoff until they succeed. */
export const orderActs = uninterruptible(proxyActivities<OrderActivities>(options));

/** The platform's mail activities (outbox). */
export const mailActs = uninterruptible(proxyActivities<MailActivities>(options));
