import { proxyActivities } from '@temporalio/workflow';
import type { OrderActivities } from '../../activities/order';
import type { MailActivities } from '../../activities/mail';

/** The order activities: database writes and mail; a minute each, retried with backoff until they succeed. */
export const orderActs = proxyActivities<OrderActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** The platform's mail activities (outbox). */
export const mailActs = proxyActivities<MailActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
