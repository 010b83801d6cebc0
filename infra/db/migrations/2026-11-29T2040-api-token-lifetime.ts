/* eslint-disable @typescript-eslint/no-explicit-any -- a migration describes the schema of its own time, so it is untyped. */
import { Kysely, sql } from 'kysely';

/**
 * API tokens get a bounded life and a name (issue 15): tokens minted before had neither, so they expire 90 days
 * from now and are named after their creation; customers' tokens are revoked (only staff hold tokens now).
 * Every revocation records why (logout, revoked, role changed, deactivated).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('revoked_reason', 'text').execute();
  await sql`update sessions set expires_at = now() + interval '90 days' where kind = 'api_token' and expires_at is null`.execute(
    db,
  );
  await sql`update sessions set name = 'token of ' || to_char(created_at, 'YYYY-MM-DD') where kind = 'api_token' and name is null`.execute(
    db,
  );
  await sql`update sessions set revoked_at = now(), revoked_reason = 'customers hold no API tokens'
    where kind = 'api_token' and revoked_at is null and user_id in (select id from users where role = 'customer')`.execute(
    db,
  );
  await sql`alter table sessions add constraint sessions_bounded_check check (expires_at is not null and (kind = 'session' or name is not null))`.execute(
    db,
  );
  await db.schema.createIndex('sessions_user_kind_idx').on('sessions').columns(['user_id', 'kind']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sessions_user_kind_idx').execute();
  await sql`alter table sessions drop constraint sessions_bounded_check`.execute(db);
  await db.schema.alterTable('sessions').dropColumn('revoked_reason').execute();
}
