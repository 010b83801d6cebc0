import type { Insertable, Selectable } from 'kysely';
import type { DbOrTrx } from '../database';
import type {
  CorrectiveActionsTable,
  CustomerContactsTable,
  CustomerRow,
  CustomerUpdate,
  FactoryAuditsTable,
  NewCustomer,
} from '../schema';
import { isUuid } from './tasks';

export type CustomerContact = Selectable<CustomerContactsTable>;
export type FactoryAudit = Selectable<FactoryAuditsTable>;
export type CorrectiveAction = Selectable<CorrectiveActionsTable>;

export async function createCustomer(db: DbOrTrx, customer: NewCustomer): Promise<CustomerRow> {
  return db.insertInto('customers').values(customer).returningAll().executeTakeFirstOrThrow();
}

export async function getCustomer(db: DbOrTrx, id: string): Promise<CustomerRow | undefined> {
  if (!isUuid(id)) return undefined;
  return db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findCustomerByCode(db: DbOrTrx, code: string): Promise<CustomerRow | undefined> {
  return db.selectFrom('customers').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function listCustomers(
  db: DbOrTrx,
  filter: { status?: CustomerRow['status']; limit?: number; offset?: number } = {},
): Promise<CustomerRow[]> {
  let q = db.selectFrom('customers').selectAll();
  if (filter.status) q = q.where('status', '=', filter.status);
  return q
    .orderBy('name')
    .limit(filter.limit ?? 100)
    .offset(filter.offset ?? 0)
    .execute();
}

/** Updates a customer and returns the row before and after (for the audit log). */
export async function updateCustomer(
  db: DbOrTrx,
  id: string,
  changes: CustomerUpdate,
): Promise<{ before: CustomerRow; after: CustomerRow } | undefined> {
  const before = await db.selectFrom('customers').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!before) return undefined;
  const after = await db
    .updateTable('customers')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  // The inbox keeps the customer's name on each task (to sort and search without a join).
  if (after.name !== before.name)
    await db.updateTable('tasks').set({ customer_name: after.name }).where('customer_id', '=', id).execute();
  return { before, after };
}

/** Names the onboarding workflow (its id is derived from the customer id, so it is set after the insert). */
export async function setCustomerWorkflowId(db: DbOrTrx, id: string, workflowId: string): Promise<void> {
  await db.updateTable('customers').set({ workflow_id: workflowId }).where('id', '=', id).execute();
}

/** Removes a customer with its contacts (a registration whose onboarding could not start). */
export async function deleteCustomer(db: DbOrTrx, id: string): Promise<void> {
  await db.deleteFrom('customer_contacts').where('customer_id', '=', id).execute();
  await db.deleteFrom('customers').where('id', '=', id).execute();
}

export async function addContact(db: DbOrTrx, contact: Insertable<CustomerContactsTable>): Promise<CustomerContact> {
  return db.insertInto('customer_contacts').values(contact).returningAll().executeTakeFirstOrThrow();
}

export async function listContacts(db: DbOrTrx, customerId: string): Promise<CustomerContact[]> {
  return db.selectFrom('customer_contacts').selectAll().where('customer_id', '=', customerId).orderBy('name').execute();
}

export async function recordFactoryAudit(db: DbOrTrx, audit: Insertable<FactoryAuditsTable>): Promise<FactoryAudit> {
  return db.insertInto('factory_audits').values(audit).returningAll().executeTakeFirstOrThrow();
}

export async function listFactoryAudits(db: DbOrTrx, customerId: string): Promise<FactoryAudit[]> {
  return db
    .selectFrom('factory_audits')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('created_at')
    .execute();
}

/** The audit a workflow recorded for a visit day, if any (so a retried activity finds it). */
export async function findFactoryAuditOfVisit(
  db: DbOrTrx,
  workflowId: string,
  visitedOn: string,
): Promise<{ id: string } | undefined> {
  return db
    .selectFrom('factory_audits')
    .select('id')
    .where('workflow_id', '=', workflowId)
    .where('visited_on', '=', visitedOn)
    .executeTakeFirst();
}

export async function addCorrectiveAction(
  db: DbOrTrx,
  action: Insertable<CorrectiveActionsTable>,
): Promise<CorrectiveAction> {
  return db.insertInto('corrective_actions').values(action).returningAll().executeTakeFirstOrThrow();
}

export async function listCorrectiveActions(db: DbOrTrx, auditId: string): Promise<CorrectiveAction[]> {
  return db.selectFrom('corrective_actions').selectAll().where('audit_id', '=', auditId).orderBy('due_on').execute();
}

/** Closes a corrective action once; returns undefined when it was not open. */
export async function closeCorrectiveAction(
  db: DbOrTrx,
  id: string,
  closedBy: string,
): Promise<CorrectiveAction | undefined> {
  return db
    .updateTable('corrective_actions')
    .set({ status: 'done', closed_at: new Date(), closed_by: closedBy })
    .where('id', '=', id)
    .where('status', '!=', 'done')
    .returningAll()
    .executeTakeFirst();
}

/** Marks an open corrective action overdue (a no-op once it is done). */
export async function markCorrectiveActionOverdue(db: DbOrTrx, id: string): Promise<void> {
  await db
    .updateTable('corrective_actions')
    .set({ status: 'overdue' })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .execute();
}
