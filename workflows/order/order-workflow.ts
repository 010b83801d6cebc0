/**
 * The order, from the accepted quote to delivery (DESIGN.md processes table: contract → production → QC / rework →
 * payment before ship → shipment). Reads top to bottom like the factory's procedure. Production and each QC lot
 * run as child workflows. The sales manager may cancel until the goods are released to shipping; each forward step
 * registers its compensation only once it succeeded, and they run in reverse.
 */
import {
  CancellationScope,
  executeChild,
  isCancellation,
  patched,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import {
  cancelOrderSignal,
  OrderCustomerIdAttribute,
  OrderIdAttribute,
  OrderStageAttribute,
  orderStateQuery,
  productionWorkflowId,
  qcLotWorkflowId,
  type CancelRequest,
  type LotView,
  type OrderStage,
  type OrderView,
  type OrderWorkflowInput,
  type OrderWorkflowResult,
  type PaymentView,
  type RefundView,
} from '../../domain/order/contract';
import { refundOnCancellation } from '../../domain/order/refund';
import { FOUR_EYES_REQUESTER, FOUR_EYES_REQUESTER_DID } from '../../domain/tasks/four-eyes';
import { formatMoney } from '../../domain/shared/money';
import {
  nextContractStatus,
  planContractPayments,
  type ContractEvent,
  type ContractStatus,
} from '../../domain/order/contract-payments';
import { nextShipmentStatus, type ShipmentEvent } from '../../domain/order/shipment';
import { applyPayment, outstandingFen, releaseRoute, type PaymentLedger } from '../../domain/order/payment';
import { canCancel, planCompensation, type ForwardStep } from '../../domain/order/cancellation';
import { planLots } from '../../domain/order/lot-qc';
import { ORDER_WAIT_POLICIES as P } from '../../domain/order/waits';
import { ORDER_TASK_KIND_NAMES as K } from '../../domain/order/task-kind-names';
import type { TaskCompletion } from '../../domain/tasks/task';
import { withFenNames } from '../../domain/shared/money-names';
import { repeatWhileWaiting, whenReady } from '../shared';
import { OrderSteps } from './human-steps';
import { childUpdateSignal, type ChildUpdate } from './child-updates';
import { carrierActs, orderActs } from './activities-proxy';
import { productionWorkflow } from './production-workflow';
import { qcLotWorkflow } from './qc-lot-workflow';

const actorOf = (c: TaskCompletion) => ({ userId: c.completedBy.userId, role: c.completedBy.role });

/** Thrown inside the order when the customer declines or the manager rejects the contract. */
class OrderEnded extends Error {
  constructor(
    readonly reason: string,
    readonly by: { userId: string; role: string; email: string },
  ) {
    super(reason);
  }
}

/** The order workflow (`orderWorkflow`, id `order:${quoteId}`, queue `production`). */
export async function orderWorkflow(recordedInput: OrderWorkflowInput): Promise<OrderWorkflowResult> {
  // Orders started before the money rename were given `totalFen`.
  const input = withFenNames(recordedInput);
  const { orderId, quoteId, customerId, currency } = input;
  const settings = { prepayDepositPercent: 30, maxLotSize: 500, reworkLimit: 2, ...input.settings };
  let stage: OrderStage = 'contract';
  const done: ForwardStep[] = [];
  const children = new Map<string, ChildUpdate>();
  /** The children that have had a task open (with its id): a child's stage is promised once its task is. */
  const childTaskOpened = new Set<string>();
  const lots = new Map<number, LotView>();
  let progress: { step: string; quantityDone: number }[] = [];
  const payment: PaymentView = {
    terms: null,
    depositFen: 0,
    depositPaid: false,
    balanceInvoicedFen: 0,
    paidFen: 0,
    outstandingFen: 0,
    releasedOnCredit: false,
    released: false,
  };
  const shipment: OrderView['shipment'] = { status: 'awaiting_release', carrier: null, trackingNumber: null };
  let cancelled: OrderView['cancelled'] = null;
  let refund: RefundView | null = null;
  let cancelRequest: CancelRequest | null = null;
  const refusedPayments: { step: string; reason: string }[] = [];

  const steps = new OrderSteps(input, {
    onDecision: (step, c) =>
      orderActs.orderRecordDecision({ orderId, step, decision: c.decision, actor: actorOf(c), data: c.data }),
  });
  const main = new CancellationScope();

  setHandler(orderStateQuery, (): OrderView => ({
    orderId,
    quoteId,
    customerId,
    stage,
    openTasks: [...steps.openTasks(), ...[...children.values()].flatMap((c) => c.openTasks)],
    decisions: [...steps.decisions, ...[...children.values()].flatMap((c) => c.decisions)].sort((a, b) =>
      a.at.localeCompare(b.at),
    ),
    progress,
    lots: [...lots.values()].sort((a, b) => a.lotIndex - b.lotIndex),
    payment: { ...payment },
    shipment: { ...shipment },
    cancelled,
    refund: refund && { ...refund },
  }));
  setHandler(childUpdateSignal, (update) => {
    children.set(update.source, {
      ...update,
      compensated: update.compensated ?? children.get(update.source)?.compensated,
    });
    if (update.openTasks.some((t) => t.taskId !== null)) childTaskOpened.add(update.source);
    if (update.progress) progress = update.progress;
    if (update.lot) lots.set(update.lot.lotIndex, update.lot);
    if (update.stage && update.stage !== stage && stage !== 'cancelled') enterStageLocally(update.stage);
  });
  setHandler(cancelOrderSignal, (request) => {
    // The API checks canCancel first; a request racing a stage change is ignored here, never half-applied.
    if (cancelRequest || !canCancel(stage).ok) return;
    cancelRequest = request;
    main.cancel();
  });

  /** The stage in the query and search attribute only: the status column was written elsewhere (a child, a cancel). */
  function enterStageLocally(next: OrderStage): void {
    stage = next;
    upsertSearchAttributes([{ key: OrderStageAttribute, value: next }]);
  }
  upsertSearchAttributes([
    { key: OrderIdAttribute, value: orderId },
    { key: OrderCustomerIdAttribute, value: customerId },
    { key: OrderStageAttribute, value: stage },
  ]);

  let contract: ContractStatus = 'issued';
  /** Records a decision on the contract; the tasks offer only decisions that fit, so a refusal here is a bug. */
  async function decideContract(event: ContractEvent, c: TaskCompletion): Promise<void> {
    const next = nextContractStatus(contract, event);
    if (!next.ok) throw new Error(next.reason);
    contract = next.status;
    await orderActs.orderContractDecision({
      orderId,
      status: next.status as Exclude<ContractStatus, 'issued'>,
      actor: actorOf(c),
      at: c.completedAt,
    });
  }

  /** Moves the shipment along (release → booking → delivery); the stages only allow it in order. */
  function moveShipment(event: ShipmentEvent): void {
    const next = nextShipmentStatus(shipment.status, event);
    if (!next.ok) throw new Error(next.reason);
    shipment.status = next.status;
  }

  async function enterStage(next: OrderStage): Promise<void> {
    enterStageLocally(next);
    await orderActs.orderSetStage({ orderId, stage: next });
  }

  /**
   * Enters a waiting stage only once the task it promises is open (issue 13 item 7: "the stage a client reads never
   * runs ahead of the task it promises"), so whoever reads the stage (query, search attribute or status column) can
   * complete the task at once instead of getting 409.
   */
  const enterOnce =
    (next: OrderStage) =>
    (settled: boolean): Promise<void> | void =>
      settled || stage === next ? undefined : enterStage(next);

  /** Collects one invoice: finance records payments (partial ones accumulate); the customer is reminded meanwhile. */
  async function collect(kind: 'deposit' | 'balance', amountFen: number): Promise<void> {
    let ledger: PaymentLedger = { invoicedFen: amountFen, currency, payments: [] };
    payment.outstandingFen = amountFen;
    const startedAt = Date.now();
    let settled = false;
    let escalated = false;
    const payments = async () => {
      for (let n = 1; !settled; n++) {
        const elapsed = Date.now() - startedAt;
        const step = `payment:${kind}:${n}`;
        const result = await steps.ask({
          step,
          kind: K.payment,
          title: `Record the ${kind} payment (${formatMoney(outstandingFen(ledger), currency)} outstanding)`,
          role: 'finance',
          policy: P.payment,
          // Seven days from the invoice, not from the latest partial payment; once escalated, not again.
          escalateAfterMs: escalated ? null : Math.max(0, P.payment.escalateAfterMs - elapsed),
          payload: {
            invoiceKind: kind,
            invoicedFen: amountFen,
            outstandingFen: outstandingFen(ledger),
            currency,
          },
        });
        if (result.escalated) escalated = true;
        const data = result.completion.data as {
          amountFen: number;
          currency: string;
          reference: string;
          receivedOn?: string;
        };
        const applied = applyPayment(ledger, {
          reference: data.reference,
          amountFen: data.amountFen,
          currency: data.currency,
        });
        if (!applied.ok) {
          refusedPayments.push({ step, reason: applied.reason });
          continue;
        }
        if (!applied.duplicate) {
          await orderActs.orderRecordPayment({
            orderId,
            kind,
            amountFen: data.amountFen,
            currency: data.currency,
            reference: data.reference,
            receivedOn: data.receivedOn ?? result.completion.completedAt.slice(0, 10),
            actor: actorOf(result.completion),
          });
          payment.paidFen += data.amountFen;
        }
        ledger = applied.ledger;
        payment.outstandingFen = applied.outstandingFen;
        settled = applied.settled;
      }
    };
    // The customer is dunned while the invoice is open (across partial payments); the escalation belongs to the
    // finance task above.
    await repeatWhileWaiting(
      payments(),
      {
        firstAt: startedAt + P.payment.firstReminderAfterMs,
        everyMs: P.payment.reminderEveryMs,
        max: P.payment.maxReminders,
      },
      (reminder) =>
        orderActs
          .orderPaymentReminder({
            orderId,
            customerId,
            kind,
            outstandingFen: outstandingFen(ledger),
            currency,
            reminder,
          })
          .then(() => undefined),
    );
  }

  /** A second person approves money `prepared` made ready (four eyes): another finance person, a manager or an admin. */
  function secondApproval(step: string, title: string, prepared: TaskCompletion, payload: Record<string, unknown>) {
    return steps.ask({
      step,
      kind: K.moneyApproval,
      title,
      role: 'finance',
      policy: P.moneyApproval,
      payload: {
        ...payload,
        currency,
        requestedBy: prepared.completedBy.email,
        [FOUR_EYES_REQUESTER]: prepared.completedBy.userId,
      },
    });
  }

  /**
   * The refund of a cancelled order with money paid: finance states the charges the contract allows (parts already
   * bought, tooling), a second person approves, the customer is told the amount. A refused proposal is redone.
   */
  async function settleRefund(paidFen: number, reason: string): Promise<void> {
    refund = { status: 'preparing', paidFen, refundFen: null, retainedFen: null, currency };
    for (let round = 1; ; round++) {
      const suffix = round === 1 ? '' : `:${round}`;
      refund = { ...refund, status: 'preparing', refundFen: null, retainedFen: null };
      const prepared = await steps.ask({
        step: `refund:prepare${suffix}`,
        kind: K.refund,
        title: `Work out the refund of the cancelled order (${formatMoney(paidFen, currency)} paid)`,
        role: 'finance',
        policy: P.refund,
        payload: { paidFen, currency, reason },
      });
      const charges = prepared.completion.data as { materialsPurchasedFen: number; toolingFen: number };
      const amounts = refundOnCancellation(paidFen, charges);
      refund = { ...refund, status: 'awaiting_approval', ...amounts };
      const approval = await secondApproval(
        `refund:approve${suffix}`,
        `Approve the refund of ${formatMoney(amounts.refundFen, currency)} (${formatMoney(amounts.retainedFen, currency)} retained)`,
        prepared.completion,
        {
          what: 'refund',
          amountFen: amounts.refundFen,
          retainedFen: amounts.retainedFen,
          paidFen,
        },
      );
      if (approval.completion.decision !== 'approve') continue;
      await orderActs.orderRefundApproved({
        orderId,
        customerId,
        paidFen,
        ...amounts,
        charges: { materialsPurchasedFen: charges.materialsPurchasedFen, toolingFen: charges.toolingFen },
        currency,
        preparedBy: actorOf(prepared.completion),
        approvedBy: actorOf(approval.completion),
      });
      refund = { ...refund, status: 'approved' };
      // Orders cancelled before the patch ended at the approval; now finance also records the money leaving.
      if (amounts.refundFen > 0 && patched('order-refund-paid-out')) {
        const payout = await steps.ask({
          step: 'refund:pay',
          kind: K.refundPayout,
          title: `Pay out the approved refund of ${formatMoney(amounts.refundFen, currency)} and record it`,
          role: 'finance',
          // Seed-silent; paying out takes about as long as working the refund out (README).
          policy: P.refund,
          // Four eyes: whoever approved the refund does not also record it paid out. The preparer may: the approval
          // checked their amount and the payout is that amount; barring them too would need a third finance person
          // whenever two finance people split preparing and approving (only finance records payouts).
          payload: {
            what: 'refund',
            amountFen: amounts.refundFen,
            currency,
            approvedBy: approval.completion.completedBy.email,
            [FOUR_EYES_REQUESTER]: approval.completion.completedBy.userId,
            [FOUR_EYES_REQUESTER_DID]: 'approved this refund',
          },
        });
        const paid = payout.completion.data as { paidOutOn: string; bankReference: string };
        await orderActs.orderRefundPaidOut({
          orderId,
          customerId,
          refundFen: amounts.refundFen,
          currency,
          paidOutOn: paid.paidOutOn,
          bankReference: paid.bankReference,
          paidBy: actorOf(payout.completion),
          approvedBy: actorOf(approval.completion),
        });
        refund = { ...refund, status: 'paid', paidOutOn: paid.paidOutOn };
      }
      return;
    }
  }

  async function compensate(
    reason: string,
    by: { userId: string; role: string; email: string } | null,
  ): Promise<OrderWorkflowResult> {
    const plan = planCompensation(done, payment.paidFen);
    // Materials and the line slot belong to the production child, which released them when it was cancelled
    // (it ran first: its steps came after the order's own).
    const effects: string[] = [...[...children.values()].flatMap((c) => c.compensated ?? [])];
    const invoiceOf = {
      void_deposit_invoice: 'deposit',
      void_balance_invoice: 'balance',
      void_statement_entry: 'statement',
    } as const;
    for (const compensation of plan.compensations) {
      if (!(compensation in invoiceOf)) continue;
      const kind = invoiceOf[compensation as keyof typeof invoiceOf];
      const { voided } = await orderActs.orderVoidInvoice({ orderId, kind });
      // A paid invoice stays as it is: the money is refunded by finance (refundFen), not voided away.
      effects.push(voided ? compensation : `keep_paid_${kind}_invoice`);
    }
    await orderActs.orderCloseTasks({ orderId });
    await orderActs.orderCancelled({
      orderId,
      customerId,
      reason,
      actor: by && { userId: by.userId, role: by.role },
      refundFen: plan.refundFen,
      currency,
      compensations: [...effects, 'close_tasks'],
    });
    for (const child of children.values()) child.openTasks = [];
    cancelled = {
      reason,
      by: by?.email ?? 'workflow',
      at: new Date().toISOString(),
      compensations: [...effects, 'close_tasks'],
    };
    enterStageLocally('cancelled');
    await orderActs.orderSetStage({ orderId, stage: 'cancelled' });
    if (plan.refundFen > 0) await settleRefund(plan.refundFen, reason);
    return { orderId, status: 'cancelled' };
  }

  // Recorded histories (before the patch) entered the deposit and payment stages before opening their tasks.
  const stageAfterTask = patched('order-stage-after-task');
  // Likewise the order was created at `contract` before the customer's signature task was open.
  const contractAfterTask = patched('order-contract-after-task');
  // Likewise the order entered kitting before starting production and qc before the lots opened their inspections;
  // now the production child enters its stages once their tasks are open, and the order qc once every lot's is.
  const productionAfterTask = patched('order-production-stage-after-task');
  if (contractAfterTask) enterStageLocally('opening');
  await orderActs.orderRecord(contractAfterTask ? { ...input, status: 'opening' } : input);

  try {
    await main.run(async () => {
      // Contract: commission agreement issued, signed by the customer, approved by the sales manager.
      const position = withFenNames(await orderActs.orderCreditPosition({ orderId, customerId }));
      const plan = planContractPayments(position.terms, input.totalFen, {
        prepayDepositPercent: settings.prepayDepositPercent,
      });
      payment.terms = position.terms;
      payment.depositFen = plan.depositFen;
      await orderActs.orderIssueContract({ orderId, customerId, depositFen: plan.depositFen, currency });
      const signatureWait = steps.ask({
        step: 'contract:sign',
        kind: K.contractSignature,
        title: 'Sign the commission agreement',
        role: 'customer',
        policy: P.contractSignature,
        payload: { depositFen: plan.depositFen, totalFen: input.totalFen, currency },
      });
      const signature = await (contractAfterTask
        ? steps.whenOpen('contract:sign', signatureWait, enterOnce('contract'))
        : signatureWait);
      const signed = signature.completion.decision === 'sign';
      await decideContract({ type: signed ? 'customer_signed' : 'customer_declined' }, signature.completion);
      if (!signed)
        throw new OrderEnded('the customer declined the commission agreement', signature.completion.completedBy);
      const approval = await steps.ask({
        step: 'contract:approve',
        kind: K.contractApproval,
        title: 'Approve the signed commission agreement',
        role: 'sales_manager',
        policy: P.contractApproval,
      });
      const approved = approval.completion.decision === 'approve';
      await decideContract({ type: approved ? 'manager_approved' : 'manager_rejected' }, approval.completion);
      if (!approved)
        throw new OrderEnded('the sales manager rejected the commission agreement', approval.completion.completedBy);

      // Deposit, when the payment terms require one.
      if (plan.depositRequired) {
        if (!stageAfterTask) await enterStage('deposit');
        await orderActs.orderIssueInvoice({
          orderId,
          customerId,
          kind: 'deposit',
          amountFen: plan.depositFen,
          currency,
        });
        done.push('deposit_invoiced');
        const deposit = collect('deposit', plan.depositFen);
        await (stageAfterTask ? steps.whenOpen('payment:deposit:', deposit, enterOnce('deposit')) : deposit);
        payment.depositPaid = true;
      }

      // Production (child): kitting, preparation, line slot, proofing, volume production.
      if (!productionAfterTask) await enterStage('kitting');
      await executeChild(productionWorkflow, {
        workflowId: productionWorkflowId(quoteId),
        args: [{ orderId, quoteId, customerId, quantity: input.quantity }],
      });
      const production = children.get(productionWorkflowId(quoteId));
      if (production) production.openTasks = [];

      // QC per lot (children, side by side): rework until 100 % pass.
      if (!productionAfterTask) await enterStage('qc');
      const lotSizes = planLots(input.quantity, settings.maxLotSize);
      const reference = `SO-${orderId.replace(/-/g, '').slice(0, 10).toUpperCase()}`;
      const lotIds = lotSizes.map((_, i) => qcLotWorkflowId(quoteId, i + 1));
      const qc = Promise.all(
        lotSizes.map(async (quantity, i) => {
          const lotIndex = i + 1;
          const view = await executeChild(qcLotWorkflow, {
            workflowId: qcLotWorkflowId(quoteId, lotIndex),
            args: [
              {
                orderId,
                quoteId,
                customerId,
                lotIndex,
                lotNumber: `${reference}-L${lotIndex}`,
                quantity,
                policy: { reworkLimit: settings.reworkLimit },
              },
            ],
          });
          lots.set(lotIndex, view);
          const child = children.get(qcLotWorkflowId(quoteId, lotIndex));
          if (child) child.openTasks = [];
        }),
      );
      await (productionAfterTask
        ? whenReady(() => lotIds.every((id) => childTaskOpened.has(id)), qc, enterOnce('qc'))
        : qc);

      // Payment before shipment: the balance is paid, or a monthly-settlement customer ships on a statement entry.
      if (!stageAfterTask) await enterStage('payment');
      const balanceFen = plan.balanceFen;
      const credit = releaseRoute(
        withFenNames(await orderActs.orderCreditPosition({ orderId, customerId })),
        balanceFen,
      );
      /** With the patch, the payment stage is entered once its first task (statement entry or balance) is open. */
      const inPaymentStage = <T>(wait: Promise<T>, stepPrefix: string): Promise<T> =>
        stageAfterTask ? steps.whenOpen(stepPrefix, wait, enterOnce('payment')) : wait;
      if (credit.route === 'statement_entry') {
        const entry = await inPaymentStage(
          steps.ask({
            step: 'payment:statement',
            kind: K.statementEntry,
            title: 'Approve the statement entry (ship on monthly-settlement credit)',
            role: 'finance',
            policy: P.statementApproval,
            payload: { balanceFen, currency, headroomAfterFen: credit.headroomAfterFen },
          }),
          'payment:statement',
        );
        // Four eyes: the entry one finance person made is approved by another person before the goods ship on credit.
        const confirmed =
          entry.completion.decision === 'approve' &&
          (
            await secondApproval(
              'payment:statement:approve',
              `Approve the statement entry of ${formatMoney(balanceFen, currency)} (ship on credit)`,
              entry.completion,
              {
                what: 'statement_entry',
                amountFen: balanceFen,
                headroomAfterFen: credit.headroomAfterFen,
              },
            )
          ).completion.decision === 'approve';
        if (confirmed) {
          await orderActs.orderIssueInvoice({
            orderId,
            customerId,
            kind: 'statement',
            amountFen: balanceFen,
            currency,
          });
          done.push('statement_entry_made');
          payment.releasedOnCredit = true;
        }
      }
      if (!payment.releasedOnCredit && balanceFen > 0) {
        await orderActs.orderIssueInvoice({
          orderId,
          customerId,
          kind: 'balance',
          amountFen: balanceFen,
          currency,
        });
        done.push('balance_invoiced');
        payment.balanceInvoicedFen = balanceFen;
        await inPaymentStage(collect('balance', balanceFen), 'payment:balance:');
      }
      // From here on the goods are released: no cancellation (the handler checks the stage synchronously).
      enterStageLocally('shipment');
    });
  } catch (error) {
    if (error instanceof OrderEnded) return CancellationScope.nonCancellable(() => compensate(error.reason, error.by));
    if (cancelRequest && isCancellation(error)) {
      const request: CancelRequest = cancelRequest;
      return CancellationScope.nonCancellable(() => compensate(request.reason, request.cancelledBy));
    }
    throw error;
  }

  // Shipment: released, carrier booked by the warehouse (tracking number), delivery confirmed.
  payment.released = true;
  await orderActs.orderSetStage({ orderId, stage: 'shipment' });
  await orderActs.orderRelease({ orderId, onCredit: payment.releasedOnCredit, actor: null });
  moveShipment({ type: 'released' });
  const booking = await steps.ask({
    step: 'shipment:book',
    kind: K.shipmentBooking,
    title: 'Book the carrier',
    role: 'warehouse',
    policy: P.shipment,
  });
  const booked = await carrierActs.orderBookCarrier({
    orderId,
    customerId,
    carrier: (booking.completion.data as { carrier: string }).carrier,
    actor: actorOf(booking.completion),
  });
  moveShipment({ type: 'carrier_booked', trackingNumber: booked.trackingNumber });
  Object.assign(shipment, { carrier: booked.carrier, trackingNumber: booked.trackingNumber });
  const delivery = await steps.ask({
    step: 'shipment:deliver',
    kind: K.delivery,
    title: 'Confirm the delivery',
    role: 'warehouse',
    policy: P.delivery,
    payload: { trackingNumber: booked.trackingNumber },
  });
  await orderActs.orderConfirmDelivery({
    orderId,
    deliveredOn: (delivery.completion.data as { deliveredOn?: string }).deliveredOn ?? null,
    actor: actorOf(delivery.completion),
  });
  moveShipment({ type: 'delivered' });
  await enterStage('delivered');
  return { orderId, status: 'delivered' };
}
