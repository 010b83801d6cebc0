/* eslint-disable @typescript-eslint/no-explicit-any -- a migration describes the schema of its own time, so it is untyped. */
import { Kysely, sql } from 'kysely';

/**
 * An order starts `opening` (contract being issued) and reads `contract` only once the customer's signature task is
 * open (issue 13 item 7: the stage a client reads never runs ahead of the task it promises).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table orders drop constraint orders_status_check`.execute(db);
  await sql`alter table orders add constraint orders_status_check check (status in ('opening','contract','deposit','kitting','preparation','line_slot','proofing','volume_production','qc','payment','shipment','delivered','cancelled'))`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table orders drop constraint orders_status_check`.execute(db);
  await sql`update orders set status = 'contract' where status = 'opening'`.execute(db);
  await sql`alter table orders add constraint orders_status_check check (status in ('contract','deposit','kitting','preparation','line_slot','proofing','volume_production','qc','payment','shipment','delivered','cancelled'))`.execute(
    db,
  );
}
