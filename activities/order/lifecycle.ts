/** The order's own record: creation, the stage projection, decisions on the timeline, closing and cancelling. */
import { ApplicationFailure } from '@temporalio/common';
import { hasAudit } from '../../infra/db/repositories/audit';
import { createOrderIfAbsent, setOrderStatus } from '../../infra/db/repositories/orders';
import { cancelOpenCaseTasks } from '../../infra/db/repositories/tasks';
import type { OrderStage, OrderWorkflowInput } from '../../domain/order/contract';
import { auditOrder, callingWorkflowId, mailCustomer, orderReference, type ActivityActor, type OrderActivityDeps } from './context';

export function createOrderLifecycleActivities({ db }: OrderActivityDeps) {
  return {
    /** Creates the order row (id chosen by the starter), or leaves the existing one. */
    async orderRecord(input: OrderWorkflowInput): Promise<{ reference: string; created: boolean }> {
      return db.transaction().execute(async (trx) => {
        const reference = orderReference(input.orderId);
        const created = await createOrderIfAbsent(trx, {
          id: input.orderId,
          reference,
          quote_id: input.quoteId,
          customer_id: input.customerId,
          workflow_id: callingWorkflowId(),
          status: 'contract',
          quantity: input.quantity,
          total_cents: input.totalMinor,
          currency: input.currency,
        });
        if (created) await auditOrder(trx, input.orderId, 'order.created', { reference, quantity: input.quantity, totalMinor: input.totalMinor, currency: input.currency });
        return { reference, created };
      });
    },

    /** Moves the order's status column (the list's projection of the workflow stage). */
    async orderSetStage(request: { orderId: string; stage: OrderStage }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const change = await setOrderStatus(trx, request.orderId, request.stage);
        if (!change) throw ApplicationFailure.nonRetryable(`order ${request.orderId} not found`, 'OrderNotFound');
        if (change.before !== change.after) await auditOrder(trx, request.orderId, 'order.stage', { stage: change.after }, null, { stage: change.before });
      });
    },

    /** Records a decision a person made (timeline entry); keyed by step so a retry does not add a second one. */
    async orderRecordDecision(request: { orderId: string; step: string; decision: string; actor: ActivityActor | null; data?: Record<string, unknown> }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const action = `decision.${request.step}`;
        if (!(await hasAudit(trx, 'order', request.orderId, action))) await auditOrder(trx, request.orderId, action, { decision: request.decision, ...request.data }, request.actor);
      });
    },

    /** Cancels every open task of the order (compensation: "tasks closed"). */
    async orderCloseTasks(request: { orderId: string }): Promise<{ closed: number }> {
      return db.transaction().execute(async (trx) => {
        const closed = await cancelOpenCaseTasks(trx, 'order', request.orderId);
        await auditOrder(trx, request.orderId, 'tasks.closed', { closed });
        return { closed };
      });
    },

    /** Records the cancellation and tells the customer. */
    async orderCancelled(request: { orderId: string; customerId: string; reason: string; actor: ActivityActor | null; refundMinor: number; compensations: string[] }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        if (await hasAudit(trx, 'order', request.orderId, 'order.cancelled')) return;
        await auditOrder(trx, request.orderId, 'order.cancelled', { reason: request.reason, refundMinor: request.refundMinor, compensations: request.compensations }, request.actor);
        const ref = orderReference(request.orderId);
        await mailCustomer(trx, request.customerId, `${callingWorkflowId()}:cancelled`, `Order ${ref} cancelled`, `Order ${ref} was cancelled: ${request.reason}.`);
      });
    },
  };
}
