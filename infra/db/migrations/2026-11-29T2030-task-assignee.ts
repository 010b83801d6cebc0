/* eslint-disable @typescript-eslint/no-explicit-any -- a migration describes the schema of its own time, so it is untyped. */
import { Kysely, sql } from 'kysely';

/** A task can be claimed by (or assigned to) one person of its role; the inbox pages open tasks by role and due time. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table tasks add column assignee_id uuid references users(id)`.execute(db);
  await sql`alter table tasks add column assigned_at timestamptz`.execute(db);
  await sql`create index tasks_inbox_idx on tasks (status, role, due_at, created_at)`.execute(db);
  await sql`create index tasks_assignee_idx on tasks (assignee_id) where assignee_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists tasks_assignee_idx`.execute(db);
  await sql`drop index if exists tasks_inbox_idx`.execute(db);
  await sql`alter table tasks drop column assigned_at`.execute(db);
  await sql`alter table tasks drop column assignee_id`.execute(db);
}
