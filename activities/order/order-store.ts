/**
 * Repository functions the order activities need beyond infra/db/repositories (idempotent writes keyed by
 * natural keys, the order's timeline, closing every open task of an order).
 */
import type { DbOrTrx } from '../../infra/db/database';
import type { Insertable } from 'kysely';
import type { InvoicesTable } from '../../infra/db/schema';
import type { Invoice } from '../../infra/db/repositories/orders';

/** Creates the invoice with this number, or returns the one already there (a retried activity). */
export async function ensureInvoice(db: DbOrTrx, invoice: Insertable<InvoicesTable>): Promise<Invoice> {
  await db.insertInto('invoices').values(invoice).onConflict((oc) => oc.column('number').doNothing()).execute();
  return db.selectFrom('invoices').selectAll().where('number', '=', invoice.number).executeTakeFirstOrThrow();
}

export async function findInvoiceByNumber(db: DbOrTrx, number: string): Promise<Invoice | undefined> {
  return db.selectFrom('invoices').selectAll().where('number', '=', number).executeTakeFirst();
}

/**
 * What a customer owes on other orders: open balance and statement invoices minus what was paid on them. Used
 * for the monthly-settlement credit check.
 */
export async function openExposureMinor(db: DbOrTrx, customerId: string, excludeOrderId: string): Promise<number> {
  const invoices = await db
    .selectFrom('invoices')
    .select(['id', 'amount_cents'])
    .where('customer_id', '=', customerId)
    .where('status', '=', 'open')
    .where('kind', 'in', ['balance', 'statement'])
    .where((eb) => eb.or([eb('order_id', 'is', null), eb('order_id', '!=', excludeOrderId)]))
    .execute();
  if (invoices.length === 0) return 0;
  const paid = await db
    .selectFrom('payments')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<string>('amount_cents'), eb.lit(0)).as('total'))
    .where('invoice_id', 'in', invoices.map((i) => i.id))
    .executeTakeFirstOrThrow();
  const invoiced = invoices.reduce((sum, i) => sum + Number(i.amount_cents), 0);
  return Math.max(0, invoiced - Number(paid.total));
}

/** Cancels every open task of the order (the order workflow and its children); returns how many were open. */
export async function cancelOpenOrderTasks(db: DbOrTrx, orderId: string): Promise<number> {
  const rows = await db
    .updateTable('tasks')
    .set({ status: 'cancelled', completed_at: new Date() })
    .where('case_type', '=', 'order')
    .where('case_id', '=', orderId)
    .where('status', '=', 'open')
    .returning('id')
    .execute();
  return rows.length;
}

/** The order's timeline: its audit entries (every projection writes one), oldest first. */
export async function orderTimeline(db: DbOrTrx, orderId: string) {
  return db
    .selectFrom('audit_log')
    .select(['action', 'actor_id', 'actor_role', 'before', 'after', 'at'])
    .where('entity_type', '=', 'order')
    .where('entity_id', '=', orderId)
    .orderBy('id', 'asc')
    .execute();
}
