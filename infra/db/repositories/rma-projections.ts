/**
 * Idempotent writes of the RMA projections (called by activities/rma), on top of the rma repository: every function
 * can run twice (an activity retried after a crash) and leaves the same rows as running once.
 */
import { sql } from 'kysely';
import type { DbOrTrx } from '../database';
import { json } from '../database';
import { recordAudit } from './audit';
import { listMaterialRequests, listRmaUnits, recordResponsibility, requestMaterial } from './rma';
import type { CustomerRow } from '../schema';
import type { Invoice } from './orders';
import type { RmaActor } from '../../../domain/rma/contract';
import type { MaterialKind } from '../../../domain/rma/materials';
import type { Responsibility } from '../../../domain/rma/responsibility';
import type { RepairTeam } from '../../../domain/rma/routing';

/** Sets the case status; undefined when the case does not exist. */
export async function setStatus(
  db: DbOrTrx,
  rmaId: string,
  status: string,
): Promise<{ before: string; after: string } | undefined> {
  const before = await db.selectFrom('rma_cases').select('status').where('id', '=', rmaId).executeTakeFirst();
  if (!before) return undefined;
  if (before.status !== status) {
    await db.updateTable('rma_cases').set({ status, updated_at: new Date() }).where('id', '=', rmaId).execute();
  }
  return { before: before.status, after: status };
}

/** The dispatch form, once per case: who is responsible (customer, factory or shared), signed by both sides. */
export async function recordResponsibilityOnce(
  db: DbOrTrx,
  input: {
    rmaId: string;
    responsibility: Responsibility;
    form: Record<string, unknown>;
    customerSignatory: string;
    factorySignatory: string;
    by: RmaActor;
  },
): Promise<void> {
  const existing = await db
    .selectFrom('rma_responsibility_decisions')
    .select('id')
    .where('rma_case_id', '=', input.rmaId)
    .executeTakeFirst();
  if (existing) return;
  await recordResponsibility(db, {
    rma_case_id: input.rmaId,
    responsible: input.responsibility,
    dispatch_form: json({ ...input.form, responsibility: input.responsibility }),
    signed_by_customer: input.customerSignatory,
    signed_by_factory: input.factorySignatory,
    decided_by: input.by.userId,
  });
}

/** Stocks in the units once: the labelled units given, or `quantity` unlabelled-serial units. */
export async function receiveUnitsOnce(
  db: DbOrTrx,
  input: {
    rmaId: string;
    quantity: number;
    receivedAt: string;
    units: { serial?: string; partNumber: string; model: string }[];
    label: { partNumber: string; model: string; customerName: string; customerAddress: string | null };
  },
): Promise<{ units: number }> {
  const existing = await listRmaUnits(db, input.rmaId);
  if (existing.length > 0) return { units: existing.length };
  const units: { serial?: string; partNumber: string; model: string }[] =
    input.units.length > 0
      ? input.units
      : Array.from({ length: input.quantity }, () => ({
          partNumber: input.label.partNumber,
          model: input.label.model,
        }));
  const receivedAt = new Date(input.receivedAt);
  const rows = units.map((u) => ({
    rma_case_id: input.rmaId,
    serial: u.serial ?? null,
    part_number: u.partNumber,
    model: u.model,
    label: json({
      partNumber: u.partNumber,
      model: u.model,
      customer: input.label.customerName,
      address: input.label.customerAddress,
    }),
    received_at: receivedAt,
  }));
  // Chunks keep each statement's parameter count well below the drivers' limits.
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('rma_units')
      .values(rows.slice(i, i + 500))
      .execute();
  return { units: rows.length };
}

/** Good / scrap and warranty: units named by serial take their class, the rest fill `good` in stock-in order. */
export async function classifyUnits(
  db: DbOrTrx,
  input: {
    rmaId: string;
    good: number;
    units: { serial: string; classification: 'good' | 'scrap' }[];
    warranty: 'in_warranty' | 'out_of_warranty';
  },
): Promise<void> {
  const units = await listRmaUnits(db, input.rmaId);
  const bySerial = new Map(input.units.map((u) => [u.serial, u.classification]));
  let goodLeft = input.good - input.units.filter((u) => u.classification === 'good').length;
  for (const unit of units) {
    let classification = unit.serial ? bySerial.get(unit.serial) : undefined;
    if (!classification) {
      classification = goodLeft > 0 ? 'good' : 'scrap';
      if (classification === 'good') goodLeft--;
    }
    await db
      .updateTable('rma_units')
      .set({ classification, warranty: input.warranty })
      .where('id', '=', unit.id)
      .execute();
  }
}

