/** The order's own record: creation, the stage projection, decisions on the timeline, closing and cancelling. */
import { ApplicationFailure } from '@temporalio/common';
import { hasAudit } from '../../infra/db/repositories/audit';
import { createOrderIfAbsent, setOrderStatus } from '../../infra/db/repositories/orders';
import { cancelOpenCaseTasks } from '../../infra/db/repositories/tasks';
import type { OrderStage, OrderWorkflowInput } from '../../domain/order/contract';
import { checkRefund, type CancellationCharges } from '../../domain/order/refund';
import {
  auditOrder,
  callingWorkflowId,
  mailCustomer,
  orderReference,
  type ActivityActor,
  type OrderActivityDeps,
} from './context';

/** An amount as people read it: yuan (or the order's currency) with two decimals. */
function money(minor: number, currency = 'CNY'): string {
  return `${(minor / 100).toFixed(2)} ${currency}`;
}

export function createOrderLifecycleActivities({ db }: OrderActivityDeps) {
  return {
    /** Creates the order row (id chosen by the starter), or leaves the existing one. */
    async orderRecord(
      input: OrderWorkflowInput & { status?: 'opening' },
    ): Promise<{ reference: string; created: boolean }> {
      return db.transaction().execute(async (trx) => {
        const reference = orderReference(input.orderId);
        const created = await createOrderIfAbsent(trx, {
          id: input.orderId,
          reference,
          quote_id: input.quoteId,
          customer_id: input.customerId,
          workflow_id: callingWorkflowId(),
          // Histories from before the opening stage create the order at `contract`.
          status: input.status ?? 'contract',
          quantity: input.quantity,
          total_fen: input.totalFen,
          currency: input.currency,
        });
        if (created)
          await auditOrder(trx, input.orderId, 'order.created', {
            reference,
            quantity: input.quantity,
            totalFen: input.totalFen,
            currency: input.currency,
          });
        return { reference, created };
      });
    },

    /** Moves the order's status column (the list's projection of the workflow stage). */
    async orderSetStage(request: { orderId: string; stage: OrderStage }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const change = await setOrderStatus(trx, request.orderId, request.stage);
        if (!change) throw ApplicationFailure.nonRetryable(`order ${request.orderId} not found`, 'OrderNotFound');
        if (change.before !== change.after)
          await auditOrder(trx, request.orderId, 'order.stage', { stage: change.after }, null, {
            stage: change.before,
          });
      });
    },

    /** Records a decision a person made (timeline entry); keyed by step so a retry does not add a second one. */
    async orderRecordDecision(request: {
      orderId: string;
      step: string;
      decision: string;
      actor: ActivityActor | null;
      data?: Record<string, unknown>;
    }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const action = `decision.${request.step}`;
        if (!(await hasAudit(trx, 'order', request.orderId, action)))
          await auditOrder(
            trx,
            request.orderId,
            action,
            { decision: request.decision, ...request.data },
            request.actor,
          );
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
    async orderCancelled(request: {
      orderId: string;
      customerId: string;
      reason: string;
      actor: ActivityActor | null;
      refundFen: number;
      currency?: string;
      compensations: string[];
    }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        if (await hasAudit(trx, 'order', request.orderId, 'order.cancelled')) return;
        await auditOrder(
          trx,
          request.orderId,
          'order.cancelled',
          { reason: request.reason, refundFen: request.refundFen, compensations: request.compensations },
          request.actor,
        );
        const ref = orderReference(request.orderId);
        const refundNote =
          request.refundFen > 0
            ? ` You have paid ${money(request.refundFen, request.currency)}: our finance department is working out the refund (less any charges the contract allows, such as parts already bought) and will confirm the amount to you.`
            : '';
        await mailCustomer(
          trx,
          request.customerId,
          `${callingWorkflowId()}:cancelled`,
          `Order ${ref} cancelled`,
          `Order ${ref} was cancelled: ${request.reason}.${refundNote}`,
        );
      });
    },

    /** Records a refund two people agreed (who prepared, who approved) and tells the customer the amount. */
    async orderRefundApproved(request: {
      orderId: string;
      customerId: string;
      paidFen: number;
      refundFen: number;
      retainedFen: number;
      charges: CancellationCharges;
      currency: string;
      preparedBy: ActivityActor;
      approvedBy: ActivityActor;
    }): Promise<void> {
      if (request.refundFen > 0) {
        // Refunds never exceed what was paid; the workflow computed it so, this keeps a bug from paying out more.
        const check = checkRefund({ paidFen: request.paidFen, refundedFen: 0, amountFen: request.refundFen });
        if (!check.ok) throw ApplicationFailure.nonRetryable(check.reason, 'RefundExceedsPaid');
      }
      await db.transaction().execute(async (trx) => {
        if (await hasAudit(trx, 'order', request.orderId, 'order.refund_approved')) return;
        await auditOrder(
          trx,
          request.orderId,
          'order.refund_approved',
          {
            paidFen: request.paidFen,
            refundFen: request.refundFen,
            retainedFen: request.retainedFen,
            charges: request.charges,
            currency: request.currency,
            preparedBy: request.preparedBy,
            approvedBy: request.approvedBy,
          },
          request.approvedBy,
        );
        const ref = orderReference(request.orderId);
        const retained =
          request.retainedFen > 0
            ? ` We retain ${money(request.retainedFen, request.currency)} for ${[request.charges.materialsPurchasedFen > 0 ? 'parts already bought for your order' : '', request.charges.toolingFen > 0 ? 'tooling already made (stencil, programming)' : ''].filter(Boolean).join(' and ')}, as the contract allows.`
            : '';
        await mailCustomer(
          trx,
          request.customerId,
          `${callingWorkflowId()}:refund-approved`,
          `Refund for cancelled order ${ref}: ${money(request.refundFen, request.currency)}`,
          `Order ${ref} was cancelled after you paid ${money(request.paidFen, request.currency)}. We refund ${money(request.refundFen, request.currency)} to the account you paid from.${retained}`,
        );
      });
    },

    /**
     * Records that finance paid the approved refund out (day, bank reference, who) and tells the customer, in English
     * and Chinese, when and under which reference, so they can trace the transfer.
     */
    async orderRefundPaidOut(request: {
      orderId: string;
      customerId: string;
      refundFen: number;
      currency: string;
      paidOutOn: string;
      bankReference: string;
      paidBy: ActivityActor;
    }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        if (await hasAudit(trx, 'order', request.orderId, 'order.refund_paid')) return;
        await auditOrder(
          trx,
          request.orderId,
          'order.refund_paid',
          {
            refundFen: request.refundFen,
            currency: request.currency,
            paidOutOn: request.paidOutOn,
            bankReference: request.bankReference,
          },
          request.paidBy,
        );
        const ref = orderReference(request.orderId);
        const amount = money(request.refundFen, request.currency);
        await mailCustomer(
          trx,
          request.customerId,
          `${callingWorkflowId()}:refund-paid`,
          `Refund for cancelled order ${ref} paid / 已取消订单 ${ref} 的退款已支付`,
          [
            `We paid the refund of ${amount} for cancelled order ${ref} on ${request.paidOutOn} to the account you paid from (bank reference ${request.bankReference}).`,
            `已取消订单 ${ref} 的退款 ${amount} 已于 ${request.paidOutOn} 退回您的付款账户（银行流水号 ${request.bankReference}）。`,
          ].join('\n\n'),
        );
      });
    },
  };
}
