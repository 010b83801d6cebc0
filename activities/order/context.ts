/**
 * What every order activity shares: the calling workflow's id (it keys every side effect with the step), the
 * order's reference and invoice numbers, the audit entry that makes the order's timeline, customer mail through
 * the outbox, and the lookups of the production order and lots that fail for good when the row is missing.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Db, DbOrTrx } from '../../infra/db/database';
import { recordAudit } from '../../infra/db/repositories/audit';
import { enqueueMail } from '../../infra/db/repositories/outbox';
import { findLotByNumber, getProductionOrderByOrder } from '../../infra/db/repositories/production';
import { listCustomerUsers } from '../../infra/db/repositories/users';
import { formatMoney } from '../../domain/shared/money';
import type { CarrierAdapter } from './carrier';

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

export type InvoiceKind = 'deposit' | 'balance' | 'statement';

/** The calling workflow's id: with the step it keys every side effect. */
export function callingWorkflowId(): string {
  const id = Context.current().info.workflowExecution?.workflowId;
  if (!id) throw ApplicationFailure.nonRetryable('order activities run only inside a workflow', 'NoWorkflow');
  return id;
}

/** Order reference shown to people: stable, derived from the order id. */
export function orderReference(orderId: string): string {
  return `SO-${orderId.replace(/-/g, '').slice(0, 10).toUpperCase()}`;
}

/** The number of the order's invoice of a kind (one per order and kind). */
export function invoiceNumber(orderId: string, kind: InvoiceKind): string {
  return `${orderReference(orderId)}-${kind.toUpperCase()}`;
}

/** An audit entry on the order (its timeline); no actor means the workflow itself. */
export function auditOrder(
  trx: DbOrTrx,
  orderId: string,
  action: string,
  after: unknown,
  actor?: ActivityActor | null,
  before?: unknown,
): Promise<void> {
  return recordAudit(trx, {
    actorId: actor?.userId ?? null,
    actorRole: actor?.role ?? 'workflow',
    action,
    entityType: 'order',
    entityId: orderId,
    before,
    after,
  });
}

/**
 * An amount as an English and a Chinese reader read it (`¥700.00` / `700.00 元`, `USD 12.00` / `12.00 美元`):
 * every customer email says everything in both languages.
 */
export function money(fen: number, currency = 'CNY'): { en: string; zh: string } {
  return { en: formatMoney(fen, currency, 'en'), zh: formatMoney(fen, currency, 'zh') };
}

/** Queues one email to every user of the customer (keyed per recipient); returns how many were queued. */
export async function mailCustomer(
  trx: DbOrTrx,
  customerId: string,
  key: string,
  subject: string,
  text: string,
): Promise<number> {
  const people = await listCustomerUsers(trx, customerId);
  for (const person of people)
    await enqueueMail(trx, {
      idempotencyKey: `${key}:${person.email}`,
      to: person.email,
      subject,
      text,
      template: 'order',
    });
  return people.length;
}

/** The order's production order id; a missing one is a bug no retry fixes. */
export async function productionOrderId(trx: DbOrTrx, orderId: string): Promise<string> {
  const po = await getProductionOrderByOrder(trx, orderId);
  if (!po) throw ApplicationFailure.nonRetryable(`order ${orderId} has no production order`, 'NoProductionOrder');
  return po.id;
}

/** The id of the lot with that number; a missing one is a bug no retry fixes. */
export async function lotId(trx: DbOrTrx, lotNumber: string): Promise<string> {
  const lot = await findLotByNumber(trx, lotNumber);
  if (!lot) throw ApplicationFailure.nonRetryable(`no lot ${lotNumber}`, 'NoLot');
  return lot.id;
}
