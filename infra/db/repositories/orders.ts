import type { Insertable, Selectable, Updateable } from 'kysely';
import type { DbOrTrx } from '../database';
import type {
  ContractsTable,
  InvoicesTable,
  OrderRow,
  OrdersTable,
  PaymentsTable,
  ShipmentsTable,
  StatementsTable,
} from '../schema';
import { isUuid } from './tasks';
import type { OrderStage } from '../../../domain/order/contract';

export type Contract = Selectable<ContractsTable>;
export type Invoice = Selectable<InvoicesTable>;
export type Payment = Selectable<PaymentsTable>;
export type Statement = Selectable<StatementsTable>;
export type Shipment = Selectable<ShipmentsTable>;

export async function createOrder(db: DbOrTrx, order: Insertable<OrdersTable>): Promise<OrderRow> {
  return db.insertInto('orders').values(order).returningAll().executeTakeFirstOrThrow();
}

/** Inserts the order unless a row with its id exists (a retried activity); true when this call created it. */
export async function createOrderIfAbsent(db: DbOrTrx, order: Insertable<OrdersTable>): Promise<boolean> {
  const inserted = await db
    .insertInto('orders')
    .values(order)
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function getOrder(db: DbOrTrx, id: string): Promise<OrderRow | undefined> {
  if (!isUuid(id)) return undefined;
  return db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findOrderByQuote(db: DbOrTrx, quoteId: string): Promise<OrderRow | undefined> {
  return db.selectFrom('orders').selectAll().where('quote_id', '=', quoteId).executeTakeFirst();
}

export async function listOrders(
  db: DbOrTrx,
  filter: { customerId?: string; status?: OrderStage; limit?: number; offset?: number } = {},
): Promise<OrderRow[]> {
  let q = db.selectFrom('orders').selectAll();
  if (filter.customerId) q = q.where('customer_id', '=', filter.customerId);
  if (filter.status) q = q.where('status', '=', filter.status);
  return q
    .orderBy('created_at', 'desc')
    .limit(filter.limit ?? 100)
    .offset(filter.offset ?? 0)
    .execute();
}

/** Sets an order's status; returns the status before, or undefined when the order does not exist. */
export async function setOrderStatus(
  db: DbOrTrx,
  id: string,
  status: OrderStage,
): Promise<{ before: OrderStage; after: OrderStage } | undefined> {
  const before = await db.selectFrom('orders').select('status').where('id', '=', id).forUpdate().executeTakeFirst();
  if (!before) return undefined;
  await db.updateTable('orders').set({ status, updated_at: new Date() }).where('id', '=', id).execute();
  return { before: before.status, after: status };
}

/** Creates the order's contract, or returns the existing one (one contract per order). */
export async function createContract(db: DbOrTrx, contract: Insertable<ContractsTable>): Promise<Contract> {
  await db
    .insertInto('contracts')
    .values(contract)
    .onConflict((oc) => oc.column('order_id').doNothing())
    .execute();
  return db.selectFrom('contracts').selectAll().where('order_id', '=', contract.order_id).executeTakeFirstOrThrow();
}

export async function getContractByOrder(db: DbOrTrx, orderId: string): Promise<Contract | undefined> {
  return db.selectFrom('contracts').selectAll().where('order_id', '=', orderId).executeTakeFirst();
}

export async function updateContract(
  db: DbOrTrx,
  id: string,
  changes: Updateable<ContractsTable>,
): Promise<Contract | undefined> {
  return db.updateTable('contracts').set(changes).where('id', '=', id).returningAll().executeTakeFirst();
}

/** Stamps the contract's deposit as paid, once. */
export async function markDepositPaid(db: DbOrTrx, orderId: string, at: Date): Promise<void> {
  await db
    .updateTable('contracts')
    .set({ deposit_paid_at: at })
    .where('order_id', '=', orderId)
    .where('deposit_paid_at', 'is', null)
    .execute();
}

export async function createInvoice(db: DbOrTrx, invoice: Insertable<InvoicesTable>): Promise<Invoice> {
  return db.insertInto('invoices').values(invoice).returningAll().executeTakeFirstOrThrow();
}

/** Creates the invoice with this number, or returns the one already there (a retried activity). */
export async function ensureInvoice(db: DbOrTrx, invoice: Insertable<InvoicesTable>): Promise<Invoice> {
  await db
    .insertInto('invoices')
    .values(invoice)
    .onConflict((oc) => oc.column('number').doNothing())
    .execute();
  return db.selectFrom('invoices').selectAll().where('number', '=', invoice.number).executeTakeFirstOrThrow();
}

export async function findInvoiceByNumber(db: DbOrTrx, number: string): Promise<Invoice | undefined> {
  return db.selectFrom('invoices').selectAll().where('number', '=', number).executeTakeFirst();
}

/** Voids the invoice if it is still open; true when this call voided it. */
export async function voidOpenInvoice(db: DbOrTrx, number: string): Promise<boolean> {
  const row = await db
    .updateTable('invoices')
    .set({ status: 'void' })
    .where('number', '=', number)
    .where('status', '=', 'open')
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * What a customer owes on other orders: open balance and statement invoices minus what was paid on them. Used
 * for the monthly-settlement credit check.
 */
export async function openExposureFen(db: DbOrTrx, customerId: string, excludeOrderId: string): Promise<number> {
  const invoices = await db
    .selectFrom('invoices')
    .select(['id', 'amount_fen'])
    .where('customer_id', '=', customerId)
    .where('status', '=', 'open')
    .where('kind', 'in', ['balance', 'statement'])
    .where((eb) => eb.or([eb('order_id', 'is', null), eb('order_id', '!=', excludeOrderId)]))
    .execute();
  if (invoices.length === 0) return 0;
  const paid = await db
    .selectFrom('payments')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<string>('amount_fen'), eb.lit(0)).as('total'))
    .where(
      'invoice_id',
      'in',
      invoices.map((i) => i.id),
    )
    .executeTakeFirstOrThrow();
  const invoiced = invoices.reduce((sum, i) => sum + Number(i.amount_fen), 0);
  return Math.max(0, invoiced - Number(paid.total));
}

export async function listInvoices(
  db: DbOrTrx,
  filter: { customerId?: string; orderId?: string; status?: Invoice['status'] } = {},
): Promise<Invoice[]> {
  let q = db.selectFrom('invoices').selectAll();
  if (filter.customerId) q = q.where('customer_id', '=', filter.customerId);
  if (filter.orderId) q = q.where('order_id', '=', filter.orderId);
  if (filter.status) q = q.where('status', '=', filter.status);
  return q.orderBy('issued_at').execute();
}

/**
 * Records a payment once per idempotency key and marks the invoice paid when payments cover it.
 * Returns the payment and the invoice after the change.
 */
export async function recordPayment(
  db: DbOrTrx,
  payment: Insertable<PaymentsTable>,
): Promise<{ payment: Payment; invoice: Invoice; created: boolean }> {
  const inserted = await db
    .insertInto('payments')
    .values(payment)
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returningAll()
    .executeTakeFirst();
  const stored =
    inserted ??
    (await db
      .selectFrom('payments')
      .selectAll()
      .where('idempotency_key', '=', payment.idempotency_key)
      .executeTakeFirstOrThrow());
  const paid = await db
    .selectFrom('payments')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_fen'), eb.lit(0)).as('total'))
    .where('invoice_id', '=', stored.invoice_id)
    .executeTakeFirstOrThrow();
  const invoice = await db
    .selectFrom('invoices')
    .selectAll()
    .where('id', '=', stored.invoice_id)
    .executeTakeFirstOrThrow();
  if (invoice.status === 'open' && Number(paid.total) >= invoice.amount_fen) {
    const updated = await db
      .updateTable('invoices')
      .set({ status: 'paid', paid_at: new Date() })
      .where('id', '=', invoice.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { payment: stored, invoice: updated, created: inserted !== undefined };
  }
  return { payment: stored, invoice, created: inserted !== undefined };
}

/** Creates a monthly statement, or returns the one already made for that customer and period. */
export async function createStatement(db: DbOrTrx, statement: Insertable<StatementsTable>): Promise<Statement> {
  await db
    .insertInto('statements')
    .values(statement)
    .onConflict((oc) => oc.columns(['customer_id', 'period_start']).doNothing())
    .execute();
  return db
    .selectFrom('statements')
    .selectAll()
    .where('customer_id', '=', statement.customer_id)
    .where('period_start', '=', statement.period_start)
    .executeTakeFirstOrThrow();
}

export async function createShipment(db: DbOrTrx, shipment: Insertable<ShipmentsTable>): Promise<Shipment> {
  return db.insertInto('shipments').values(shipment).returningAll().executeTakeFirstOrThrow();
}

export async function updateShipment(
  db: DbOrTrx,
  id: string,
  changes: Updateable<ShipmentsTable>,
): Promise<Shipment | undefined> {
  return db.updateTable('shipments').set(changes).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function listShipments(
  db: DbOrTrx,
  filter: { orderId?: string; rmaCaseId?: string },
): Promise<Shipment[]> {
  let q = db.selectFrom('shipments').selectAll();
  if (filter.orderId) q = q.where('order_id', '=', filter.orderId);
  if (filter.rmaCaseId) q = q.where('rma_case_id', '=', filter.rmaCaseId);
  return q.orderBy('created_at').execute();
}
