import type { DbOrTrx } from '../database';
import type { CaughtMailTable } from '../schema';
import type { Insertable, Selectable } from 'kysely';

/** A message the development mail catcher received. */
export type CaughtMail = Selectable<CaughtMailTable>;

export async function insertCaughtMail(db: DbOrTrx, mail: Insertable<CaughtMailTable>): Promise<CaughtMail> {
  return db.insertInto('caught_mail').values(mail).returningAll().executeTakeFirstOrThrow();
}

/** Caught messages, newest first, optionally only those addressed to `to`. */
export async function listCaughtMail(db: DbOrTrx, filter: { to?: string; limit?: number } = {}): Promise<CaughtMail[]> {
  let q = db.selectFrom('caught_mail').selectAll();
  if (filter.to) q = q.where('to_addresses', 'ilike', `%${filter.to.replace(/[%_\\]/g, '\\$&')}%`);
  return q
    .orderBy('received_at', 'desc')
    .limit(filter.limit ?? 100)
    .execute();
}
