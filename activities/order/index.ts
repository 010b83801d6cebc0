/**
 * The order workflows' side effects, by concern: the order's record (lifecycle), money (billing), the production
 * order, quality control of lots, and shipping. Each writes database projections audited on the order (which
 * makes its timeline), customer emails through the outbox, or carrier bookings, and is idempotent: natural keys
 * or `${workflowId}:${step}` keys make a retry change nothing.
 */
import { createOrderBillingActivities } from './billing';
import type { OrderActivityDeps } from './context';
import { createOrderLifecycleActivities } from './lifecycle';
import { createOrderProductionActivities } from './production';
import { createOrderQualityActivities } from './quality';
import { createOrderShippingActivities } from './shipping';

export { orderReference, type ActivityActor, type OrderActivityDeps } from './context';

/** Every order activity, for the `production` queue's worker. */
export function createOrderActivities(deps: OrderActivityDeps) {
  return {
    ...createOrderLifecycleActivities(deps),
    ...createOrderBillingActivities(deps),
    ...createOrderProductionActivities(deps),
    ...createOrderQualityActivities(deps),
    ...createOrderShippingActivities(deps),
  };
}

/** The order activities as workflows see them (`proxyActivities<OrderActivities>`). */
export type OrderActivities = ReturnType<typeof createOrderActivities>;
