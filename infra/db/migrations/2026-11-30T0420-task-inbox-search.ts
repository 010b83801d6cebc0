/* eslint-disable @typescript-eslint/no-explicit-any -- a migration describes the schema of its own time, so it is untyped. */
import { Kysely, sql } from 'kysely';

/**
 * The inbox at 100 requests a second over 10,000 open tasks (bench/inbox.ts). A search ran three case-insensitive
 * matches on every row (title, case reference, customer name), twice (page and count); a sort by amount or customer
 * read and sorted every row. `search_text` is the three, lower-cased, kept by the database itself, joined by a
 * character no search can hold (a query refuses control characters), so one plain `like` serves a search and a match
 * never spans two of them. The two sorts read an index in their order, as the sort by due time does.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table tasks add column search_text text generated always as (
    lower(coalesce(title, '') || chr(31) || coalesce(case_reference, '') || chr(31) || coalesce(customer_name, ''))
  ) stored`.execute(db);
  await sql`create index tasks_inbox_amount_idx on tasks (status, amount_fen desc nulls last, created_at, id)`.execute(
    db,
  );
  await sql`create index tasks_inbox_customer_idx on tasks (status, customer_name, created_at, id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists tasks_inbox_customer_idx`.execute(db);
  await sql`drop index if exists tasks_inbox_amount_idx`.execute(db);
  await sql`alter table tasks drop column search_text`.execute(db);
}
