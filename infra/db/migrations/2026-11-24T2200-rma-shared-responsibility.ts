/* eslint-disable @typescript-eslint/no-explicit-any -- a migration describes the schema of its own time, so it is untyped. */
import { Kysely, sql } from 'kysely';

/** A service dispatch form may record a shared fault (seed 002: customer, ours, or both), not only one side. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table rma_responsibility_decisions drop constraint rma_responsibility_decisions_responsible_check`.execute(
    db,
  );
  await sql`alter table rma_responsibility_decisions add constraint rma_responsibility_decisions_responsible_check check (responsible in ('customer','factory','shared'))`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`update rma_responsibility_decisions set responsible = 'customer' where responsible = 'shared'`.execute(db);
  await sql`alter table rma_responsibility_decisions drop constraint rma_responsibility_decisions_responsible_check`.execute(
    db,
  );
  await sql`alter table rma_responsibility_decisions add constraint rma_responsibility_decisions_responsible_check check (responsible in ('customer','factory'))`.execute(
    db,
  );
}
