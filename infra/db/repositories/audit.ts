import type { DbOrTrx } from '../database';
import { json } from '../database';
import type { AuditRow } from '../schema';
import { withFenNames } from '../../../domain/shared/money-names';

/** One audited change: who did what to which record, with the state before and after. */
export interface AuditEntry {
  actorId: string | null;
  actorRole: string | null;
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

/** Appends to the audit log (call inside the transaction that makes the change). */
export async function recordAudit(db: DbOrTrx, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor_id: entry.actorId,
      actor_role: entry.actorRole,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      before: entry.before === undefined ? null : json(entry.before),
      after: entry.after === undefined ? null : json(entry.after),
    })
    .execute();
}

/** True when the record's trail already holds `action` (activities that audit once per action). */
export async function hasAudit(db: DbOrTrx, entityType: string, entityId: string, action: string): Promise<boolean> {
  const row = await db
    .selectFrom('audit_log')
    .select('id')
    .where('entity_type', '=', entityType)
    .where('entity_id', '=', entityId)
    .where('action', '=', action)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The audit trail of one record, oldest first. Entries written before the money rename say `amountMinor`,
 * `depositMinor`, …: they are read as `…Fen`, so the trail speaks one language (the rows stay as written).
 */
export async function listAudit(db: DbOrTrx, entityType: string, entityId: string): Promise<AuditRow[]> {
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .where('entity_type', '=', entityType)
    .where('entity_id', '=', entityId)
    .orderBy('id', 'asc')
    .execute();
  return rows.map((row) => ({ ...row, before: withFenNames(row.before), after: withFenNames(row.after) }));
}
