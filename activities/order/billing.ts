/** The order's money: the credit check, the commission agreement, invoices, payments and payment reminders. */
import { ApplicationFailure } from '@temporalio/common';
import { getCustomer } from '../../infra/db/repositories/customers';
import {
  createContract,
  ensureInvoice,
  findInvoiceByNumber,
  getContractByOrder,
  markDepositPaid,
  openExposureFen,
  recordPayment,
  updateContract,
  voidOpenInvoice,
} from '../../infra/db/repositories/orders';
import type { CreditPosition } from '../../domain/order/payment';
import type { ContractStatus } from '../../domain/order/contract-payments';
import {
  auditOrder,
  callingWorkflowId,
  invoiceNumber,
  mailCustomer,
  money,
  orderReference,
  type ActivityActor,
  type InvoiceKind,
  type OrderActivityDeps,
} from './context';

/** The invoice kinds as a Chinese reader names them. */
const INVOICE_KIND_ZH: Record<InvoiceKind, string> = { deposit: '定金', balance: '尾款', statement: '月结' };

export function createOrderBillingActivities({ db }: OrderActivityDeps) {
  return {
    /** The customer's payment terms and what they owe elsewhere (credit check for monthly settlement). */
    async orderCreditPosition(request: { orderId: string; customerId: string }): Promise<CreditPosition> {
      const customer = await getCustomer(db, request.customerId);
      if (!customer)
        throw ApplicationFailure.nonRetryable(`customer ${request.customerId} not found`, 'CustomerNotFound');
      return {
        terms: customer.payment_terms,
        approved: customer.payment_terms === 'monthly' && customer.payment_terms_approved_by !== null,
        creditLimitFen: Number(customer.credit_limit_fen),
        openExposureFen: await openExposureFen(db, request.customerId, request.orderId),
      };
    },

    /** Issues the commission agreement and tells the customer. */
    async orderIssueContract(request: {
      orderId: string;
      customerId: string;
      depositFen: number;
      currency: string;
    }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const existing = await getContractByOrder(trx, request.orderId);
        if (existing) return;
        await createContract(trx, { order_id: request.orderId, deposit_required_fen: request.depositFen });
        await auditOrder(trx, request.orderId, 'contract.issued', { depositFen: request.depositFen });
        const ref = orderReference(request.orderId);
        const deposit = request.depositFen > 0 ? money(request.depositFen, request.currency) : null;
        await mailCustomer(
          trx,
          request.customerId,
          `${callingWorkflowId()}:contract:issued`,
          `Commission agreement for order ${ref} / 订单 ${ref} 的委托加工协议`,
          [
            `The commission agreement for order ${ref} is ready for your signature` +
              (deposit ? `; a deposit of ${deposit.en} is due once it is approved.` : '.'),
            `订单 ${ref} 的委托加工协议已备妥，请签署` + (deposit ? `；协议批准后须支付定金 ${deposit.zh}。` : '。'),
          ].join('\n\n'),
        );
      });
    },

    /** Records the customer's signature or the manager's approval on the contract. */
    async orderContractDecision(request: {
      orderId: string;
      status: Exclude<ContractStatus, 'issued'>;
      actor: ActivityActor;
      at: string;
    }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const contract = await getContractByOrder(trx, request.orderId);
        if (!contract) throw ApplicationFailure.nonRetryable(`order ${request.orderId} has no contract`, 'NoContract');
        if (contract.status === request.status) return;
        const at = new Date(request.at);
        // The customer signs or declines; the sales manager approves or rejects (who declined is in the audit row).
        const changes =
          request.status === 'signed'
            ? { status: request.status, signed_by_customer: request.actor.userId, signed_at: at }
            : request.status === 'declined'
              ? { status: request.status }
              : { status: request.status, approved_by: request.actor.userId, approved_at: at };
        await updateContract(trx, contract.id, changes);
        await auditOrder(
          trx,
          request.orderId,
          `contract.${request.status}`,
          { status: request.status },
          request.actor,
          { status: contract.status },
        );
      });
    },

    /** Issues an invoice (one per order and kind) and tells the customer. */
    async orderIssueInvoice(request: {
      orderId: string;
      customerId: string;
      kind: InvoiceKind;
      amountFen: number;
      currency: string;
      dueOn?: string | null;
    }): Promise<{ number: string }> {
      return db.transaction().execute(async (trx) => {
        const number = invoiceNumber(request.orderId, request.kind);
        const before = await findInvoiceByNumber(trx, number);
        await ensureInvoice(trx, {
          number,
          customer_id: request.customerId,
          order_id: request.orderId,
          kind: request.kind,
          amount_fen: request.amountFen,
          currency: request.currency,
          due_on: request.dueOn ?? null,
        });
        if (!before) {
          await auditOrder(trx, request.orderId, `invoice.issued`, {
            number,
            kind: request.kind,
            amountFen: request.amountFen,
          });
          if (request.kind !== 'statement') {
            const amount = money(request.amountFen, request.currency);
            await mailCustomer(
              trx,
              request.customerId,
              `${callingWorkflowId()}:invoice:${request.kind}`,
              `Invoice ${number} / 发票 ${number}`,
              [
                `Invoice ${number} (${request.kind}) for ${amount.en} is due. Please quote ${number} with your payment.`,
                `发票 ${number}（${INVOICE_KIND_ZH[request.kind]}）金额 ${amount.zh}，请付款，并在付款时注明 ${number}。`,
              ].join('\n\n'),
            );
          }
        }
        return { number };
      });
    },

    /** Voids the order's invoice of that kind if it is still open (compensation). */
    async orderVoidInvoice(request: { orderId: string; kind: InvoiceKind }): Promise<{ voided: boolean }> {
      return db.transaction().execute(async (trx) => {
        const number = invoiceNumber(request.orderId, request.kind);
        const voided = await voidOpenInvoice(trx, number);
        if (voided)
          await auditOrder(trx, request.orderId, 'invoice.voided', { number, kind: request.kind }, null, {
            status: 'open',
          });
        return { voided };
      });
    },

    /** Records one payment against the order's invoice of that kind (once per reference). */
    async orderRecordPayment(request: {
      orderId: string;
      kind: 'deposit' | 'balance';
      amountFen: number;
      currency: string;
      reference: string;
      receivedOn: string;
      actor: ActivityActor;
    }): Promise<{ invoiceStatus: string }> {
      return db.transaction().execute(async (trx) => {
        const number = invoiceNumber(request.orderId, request.kind);
        const invoice = await findInvoiceByNumber(trx, number);
        if (!invoice) throw ApplicationFailure.nonRetryable(`no invoice ${number}`, 'NoInvoice');
        const { invoice: after, created } = await recordPayment(trx, {
          invoice_id: invoice.id,
          amount_fen: request.amountFen,
          currency: request.currency,
          reference: request.reference,
          received_on: request.receivedOn,
          confirmed_by: request.actor.userId,
          idempotency_key: `${number}:${request.reference}`,
        });
        if (created)
          await auditOrder(
            trx,
            request.orderId,
            'payment.recorded',
            {
              invoice: number,
              amountFen: request.amountFen,
              reference: request.reference,
              invoiceStatus: after.status,
            },
            request.actor,
          );
        if (request.kind === 'deposit' && after.status === 'paid')
          await markDepositPaid(trx, request.orderId, new Date());
        return { invoiceStatus: after.status };
      });
    },

    /** Reminds the customer that an invoice is unpaid (one email per reminder number). */
    async orderPaymentReminder(request: {
      orderId: string;
      customerId: string;
      kind: InvoiceKind;
      outstandingFen: number;
      currency: string;
      reminder: number;
    }): Promise<{ recipients: number }> {
      return db.transaction().execute(async (trx) => {
        const number = invoiceNumber(request.orderId, request.kind);
        const outstanding = money(request.outstandingFen, request.currency);
        const recipients = await mailCustomer(
          trx,
          request.customerId,
          `${callingWorkflowId()}:payment:${request.kind}:reminder:${request.reminder}`,
          `Payment reminder: invoice ${number} / 付款提醒：发票 ${number}`,
          [
            `Invoice ${number} still has ${outstanding.en} outstanding. Goods ship once it is paid.`,
            `发票 ${number} 尚有 ${outstanding.zh} 未付，付清后即安排发货。`,
          ].join('\n\n'),
        );
        await auditOrder(trx, request.orderId, 'payment.reminder', {
          invoice: number,
          reminder: request.reminder,
          outstandingFen: request.outstandingFen,
        });
        return { recipients };
      });
    },
  };
}
