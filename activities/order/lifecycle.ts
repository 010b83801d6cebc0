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
  money,
  orderReference,
  type ActivityActor,
  type OrderActivityDeps,
} from './context';

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

    /** Records the cancellation and tells the customer (in English and Chinese). */
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
        const paid = money(request.refundFen, request.currency);
        const refunding = request.refundFen > 0;
        await mailCustomer(
          trx,
          request.customerId,
          `${callingWorkflowId()}:cancelled`,
          `Order ${ref} cancelled / 订单 ${ref} 已取消`,
          [
            `Order ${ref} was cancelled: ${request.reason}.` +
              (refunding
                ? ` You have paid ${paid.en}: our finance department is working out the refund (less any charges the contract allows, such as parts already bought) and will confirm the amount to you.`
                : ''),
            `订单 ${ref} 已取消，原因：${request.reason}。` +
              (refunding
                ? `您已支付 ${paid.zh}：我司财务部正在核算退款（扣除合同允许的费用，如已采购的物料），核定后将告知您退款金额。`
                : ''),
          ].join('\n\n'),
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
        const check = checkRefund({
          paidFen: request.paidFen,
          refundedFen: 0,
          amountFen: request.refundFen,
          currency: request.currency,
        });
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
        const [paid, refund, retained] = [request.paidFen, request.refundFen, request.retainedFen].map((fen) =>
          money(fen, request.currency),
        );
        const { materialsPurchasedFen, toolingFen } = request.charges;
        const retainedFor = {
          en: [
            materialsPurchasedFen > 0 ? 'parts already bought for your order' : '',
            toolingFen > 0 ? 'tooling already made (stencil, programming)' : '',
          ],
          zh: [
            materialsPurchasedFen > 0 ? '已为您的订单采购的物料' : '',
            toolingFen > 0 ? '已制作的工装（钢网、程序）' : '',
          ],
        };
        const retaining = request.retainedFen > 0;
        await mailCustomer(
          trx,
          request.customerId,
          `${callingWorkflowId()}:refund-approved`,
          `Refund for cancelled order ${ref}: ${refund.en} / 已取消订单 ${ref} 的退款：${refund.zh}`,
          [
            `Order ${ref} was cancelled after you paid ${paid.en}. We refund ${refund.en} to the account you paid from.` +
              (retaining
                ? ` We retain ${retained.en} for ${retainedFor.en.filter(Boolean).join(' and ')}, as the contract allows.`
                : ''),
            `订单 ${ref} 在您支付 ${paid.zh} 后取消。我们将退还 ${refund.zh} 至您的付款账户。` +
              (retaining
                ? `按合同约定，我们保留 ${retained.zh}，用于${retainedFor.zh.filter(Boolean).join('和')}。`
                : ''),
          ].join('\n\n'),
        );
      });
    },

    /**
     * Records that finance paid the approved refund out (day, bank reference, who recorded it and who had approved
     * it: four eyes) and tells the customer, in English and Chinese, when and under which reference, so they can trace
     * the transfer.
     */
    async orderRefundPaidOut(request: {
      orderId: string;
      customerId: string;
      refundFen: number;
      currency: string;
      paidOutOn: string;
      bankReference: string;
      paidBy: ActivityActor;
      /** Absent in calls scheduled before the audit named the approver. */
      approvedBy?: ActivityActor;
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
            paidBy: request.paidBy,
            ...(request.approvedBy ? { approvedBy: request.approvedBy } : {}),
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
            `We paid the refund of ${amount.en} for cancelled order ${ref} on ${request.paidOutOn} to the account you paid from (bank reference ${request.bankReference}).`,
            `已取消订单 ${ref} 的退款 ${amount.zh} 已于 ${request.paidOutOn} 退回您的付款账户（银行流水号 ${request.bankReference}）。`,
          ].join('\n\n'),
        );
      });
    },
  };
}
