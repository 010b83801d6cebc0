/* eslint-disable @typescript-eslint/no-explicit-any -- a migration describes the schema of its own time, so it is untyped. */
import { Kysely, sql } from 'kysely';

/**
 * One vocabulary per status, enforced by the database: a contract is `issued` (was `draft`) until the customer
 * signs or declines (`declined` is new) and the sales manager approves or rejects; an order's status is one of its
 * workflow stages; a shipment is released → booked → delivered, or an RMA shipment `shipped:<purpose>`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table contracts drop constraint contracts_status_check`.execute(db);
  await sql`update contracts set status = 'issued' where status = 'draft'`.execute(db);
  await sql`alter table contracts alter column status set default 'issued'`.execute(db);
  await sql`alter table contracts add constraint contracts_status_check check (status in ('issued','signed','approved','declined','rejected'))`.execute(
    db,
  );
  await sql`alter table orders add constraint orders_status_check check (status in ('contract','deposit','kitting','preparation','line_slot','proofing','volume_production','qc','payment','shipment','delivered','cancelled'))`.execute(
    db,
  );
  await sql`alter table shipments add constraint shipments_status_check check (status in ('awaiting_release','released','booked','delivered') or status like 'shipped:%')`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table shipments drop constraint shipments_status_check`.execute(db);
  await sql`alter table orders drop constraint orders_status_check`.execute(db);
  await sql`alter table contracts drop constraint contracts_status_check`.execute(db);
  // `declined` did not exist: such a contract was left as issued (draft) by the order's cancellation.
  await sql`update contracts set status = 'draft' where status in ('issued','declined')`.execute(db);
  await sql`alter table contracts alter column status set default 'draft'`.execute(db);
  await sql`alter table contracts add constraint contracts_status_check check (status in ('draft','signed','approved','rejected'))`.execute(
    db,
  );
}
