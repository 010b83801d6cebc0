/**
 * The case tables as projections of their workflows: the rows a reconcile pass reads and the guarded correction it
 * writes (`infra/temporal/reconcile.ts`). Each case type has one status column that its workflow keeps current.
 */
import { sql } from 'kysely';
import type { DbOrTrx } from '../database';
import { recordAudit } from './audit';

/** The case types whose rows a workflow projects. */
export const CASE_TYPES = ['customer', 'quote', 'order', 'rma'] as const;
export type CaseType = (typeof CASE_TYPES)[number];

const TABLES = {
  customer: { table: 'customers', entityType: 'customer' },
  quote: { table: 'quotes', entityType: 'quote' },
  order: { table: 'orders', entityType: 'order' },
  rma: { table: 'rma_cases', entityType: 'rma_case' },
} as const satisfies Record<CaseType, { table: string; entityType: string }>;

/** One case row as the pass sees it; `updatedAt` is its version for the guarded correction. */
export interface CaseProjection {
  caseType: CaseType;
  id: string;
  workflowId: string;
  status: string;
  updatedAt: Date;
}

/**
 * Rows of one case type that have a workflow: the open ones (status not final), or every one with `all`.
 * A customer is open while pending: approval and rejection are where onboarding ends for the quote gate.
 */
export async function listCaseProjections(
  db: DbOrTrx,
  caseType: CaseType,
  options: { all?: boolean; limit?: number } = {},
): Promise<CaseProjection[]> {
  let query = db
    .selectFrom(TABLES[caseType].table)
    .select(['id', 'workflow_id', 'status', 'updated_at'])
    .where('workflow_id', 'is not', null);
  if (!options.all) {
    if (caseType === 'customer') query = query.where('status', '=', 'pending');
    if (caseType === 'quote') query = query.where('status', 'not in', ['accepted', 'rejected', 'expired', 'cancelled']);
    if (caseType === 'order') query = query.where('status', 'not in', ['delivered', 'cancelled']);
    if (caseType === 'rma') query = query.where(sql<boolean>`status not like 'closed:%'`);
  }
  const rows = await query
    .orderBy('id')
    .limit(options.limit ?? 100_000)
    .execute();
  return rows.map((r) => ({
    caseType,
    id: r.id,
    workflowId: r.workflow_id as string,
    status: r.status,
    updatedAt: r.updated_at,
  }));
}

/**
 * Sets the row's status to what its workflow says, only if the row is still the version the pass read (status and
 * `updated_at`): a projection activity that wrote in between is newer than the query the pass made, so it wins.
 * Audited as `<entity>.reconciled` by the `reconciler`. Returns false when the row changed meanwhile (or is gone).
 */
export async function correctCaseStatus(
  db: DbOrTrx,
  row: CaseProjection,
  status: string,
  why: string,
): Promise<boolean> {
  const { table, entityType } = TABLES[row.caseType];
  const run = async (trx: DbOrTrx) => {
    const updated = await trx
      .updateTable(table)
      .set({ status: status as never, updated_at: new Date() })
      .where('id', '=', row.id)
      .where('status', '=', row.status as never)
      // The column keeps microseconds and a JS date milliseconds; compare at the precision the pass read.
      .where(sql<Date>`date_trunc('milliseconds', updated_at)`, '=', row.updatedAt)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return false;
    await recordAudit(trx, {
      actorId: null,
      actorRole: 'reconciler',
      action: `${entityType}.reconciled`,
      entityType,
      entityId: row.id,
      before: { status: row.status },
      after: { status, workflowId: row.workflowId, why },
    });
    return true;
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}
