import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Db, DbOrTrx } from '../../infra/db/database';
import { recordAudit } from '../../infra/db/repositories/audit';
import { getCustomer } from '../../infra/db/repositories/customers';
import { createContract, getContractByOrder, getOrder, listShipments, recordPayment, setOrderStatus, updateContract, updateShipment, createShipment } from '../../infra/db/repositories/orders';
import { createLot, createProductionOrder, getProductionOrderByOrder, recordInspection, recordRework, updateLot, updateProductionOrder } from '../../infra/db/repositories/production';
import { enqueueMail } from '../../infra/db/repositories/outbox';
import { listCustomerUsers } from '../../infra/db/repositories/users';
import type { OrderStage, OrderWorkflowInput } from '../../domain/order/contract';
import type { KitLine } from '../../domain/order/kitting';
import type { CreditPosition } from '../../domain/order/payment';
import type { ContractStatus } from '../../domain/order/contract-payments';
import { createSimulatedCarrier, type CarrierAdapter } from './carrier';
import { cancelOpenOrderTasks, ensureInvoice, openExposureMinor } from './order-store';

/** Who did something, as the workflow passes it on (null: the workflow itself). */
export interface ActivityActor {
  userId: string;
  role: string;
}

/** Dependencies of the order activities. */
export interface OrderActivityDeps {
  db: Db;
  carrier?: CarrierAdapter;
}

type InvoiceKind = 'deposit' | 'balance' | 'statement';

/** The calling workflow's id: with the step it keys every side effect. */
function workflowIdOrKey(): string {
  const id = Context.current().info.workflowExecution?.workflowId;
  if (!id) throw ApplicationFailure.nonRetryable('order activities run only inside a workflow', 'NoWorkflow');
  return id;
}

/** Order reference shown to people: stable, derived from the order id. */
export function orderReference(orderId: string): string {
  return `SO-${orderId.replace(/-/g, '').slice(0, 10).toUpperCase()}`;
}

/**
 * The order workflows' side effects: database projections (each audited on the order, which makes its timeline),
 * customer emails through the outbox, and the carrier. Every function is idempotent: natural keys or
 * `${workflowId}:${step}` keys make a retry change nothing.
 */
