import { CancellationScope, proxyActivities } from '@temporalio/workflow';
import type { OrderActivities } from '../../activities/order';
import type { MailActivities } from '../../activities/mail';
import { CARRIER_CALL, DATABASE_WRITE, MAIL_OUTBOX } from '../shared';

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

/** The order activities that write our database (and the outbox). */
export const orderActs = uninterruptible(proxyActivities<Omit<OrderActivities, 'orderBookCarrier'>>(DATABASE_WRITE));

/** The carrier booking: a call to the carrier's API, then the shipment row. */
export const carrierActs = uninterruptible(proxyActivities<Pick<OrderActivities, 'orderBookCarrier'>>(CARRIER_CALL));

/** The platform's mail activities (outbox). */
export const mailActs = uninterruptible(proxyActivities<MailActivities>(MAIL_OUTBOX));