/** One material request per kind and case. */
export async function requestMaterialsOnce(
  db: DbOrTrx,
  rmaId: string,
  requests: { kind: MaterialKind; repairQuantity: number; spareQuantity: number; inStock: boolean }[],
): Promise<void> {
  const existing = new Set((await listMaterialRequests(db, rmaId)).map((r) => r.material_kind));
  for (const r of requests) {
    if (existing.has(r.kind)) continue;
    await requestMaterial(db, {
      rma_case_id: rmaId,
      material_kind: r.kind,
      repair_quantity: r.repairQuantity,
      spare_quantity: r.spareQuantity,
      // Material already in stock needs no wait: it counts as arrived when requested.
      status: r.inStock ? 'arrived' : 'requested',
      arrived_at: r.inStock ? new Date() : null,
    });
  }
}

/** Marks a requested material arrived (first arrival time kept). */
export async function markMaterialArrived(
  db: DbOrTrx,
  rmaId: string,
  kind: MaterialKind,
  arrivedAt: Date,
): Promise<void> {
  await db
    .updateTable('rma_material_requests')
    .set({ status: 'arrived', arrived_at: sql`coalesce(arrived_at, ${arrivedAt})` })
    .where('rma_case_id', '=', rmaId)
    .where('material_kind', '=', kind)
    .execute();
}

/** One repair record per (case, step). */
export async function recordRepairOnce(
  db: DbOrTrx,
  input: { rmaId: string; step: string; team: RepairTeam; repaired: number; scrapped: number; by: RmaActor },
): Promise<void> {
  const action = `${input.step}: repaired ${input.repaired}, scrapped ${input.scrapped}`;
  const existing = await db
    .selectFrom('rma_repair_records')
    .select('id')
    .where('rma_case_id', '=', input.rmaId)
    .where('action', 'like', `${input.step}:%`)
    .executeTakeFirst();
  if (existing) return;
  await db
    .insertInto('rma_repair_records')
    .values({
      rma_case_id: input.rmaId,
      team: input.team,
      action,
      result: input.repaired > 0 ? 'repaired' : 'scrapped',
      performed_by: input.by.userId,
    })
    .execute();
}

/** One shipment per (case, tracking number). */
export async function recordShipmentOnce(
  db: DbOrTrx,
  input: { rmaId: string; purpose: string; carrier: string; trackingNumber: string; by: RmaActor },
): Promise<void> {
  const existing = await db
    .selectFrom('shipments')
    .select('id')
    .where('rma_case_id', '=', input.rmaId)
    .where('tracking_number', '=', input.trackingNumber)
    .executeTakeFirst();
  if (existing) return;
  const now = new Date();
  await db
    .insertInto('shipments')
    .values({
      rma_case_id: input.rmaId,
      status: `shipped:${input.purpose}`,
      carrier: input.carrier,
      tracking_number: input.trackingNumber,
      released_by: input.by.userId,
      released_at: now,
      picked_up_at: now,
    })
    .execute();
}

/** One invoice per (case, purpose): the number is derived, so a retry finds it. */
export async function raiseInvoiceOnce(
  db: DbOrTrx,
  input: { rmaId: string; reference: string; customerId: string; purpose: 'repair' | 'unreturned'; amountFen: number },
): Promise<{ number: string }> {
  const number = `${input.reference}-${input.purpose === 'repair' ? 'R' : 'U'}`;
  await db
    .insertInto('invoices')
    .values({
      number,
      customer_id: input.customerId,
      rma_case_id: input.rmaId,
      // The invoice kinds are the platform's; both RMA charges are repair-related invoices.
      kind: 'repair',
      amount_fen: input.amountFen,
      currency: 'CNY',
    })
    .onConflict((oc) => oc.column('number').doNothing())
    .execute();
  return { number };
}

/** An audit entry written once per key (the key is stored in the entry's `after`). */
export async function auditOnce(
  db: DbOrTrx,
  key: string,
  input: { rmaId: string; step: string; decision: string; by: RmaActor | null; data: Record<string, unknown> },
): Promise<void> {
  const existing = await db
    .selectFrom('audit_log')
    .select('id')
    .where('entity_type', '=', 'rma_case')
    .where('entity_id', '=', input.rmaId)
    .where('action', '=', `rma.${input.step}`)
    .executeTakeFirst();
  if (existing) return;
  await recordAudit(db, {
    actorId: input.by?.userId ?? null,
    actorRole: input.by?.role ?? 'workflow',
    action: `rma.${input.step}`,
    entityType: 'rma_case',
    entityId: input.rmaId,
    after: { key, decision: input.decision, ...input.data },
  });
}

/**
 * Sets the case's dates to what staff confirmed (the claim stays in `claimed`) and audits what was corrected, once.
 */
