/* eslint-disable @typescript-eslint/no-explicit-any -- a migration describes the schema of its own time, so it is untyped. */
import { Kysely, sql } from 'kysely';

/**
 * The inbox sorts and searches by case reference, customer name and amount. Joined in at read time, every matching
 * task had to be joined to its case before the database could sort or search (about 200 ms over 10,000 open tasks);
 * kept on the task when it opens, the tasks table answers alone, and the default order (open tasks by due time, all
 * or one role's) reads straight from an index.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table tasks add column case_reference text`.execute(db);
  await sql`alter table tasks add column customer_name text`.execute(db);
  await sql`alter table tasks add column amount_minor bigint`.execute(db);
  await sql`
    update tasks t set
      case_reference = coalesce(
        (select q.reference from quotes q where t.case_type = 'quote' and q.id::text = t.case_id),
        (select o.reference from orders o where t.case_type = 'order' and o.id::text = t.case_id),
        (select r.reference from rma_cases r where t.case_type = 'rma' and r.id::text = t.case_id),
        (select c.code from customers c where t.case_type = 'customer' and c.id = t.customer_id)),
      customer_name = (select c.name from customers c where c.id = t.customer_id),
      amount_minor = coalesce(
        (t.payload->>'outstandingMinor')::bigint,
        (select o.total_cents from orders o where t.case_type = 'order' and o.id::text = t.case_id),
        (select qr.total_cents from quotes q join quote_revisions qr on qr.quote_id = q.id and qr.revision = q.current_revision
          where t.case_type = 'quote' and q.id::text = t.case_id))`.execute(db);
  // Every inbox order ends with (created_at, id), so an index with both serves a page without sorting.
  await sql`drop index if exists tasks_inbox_idx`.execute(db);
  await sql`create index tasks_inbox_idx on tasks (status, role, due_at, created_at, id)`.execute(db);
  await sql`create index tasks_inbox_due_idx on tasks (status, due_at, created_at, id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists tasks_inbox_due_idx`.execute(db);
  await sql`drop index if exists tasks_inbox_idx`.execute(db);
  await sql`create index tasks_inbox_idx on tasks (status, role, due_at, created_at)`.execute(db);
  await sql`alter table tasks drop column amount_minor`.execute(db);
  await sql`alter table tasks drop column customer_name`.execute(db);
  await sql`alter table tasks drop column case_reference`.execute(db);
}
