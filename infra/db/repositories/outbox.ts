import { sql } from 'kysely';
import type { DbOrTrx } from '../database';
import type { OutboxRow } from '../schema';
import type { Role } from '../../../domain/tasks/roles';
import { listActiveUsersByRole } from './users';

/** An email to deliver; `idempotencyKey` makes enqueueing it twice harmless. */
export interface OutgoingMail {
  idempotencyKey: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  template?: string;
}

/**
 * Puts an email in the outbox (call inside the transaction of the change that caused it). Returns false when
 * an email with the same key is already there.
 */
export async function enqueueMail(db: DbOrTrx, mail: OutgoingMail): Promise<boolean> {
  const r = await db
    .insertInto('outbox')
    .values({
      idempotency_key: mail.idempotencyKey,
      to_address: mail.to,
      subject: mail.subject,
      text_body: mail.text,
      html_body: mail.html ?? null,
      template: mail.template ?? null,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Pending emails due at `now`, oldest first. */
/** Queues one email to every active user of `roles`, once per key and person; returns their addresses. */
export async function enqueueMailToRoles(
  db: DbOrTrx,
  key: string,
  roles: readonly Role[],
  subject: string,
  lines: string[],
  template: string,
): Promise<string[]> {
  const people = await listActiveUsersByRole(db, roles);
  const text = [...lines, '', '— SMT Works'].join('\n');
  for (const p of people)
    await enqueueMail(db, { idempotencyKey: `${key}:${p.email}`, to: p.email, subject, text, template });
  return people.map((p) => p.email);
}

export async function listDueMail(db: DbOrTrx, now: Date, limit: number): Promise<OutboxRow[]> {
  return db
    .selectFrom('outbox')
    .selectAll()
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at', 'asc')
    .limit(limit)
    .execute();
}

/** Marks an email delivered. */
export async function markMailSent(db: DbOrTrx, id: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ status: 'sent', sent_at: new Date(), attempts: sql`attempts + 1`, last_error: null })
    .where('id', '=', id)
    .execute();
}

/** Records a failed delivery and when to try again. The email stays pending: it is never dropped. */
export async function markMailFailed(db: DbOrTrx, id: string, error: string, nextAttemptAt: Date): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ attempts: sql`attempts + 1`, last_error: error.slice(0, 1000), next_attempt_at: nextAttemptAt })
    .where('id', '=', id)
    .execute();
}

export async function getMailByKey(db: DbOrTrx, idempotencyKey: string): Promise<OutboxRow | undefined> {
  return db.selectFrom('outbox').selectAll().where('idempotency_key', '=', idempotencyKey).executeTakeFirst();
}

/** Outbox entries, newest first. */
export async function listOutbox(
  db: DbOrTrx,
  filter: { status?: 'pending' | 'sent'; limit?: number } = {},
): Promise<OutboxRow[]> {
  let q = db.selectFrom('outbox').selectAll();
  if (filter.status) q = q.where('status', '=', filter.status);
  return q
    .orderBy('created_at', 'desc')
    .limit(filter.limit ?? 100)
    .execute();
}