export function createOrderActivities(deps: OrderActivityDeps) {
  const { db } = deps;
  const carrier = deps.carrier ?? createSimulatedCarrier();

  const audit = (trx: DbOrTrx, orderId: string, action: string, after: unknown, actor?: ActivityActor | null, before?: unknown) =>
    recordAudit(trx, { actorId: actor?.userId ?? null, actorRole: actor?.role ?? 'workflow', action, entityType: 'order', entityId: orderId, before, after });

  async function mailCustomer(trx: DbOrTrx, customerId: string, key: string, subject: string, text: string): Promise<number> {
    const people = await listCustomerUsers(trx, customerId);
    for (const person of people) await enqueueMail(trx, { idempotencyKey: `${key}:${person.email}`, to: person.email, subject, text, template: 'order' });
    return people.length;
  }

  async function productionOrderId(trx: DbOrTrx, orderId: string): Promise<string> {
    const po = await getProductionOrderByOrder(trx, orderId);
    if (!po) throw ApplicationFailure.nonRetryable(`order ${orderId} has no production order`, 'NoProductionOrder');
    return po.id;
  }

  async function lotId(trx: DbOrTrx, lotNumber: string): Promise<string> {
    const lot = await trx.selectFrom('lots').select('id').where('lot_number', '=', lotNumber).executeTakeFirst();
    if (!lot) throw ApplicationFailure.nonRetryable(`no lot ${lotNumber}`, 'NoLot');
    return lot.id;
  }

  return {
    /** Creates the order row (id chosen by the starter), or leaves the existing one. */
    async orderRecord(input: OrderWorkflowInput): Promise<{ reference: string; created: boolean }> {
      return db.transaction().execute(async (trx) => {
        const reference = orderReference(input.orderId);
        const inserted = await trx
          .insertInto('orders')
          .values({
            id: input.orderId,
            reference,
            quote_id: input.quoteId,
            customer_id: input.customerId,
            workflow_id: workflowIdOrKey(),
            status: 'contract',
            quantity: input.quantity,
            total_cents: input.totalMinor,
            currency: input.currency,
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .returning('id')
          .executeTakeFirst();
        if (inserted) await audit(trx, input.orderId, 'order.created', { reference, quantity: input.quantity, totalMinor: input.totalMinor, currency: input.currency });
        return { reference, created: inserted !== undefined };
      });
    },

    /** Moves the order's status column (the list's projection of the workflow stage). */
    async orderSetStage(request: { orderId: string; stage: OrderStage }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const change = await setOrderStatus(trx, request.orderId, request.stage);
        if (!change) throw ApplicationFailure.nonRetryable(`order ${request.orderId} not found`, 'OrderNotFound');
        if (change.before !== change.after) await audit(trx, request.orderId, 'order.stage', { stage: change.after }, null, { stage: change.before });
      });
    },

    /** Records a decision a person made (timeline entry); keyed by step so a retry does not add a second one. */
    async orderRecordDecision(request: { orderId: string; step: string; decision: string; actor: ActivityActor | null; data?: Record<string, unknown> }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const seen = await trx
          .selectFrom('audit_log')
          .select('id')
          .where('entity_type', '=', 'order')
          .where('entity_id', '=', request.orderId)
          .where('action', '=', `decision.${request.step}`)
          .executeTakeFirst();
        if (!seen) await audit(trx, request.orderId, `decision.${request.step}`, { decision: request.decision, ...request.data }, request.actor);
      });
    },

    /** The customer's payment terms and what they owe elsewhere (credit check for monthly settlement). */
    async orderCreditPosition(request: { orderId: string; customerId: string }): Promise<CreditPosition> {
      const customer = await getCustomer(db, request.customerId);
      if (!customer) throw ApplicationFailure.nonRetryable(`customer ${request.customerId} not found`, 'CustomerNotFound');
      return {
        terms: customer.payment_terms,
        approved: customer.payment_terms === 'monthly' && customer.payment_terms_approved_by !== null,
        creditLimitMinor: Number(customer.credit_limit_cents),
        openExposureMinor: await openExposureMinor(db, request.customerId, request.orderId),
      };
    },

    /** Issues the commission agreement and tells the customer. */
    async orderIssueContract(request: { orderId: string; customerId: string; depositMinor: number; currency: string }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const existing = await getContractByOrder(trx, request.orderId);
        if (existing) return;
        await createContract(trx, { order_id: request.orderId, deposit_required_cents: request.depositMinor });
        await audit(trx, request.orderId, 'contract.issued', { depositMinor: request.depositMinor });
        const ref = orderReference(request.orderId);
        await mailCustomer(
          trx,
          request.customerId,
          `${workflowIdOrKey()}:contract:issued`,
          `Commission agreement for order ${ref}`,
          `The commission agreement for order ${ref} is ready for your signature` +
            (request.depositMinor > 0 ? `; a deposit of ${(request.depositMinor / 100).toFixed(2)} ${request.currency} is due once it is approved.` : '.'),
        );
      });
    },

    /** Records the customer's signature or the manager's approval on the contract. */
    async orderContractDecision(request: { orderId: string; status: Exclude<ContractStatus, 'issued'>; actor: ActivityActor; at: string }): Promise<void> {
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
        await audit(trx, request.orderId, `contract.${request.status}`, { status: request.status }, request.actor, { status: contract.status });
      });
    },

    /** Issues an invoice (one per order and kind) and tells the customer. */
    async orderIssueInvoice(request: { orderId: string; customerId: string; kind: InvoiceKind; amountMinor: number; currency: string; dueOn?: string | null }): Promise<{ number: string }> {
      return db.transaction().execute(async (trx) => {
        const number = `${orderReference(request.orderId)}-${request.kind.toUpperCase()}`;
        const before = await trx.selectFrom('invoices').select('id').where('number', '=', number).executeTakeFirst();
        await ensureInvoice(trx, {
          number,
          customer_id: request.customerId,
          order_id: request.orderId,
          kind: request.kind,
          amount_cents: request.amountMinor,
          currency: request.currency,
          due_on: request.dueOn ?? null,
        });
        if (!before) {
          await audit(trx, request.orderId, `invoice.issued`, { number, kind: request.kind, amountMinor: request.amountMinor });
          if (request.kind !== 'statement') {
            await mailCustomer(
              trx,
              request.customerId,
              `${workflowIdOrKey()}:invoice:${request.kind}`,
              `Invoice ${number}`,
              `Invoice ${number} (${request.kind}) for ${(request.amountMinor / 100).toFixed(2)} ${request.currency} is due. Please quote ${number} with your payment.`,
            );
          }
        }
        return { number };
      });
    },

    /** Voids the order's invoice of that kind if it is still open (compensation). */
    async orderVoidInvoice(request: { orderId: string; kind: InvoiceKind }): Promise<{ voided: boolean }> {
      return db.transaction().execute(async (trx) => {
        const number = `${orderReference(request.orderId)}-${request.kind.toUpperCase()}`;
        const r = await trx.updateTable('invoices').set({ status: 'void' }).where('number', '=', number).where('status', '=', 'open').returning('id').executeTakeFirst();
        if (r) await audit(trx, request.orderId, 'invoice.voided', { number, kind: request.kind }, null, { status: 'open' });
        return { voided: r !== undefined };
      });
    },

    /** Records one payment against the order's invoice of that kind (once per reference). */
    async orderRecordPayment(request: {
      orderId: string;
      kind: 'deposit' | 'balance';
      amountMinor: number;
      currency: string;
      reference: string;
      receivedOn: string;
      actor: ActivityActor;
    }): Promise<{ invoiceStatus: string }> {
      return db.transaction().execute(async (trx) => {
        const number = `${orderReference(request.orderId)}-${request.kind.toUpperCase()}`;
        const invoice = await trx.selectFrom('invoices').select('id').where('number', '=', number).executeTakeFirst();
        if (!invoice) throw ApplicationFailure.nonRetryable(`no invoice ${number}`, 'NoInvoice');
        const { invoice: after, created } = await recordPayment(trx, {
          invoice_id: invoice.id,
          amount_cents: request.amountMinor,
          currency: request.currency,
          reference: request.reference,
          received_on: request.receivedOn,
          confirmed_by: request.actor.userId,
          idempotency_key: `${number}:${request.reference}`,
        });
        if (created) await audit(trx, request.orderId, 'payment.recorded', { invoice: number, amountMinor: request.amountMinor, reference: request.reference, invoiceStatus: after.status }, request.actor);
        if (request.kind === 'deposit' && after.status === 'paid') {
          await trx.updateTable('contracts').set({ deposit_paid_at: new Date() }).where('order_id', '=', request.orderId).where('deposit_paid_at', 'is', null).execute();
        }
        return { invoiceStatus: after.status };
      });
    },

    /** Reminds the customer that an invoice is unpaid (one email per reminder number). */
    async orderPaymentReminder(request: { orderId: string; customerId: string; kind: InvoiceKind; outstandingMinor: number; currency: string; reminder: number }): Promise<{ recipients: number }> {
      return db.transaction().execute(async (trx) => {
        const number = `${orderReference(request.orderId)}-${request.kind.toUpperCase()}`;
        const recipients = await mailCustomer(
          trx,
          request.customerId,
          `${workflowIdOrKey()}:payment:${request.kind}:reminder:${request.reminder}`,
          `Payment reminder: invoice ${number}`,
          `Invoice ${number} still has ${(request.outstandingMinor / 100).toFixed(2)} ${request.currency} outstanding. Goods ship once it is paid.`,
        );
        await audit(trx, request.orderId, 'payment.reminder', { invoice: number, reminder: request.reminder, outstandingMinor: request.outstandingMinor });
        return { recipients };
      });
    },

    /** Opens the production order. */
    async orderStartProduction(request: { orderId: string; quantity: number }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const existing = await getProductionOrderByOrder(trx, request.orderId);
        if (existing) return;
        await createProductionOrder(trx, { order_id: request.orderId, status: 'kitting', quantity: request.quantity });
        await audit(trx, request.orderId, 'production.started', { quantity: request.quantity });
      });
    },

    /** Reserves the kit's material for the order (released again on cancellation). */
    async orderReserveMaterials(request: { orderId: string; lines: KitLine[] }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await audit(trx, request.orderId, 'materials.reserved', { lines: request.lines.map((l) => ({ partNumber: l.partNumber, quantity: l.quantity, source: l.source.kind })) });
      });
    },

    /** Releases the order's reserved material (compensation). */
    async orderReleaseMaterials(request: { orderId: string }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const id = await productionOrderId(trx, request.orderId);
        await updateProductionOrder(trx, id, { materials_ready_at: null, status: 'materials_released' });
        await audit(trx, request.orderId, 'materials.released', {});
      });
    },

    /** Marks a preparation step of the production order done (materials, stencil, program, reflow, samples). */
    async orderProductionStep(request: {
      orderId: string;
      step: 'materials_ready_at' | 'stencil_ready_at' | 'program_ready_at' | 'reflow_profile_ready_at' | 'samples_approved_at';
      status: string;
      detail?: Record<string, unknown>;
      at: string;
    }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const id = await productionOrderId(trx, request.orderId);
        await updateProductionOrder(trx, id, { [request.step]: new Date(request.at), status: request.status });
        await audit(trx, request.orderId, `production.${request.step.replace(/_at$/, '')}`, request.detail ?? {});
      });
    },

    /** Books the line slot. */
    async orderBookLineSlot(request: { orderId: string; slot: string }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const id = await productionOrderId(trx, request.orderId);
        await updateProductionOrder(trx, id, { line_slot: request.slot, status: 'line_slot_booked' });
        await audit(trx, request.orderId, 'production.line_slot_booked', { slot: request.slot });
      });
    },

    /** Gives the line slot back (compensation). */
    async orderReleaseLineSlot(request: { orderId: string }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const id = await productionOrderId(trx, request.orderId);
        await updateProductionOrder(trx, id, { line_slot: null });
        await audit(trx, request.orderId, 'production.line_slot_released', {});
      });
    },

    /** Records the floor's progress (assembled quantity is the production order's produced quantity). */
    async orderRecordProgress(request: { orderId: string; step: string; quantityDone: number; assembled: number; actor: ActivityActor }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const id = await productionOrderId(trx, request.orderId);
        await updateProductionOrder(trx, id, { produced_quantity: request.assembled, status: 'volume_production' });
        await audit(trx, request.orderId, 'production.progress', { step: request.step, quantityDone: request.quantityDone }, request.actor);
      });
    },

    /** Creates a QC lot row (one per lot number). */
    async orderCreateLot(request: { orderId: string; lotNumber: string; quantity: number }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const id = await productionOrderId(trx, request.orderId);
        await createLot(trx, { production_order_id: id, lot_number: request.lotNumber, quantity: request.quantity, status: 'awaiting_inspection' });
      });
    },

    /** Records one inspection round of a lot with its defects (once per lot, kind and round). */
    async orderRecordInspection(request: {
      orderId: string;
      lotNumber: string;
      kind: 'aoi' | 'xray' | 'functional' | 'visual';
      round: number;
      passedCount: number;
      failedUnits: { serial: string; defects: { code: string; designator?: string; description?: string }[] }[];
      /** Units scrapped this round, with the attempt number they would have needed. */
      scrapped: { serial: string; attempt: number }[];
      lotStatus: string;
      actor: ActivityActor;
    }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const id = await lotId(trx, request.lotNumber);
        const failed = request.failedUnits.length;
        const { created } = await recordInspection(
          trx,
          { lot_id: id, kind: request.kind, round: request.round, inspected_count: request.passedCount + failed, passed_count: request.passedCount, failed_count: failed, inspected_by: request.actor.userId },
          request.failedUnits.flatMap((u) => u.defects.map((d) => ({ unit_serial: u.serial, designator: d.designator ?? null, defect_code: d.code, description: d.description ?? null }))),
        );
        if (!created) return;
        // A unit failing again tells how its last rework went.
        for (const unit of request.failedUnits) {
          const last = await trx
            .selectFrom('rework_records')
            .select('id')
            .where('lot_id', '=', id)
            .where('unit_serial', '=', unit.serial)
            .where('result', '=', 'pass')
            .orderBy('attempt', 'desc')
            .executeTakeFirst();
          if (last) await trx.updateTable('rework_records').set({ result: 'fail' }).where('id', '=', last.id).execute();
        }
        for (const unit of request.scrapped) {
          await recordRework(trx, { lot_id: id, unit_serial: unit.serial, attempt: unit.attempt, result: 'scrap', performed_by: null });
        }
        await updateLot(trx, id, { status: request.lotStatus });
        await audit(trx, request.orderId, 'qc.inspection', { lot: request.lotNumber, round: request.round, kind: request.kind, passed: request.passedCount, failed, scrapped: request.scrapped.map((u) => u.serial) }, request.actor);
      });
    },

    /** Records the rework of a lot's failed units (one record per unit and attempt). */
    async orderRecordRework(request: { orderId: string; lotNumber: string; units: { serial: string; attempt: number }[]; rebuilt: number; actor: ActivityActor }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const id = await lotId(trx, request.lotNumber);
        for (const unit of request.units) {
          const seen = await trx.selectFrom('rework_records').select('id').where('lot_id', '=', id).where('unit_serial', '=', unit.serial).where('attempt', '=', unit.attempt).executeTakeFirst();
          if (!seen) await recordRework(trx, { lot_id: id, unit_serial: unit.serial, attempt: unit.attempt, result: 'pass', performed_by: request.actor.userId });
        }
        await updateLot(trx, id, { status: 'awaiting_inspection' });
        await audit(trx, request.orderId, 'qc.rework', { lot: request.lotNumber, units: request.units.length, rebuilt: request.rebuilt }, request.actor);
      });
    },

    /** The lot passed 100 %: packed. */
    async orderLotPassed(request: { orderId: string; lotNumber: string; firstPassYield: number | null; reworkCount: number }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const id = await lotId(trx, request.lotNumber);
        const r = await trx.updateTable('lots').set({ status: 'passed', packed_at: new Date() }).where('id', '=', id).where('packed_at', 'is', null).returning('id').executeTakeFirst();
        if (r) await audit(trx, request.orderId, 'qc.lot_passed', { lot: request.lotNumber, firstPassYield: request.firstPassYield, reworkCount: request.reworkCount });
      });
    },

    /** Releases the order for shipment (the shipment row appears). */
    async orderRelease(request: { orderId: string; onCredit: boolean; actor: ActivityActor | null }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const existing = await listShipments(trx, { orderId: request.orderId });
        if (existing.length > 0) return;
        await createShipment(trx, { order_id: request.orderId, status: 'released', released_by: request.actor?.userId ?? null, released_at: new Date() });
        await audit(trx, request.orderId, 'shipment.released', { onCredit: request.onCredit }, request.actor);
      });
    },

    /** Books the carrier (idempotent through the carrier's idempotency key) and records the tracking number. */
    async orderBookCarrier(request: { orderId: string; customerId: string; carrier: string; actor: ActivityActor }): Promise<{ carrier: string; trackingNumber: string }> {
      const key = `${workflowIdOrKey()}:shipment:book`;
      const order = await getOrder(db, request.orderId);
      if (!order) throw ApplicationFailure.nonRetryable(`order ${request.orderId} not found`, 'OrderNotFound');
      const customer = await getCustomer(db, request.customerId);
      const booking = await carrier.book({ carrier: request.carrier, idempotencyKey: key, reference: order.reference, address: customer?.address ?? null });
      await db.transaction().execute(async (trx) => {
        const [shipment] = await listShipments(trx, { orderId: request.orderId });
        if (!shipment) throw ApplicationFailure.nonRetryable(`order ${request.orderId} is not released`, 'NotReleased');
        if (shipment.tracking_number) return;
        await updateShipment(trx, shipment.id, { status: 'booked', carrier: booking.carrier, tracking_number: booking.trackingNumber, picked_up_at: new Date() });
        await audit(trx, request.orderId, 'shipment.booked', booking, request.actor);
        await mailCustomer(trx, request.customerId, `${key}:mail`, `Order ${order.reference} shipped`, `Order ${order.reference} left with ${booking.carrier}; tracking number ${booking.trackingNumber}.`);
      });
      return booking;
    },

    /** Records the delivery. */
    async orderConfirmDelivery(request: { orderId: string; deliveredOn: string | null; actor: ActivityActor }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const [shipment] = await listShipments(trx, { orderId: request.orderId });
        if (!shipment) throw ApplicationFailure.nonRetryable(`order ${request.orderId} has no shipment`, 'NoShipment');
        if (shipment.delivered_at) return;
        await updateShipment(trx, shipment.id, { status: 'delivered', delivered_at: request.deliveredOn ? new Date(`${request.deliveredOn}T12:00:00Z`) : new Date() });
        await audit(trx, request.orderId, 'shipment.delivered', { deliveredOn: request.deliveredOn }, request.actor);
      });
    },

    /** Cancels every open task of the order (compensation: "tasks closed"). */
    async orderCloseTasks(request: { orderId: string }): Promise<{ closed: number }> {
      return db.transaction().execute(async (trx) => {
        const closed = await cancelOpenOrderTasks(trx, request.orderId);
        await audit(trx, request.orderId, 'tasks.closed', { closed });
        return { closed };
      });
    },

    /** Records the cancellation and tells the customer. */
    async orderCancelled(request: { orderId: string; customerId: string; reason: string; actor: ActivityActor | null; refundMinor: number; compensations: string[] }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const seen = await trx.selectFrom('audit_log').select('id').where('entity_type', '=', 'order').where('entity_id', '=', request.orderId).where('action', '=', 'order.cancelled').executeTakeFirst();
        if (seen) return;
        await audit(trx, request.orderId, 'order.cancelled', { reason: request.reason, refundMinor: request.refundMinor, compensations: request.compensations }, request.actor);
        const ref = orderReference(request.orderId);
        await mailCustomer(trx, request.customerId, `${workflowIdOrKey()}:cancelled`, `Order ${ref} cancelled`, `Order ${ref} was cancelled: ${request.reason}.`);
      });
    },
  };
}

/** The order activities as workflows see them (`proxyActivities<OrderActivities>`). */
export type OrderActivities = ReturnType<typeof createOrderActivities>;