export async function recordConfirmedClaimsOnce(
  db: DbOrTrx,
  key: string,
  input: {
    rmaId: string;
    confirmed: { saleDate: string | null; productionDate: string | null; quantity: number };
    claimed: Record<string, unknown>;
    corrected: string[];
    source: string;
    by: RmaActor;
  },
): Promise<void> {
  await db
    .updateTable('rma_cases')
    .set({ sale_date: input.confirmed.saleDate, production_date: input.confirmed.productionDate })
    .where('id', '=', input.rmaId)
    .execute();
  await auditOnce(db, key, {
    rmaId: input.rmaId,
    step: 'confirm-claims',
    decision: input.corrected.length ? 'corrected' : 'confirmed',
    by: input.by,
    data: { claimed: input.claimed, confirmed: input.confirmed, corrected: input.corrected, source: input.source },
  });
}

/**
 * What the customer paid on `orderId` (deposit, balance and statement invoices; repair charges excluded) and the
 * order's quantity; undefined when the order is not the customer's.
 */
export async function orderPaid(
  db: DbOrTrx,
  customerId: string,
  orderId: string,
): Promise<{ paidFen: number; quantity: number } | undefined> {
  const order = await db
    .selectFrom('orders')
    .select(['quantity', 'customer_id'])
    .where('id', '=', orderId)
    .executeTakeFirst();
  if (!order || order.customer_id !== customerId) return undefined;
  const row = await db
    .selectFrom('payments')
    .innerJoin('invoices', 'invoices.id', 'payments.invoice_id')
    .select(sql<string>`coalesce(sum(payments.amount_fen), 0)`.as('paid'))
    .where('invoices.order_id', '=', orderId)
    .where('invoices.kind', 'in', ['deposit', 'balance', 'statement'])
    .executeTakeFirst();
  return { paidFen: Number(row?.paid ?? 0), quantity: order.quantity };
}

/** A count difference (seed 5.3.1), once per key. */
export async function recordCountDifferenceOnce(
  db: DbOrTrx,
  key: string,
  input: { rmaId: string; step: string; field: string; expected: number; actual: number; note: string },
): Promise<void> {
  await db
    .insertInto('rma_count_differences')
    .values({
      rma_case_id: input.rmaId,
      step: input.step,
      field: input.field,
      expected: input.expected,
      actual: input.actual,
      note: input.note,
      idempotency_key: key,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
}

/**
 * What deciding a paid repair's ship-back needs: the repair invoice (`${reference}-R`), what was paid on it, the
 * customer, and the customer's other open invoices; undefined when there is no repair invoice.
 */
export async function repairInvoiceStanding(
  db: DbOrTrx,
  input: { rmaId: string; reference: string; customerId: string },
): Promise<{ invoice: Invoice; paidFen: number; customer: CustomerRow; otherOpenFen: number } | undefined> {
  const invoice = await db
    .selectFrom('invoices')
    .selectAll()
    .where('rma_case_id', '=', input.rmaId)
    .where('number', '=', `${input.reference}-R`)
    .executeTakeFirst();
  if (!invoice) return undefined;
  const paid = await db
    .selectFrom('payments')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<string>('amount_fen'), eb.val('0')).as('paid'))
    .where('invoice_id', '=', invoice.id)
    .executeTakeFirstOrThrow();
  const customer = await db
    .selectFrom('customers')
    .selectAll()
    .where('id', '=', input.customerId)
    .executeTakeFirstOrThrow();
  const open = await db
    .selectFrom('invoices')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<string>('amount_fen'), eb.val('0')).as('open'))
    .where('customer_id', '=', input.customerId)
    .where('status', '=', 'open')
    .where('id', '!=', invoice.id)
    .executeTakeFirstOrThrow();
  return { invoice, paidFen: Number(paid.paid), customer, otherOpenFen: Number(open.open) };
}

/**
 * Settles the repair invoice (`${reference}-R`): the payment once per idempotency key, and `paid` when settled by
 * payment. Nothing when the invoice does not exist.
 */
export async function settleRepairInvoiceOnce(
  db: DbOrTrx,
  input: {
    reference: string;
    by: 'paid' | 'statement_entry' | 'free';
    payment?: { reference: string; amountFen: number; confirmedBy: string; idempotencyKey: string };
  },
): Promise<void> {
  const invoice = await db
    .selectFrom('invoices')
    .select(['id', 'currency'])
    .where('number', '=', `${input.reference}-R`)
    .executeTakeFirst();
  if (invoice && input.payment) {
    await db
      .insertInto('payments')
      .values({
        invoice_id: invoice.id,
        amount_fen: input.payment.amountFen,
        currency: invoice.currency,
        reference: input.payment.reference,
        received_on: new Date().toISOString().slice(0, 10),
        confirmed_by: input.payment.confirmedBy,
        idempotency_key: input.payment.idempotencyKey,
      })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .execute();
  }
  if (input.by === 'paid' && invoice)
    await db
      .updateTable('invoices')
      .set({ status: 'paid', paid_at: new Date() })
      .where('id', '=', invoice.id)
      .where('status', '=', 'open')
      .execute();
}
