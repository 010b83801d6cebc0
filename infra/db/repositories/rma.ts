import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { DbOrTrx } from '../database';
import type {
  PenaltyLedgerTable,
  RmaCaseRow,
  RmaCasesTable,
  RmaMaterialRequestsTable,
  RmaRepairRecordsTable,
  RmaResponsibilityDecisionsTable,
  RmaRecordsTable,
  RmaUnitsTable,
} from '../schema';
import { isUuid } from './tasks';
import { RMA_CASE_TYPE } from '../../../domain/rma/contract';
import type { DayActivity, OpenStep, PromisedDate } from '../../../domain/rma/routines';

export type RmaUnit = Selectable<RmaUnitsTable>;
export type ResponsibilityDecision = Selectable<RmaResponsibilityDecisionsTable>;
export type MaterialRequest = Selectable<RmaMaterialRequestsTable>;
export type RepairRecord = Selectable<RmaRepairRecordsTable>;
export type PenaltyEntry = Selectable<PenaltyLedgerTable>;
export type RmaRecord = Selectable<RmaRecordsTable>;

export async function createRmaCase(db: DbOrTrx, rmaCase: Insertable<RmaCasesTable>): Promise<RmaCaseRow> {
  return db.insertInto('rma_cases').values(rmaCase).returningAll().executeTakeFirstOrThrow();
}

/** Names the workflow that runs the case (its id is derived from the case id, so it is set after the insert). */
export async function setRmaWorkflowId(db: DbOrTrx, id: string, workflowId: string): Promise<void> {
  await db.updateTable('rma_cases').set({ workflow_id: workflowId }).where('id', '=', id).execute();
}

export async function getRmaCase(db: DbOrTrx, id: string): Promise<RmaCaseRow | undefined> {
  if (!isUuid(id)) return undefined;
  return db.selectFrom('rma_cases').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listRmaCases(
  db: DbOrTrx,
  filter: { customerId?: string; status?: string; limit?: number; offset?: number } = {},
): Promise<RmaCaseRow[]> {
  let q = db.selectFrom('rma_cases').selectAll();
  if (filter.customerId) q = q.where('customer_id', '=', filter.customerId);
  if (filter.status) q = q.where('status', '=', filter.status);
  return q
    .orderBy('created_at', 'desc')
    .limit(filter.limit ?? 100)
    .offset(filter.offset ?? 0)
    .execute();
}

/** Sets a case's status; returns the status before, or undefined when the case does not exist. */
export async function setRmaStatus(
  db: DbOrTrx,
  id: string,
  status: string,
): Promise<{ before: string; after: string } | undefined> {
  const before = await db.selectFrom('rma_cases').select('status').where('id', '=', id).forUpdate().executeTakeFirst();
  if (!before) return undefined;
  await db.updateTable('rma_cases').set({ status, updated_at: new Date() }).where('id', '=', id).execute();
  return { before: before.status, after: status };
}

export async function addRmaUnit(db: DbOrTrx, unit: Insertable<RmaUnitsTable>): Promise<RmaUnit> {
  return db.insertInto('rma_units').values(unit).returningAll().executeTakeFirstOrThrow();
}

export async function updateRmaUnit(
  db: DbOrTrx,
  id: string,
  changes: Updateable<RmaUnitsTable>,
): Promise<RmaUnit | undefined> {
  return db.updateTable('rma_units').set(changes).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function listRmaUnits(db: DbOrTrx, caseId: string): Promise<RmaUnit[]> {
  return db.selectFrom('rma_units').selectAll().where('rma_case_id', '=', caseId).orderBy('created_at').execute();
}

export async function recordResponsibility(
  db: DbOrTrx,
  decision: Insertable<RmaResponsibilityDecisionsTable>,
): Promise<ResponsibilityDecision> {
  return db.insertInto('rma_responsibility_decisions').values(decision).returningAll().executeTakeFirstOrThrow();
}

export async function requestMaterial(
  db: DbOrTrx,
  request: Insertable<RmaMaterialRequestsTable>,
): Promise<MaterialRequest> {
  return db.insertInto('rma_material_requests').values(request).returningAll().executeTakeFirstOrThrow();
}

export async function listMaterialRequests(db: DbOrTrx, caseId: string): Promise<MaterialRequest[]> {
  return db
    .selectFrom('rma_material_requests')
    .selectAll()
    .where('rma_case_id', '=', caseId)
    .orderBy('requested_at')
    .execute();
}

export async function recordRepair(db: DbOrTrx, record: Insertable<RmaRepairRecordsTable>): Promise<RepairRecord> {
  return db.insertInto('rma_repair_records').values(record).returningAll().executeTakeFirstOrThrow();
}

export async function listRepairs(db: DbOrTrx, caseId: string): Promise<RepairRecord[]> {
  return db
    .selectFrom('rma_repair_records')
    .selectAll()
    .where('rma_case_id', '=', caseId)
    .orderBy('created_at')
    .execute();
}

/** Adds a penalty once per idempotency key (e.g. `${workflowId}:penalty:${day}`); returns false for a repeat. */
export async function addPenalty(db: DbOrTrx, entry: Insertable<PenaltyLedgerTable>): Promise<boolean> {
  const r = await db
    .insertInto('penalty_ledger')
    .values(entry)
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function listPenalties(
  db: DbOrTrx,
  filter: { rmaCaseId?: string; responsibleParty?: string } = {},
): Promise<PenaltyEntry[]> {
  let q = db.selectFrom('penalty_ledger').selectAll();
  if (filter.rmaCaseId) q = q.where('rma_case_id', '=', filter.rmaCaseId);
  if (filter.responsibleParty) q = q.where('responsible_party', '=', filter.responsibleParty);
  return q.orderBy('created_at').execute();
}

/** Adds a procedure record once per idempotency key; undefined for a repeat. */
export async function addRmaRecordOnce(
  db: DbOrTrx,
  record: Insertable<RmaRecordsTable>,
): Promise<RmaRecord | undefined> {
  return db
    .insertInto('rma_records')
    .values(record)
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** A case's procedure records, oldest first; only those of `kind` when given. */
export async function listRmaRecords(db: DbOrTrx, caseId: string, kind?: string): Promise<RmaRecord[]> {
  let q = db.selectFrom('rma_records').selectAll().where('rma_case_id', '=', caseId);
  if (kind) q = q.where('kind', '=', kind);
  return q.orderBy('created_at').execute();
}

/** A penalty locked for a change in this transaction. */
export async function getPenaltyForUpdate(db: DbOrTrx, id: string): Promise<PenaltyEntry | undefined> {
  return db.selectFrom('penalty_ledger').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Waives a penalty for a special case, with who and why. */
export async function waivePenalty(db: DbOrTrx, id: string, by: string, reason: string): Promise<PenaltyEntry> {
  return db
    .updateTable('penalty_ledger')
    .set({ waived_by: by, waived_at: new Date(), waiver_reason: reason })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Every open step of every RMA with its case and customer. */
export async function listOpenRmaSteps(db: DbOrTrx): Promise<OpenStep[]> {
  const rows = await db
    .selectFrom('tasks')
    .innerJoin('rma_cases', (j) => j.on(sql`rma_cases.id::text`, '=', sql.ref('tasks.case_id')))
    .innerJoin('customers', 'customers.id', 'rma_cases.customer_id')
    .select([
      'tasks.id as taskId',
      'rma_cases.id as rmaId',
      'rma_cases.reference',
      'customers.name as customerName',
      'customers.address as customerAddress',
      'rma_cases.urgent',
      'tasks.step',
      'tasks.kind',
      'tasks.role',
      'tasks.title',
      'tasks.due_at',
    ])
    .where('tasks.case_type', '=', RMA_CASE_TYPE)
    .where('tasks.status', '=', 'open')
    .orderBy('tasks.due_at')
    .execute();
  return rows.map(({ due_at, ...r }) => ({ ...r, dueAt: due_at ? new Date(due_at).toISOString() : null }));
}

/** Repair dates PMC promised, with whether the case's repair step is done. */
export async function listPromisedRepairDates(db: DbOrTrx): Promise<PromisedDate[]> {
  const rows = await db
    .selectFrom('tasks as t')
    .innerJoin('rma_cases', (j) => j.on(sql`rma_cases.id::text`, '=', sql.ref('t.case_id')))
    .select(['rma_cases.id as rmaId', 'rma_cases.reference', 't.data', 't.workflow_id'])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('tasks as r')
            .select('r.id')
            .whereRef('r.case_id', '=', 't.case_id')
            .where('r.step', '=', 'repair')
            .where('r.status', '=', 'completed'),
        )
        .as('repaired'),
    )
    .where('t.case_type', '=', RMA_CASE_TYPE)
    .where('t.kind', '=', 'rma.repair-date')
    .where('t.status', '=', 'completed')
    .where('rma_cases.status', 'not like', 'closed%')
    .execute();
  return rows
    .filter((r) => typeof r.data?.promisedOn === 'string')
    .map((r) => ({
      rmaId: r.rmaId,
      reference: r.reference,
      promisedOn: String(r.data?.promisedOn),
      repaired: Boolean(r.repaired),
    }));
}

/** Cases opened and closed, and steps completed, in [from, to). */
export async function rmaDayActivity(db: DbOrTrx, from: Date, to: Date): Promise<DayActivity> {
  const opened = await db
    .selectFrom('rma_cases')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .executeTakeFirstOrThrow();
  const closed = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('entity_type', '=', 'rma_case')
    .where('action', '=', 'rma.close')
    .where('at', '>=', from)
    .where('at', '<', to)
    .executeTakeFirstOrThrow();
  const completed = await db
    .selectFrom('tasks')
    .innerJoin('rma_cases', (j) => j.on(sql`rma_cases.id::text`, '=', sql.ref('tasks.case_id')))
    .select(['tasks.step', 'rma_cases.reference'])
    .where('tasks.case_type', '=', RMA_CASE_TYPE)
    .where('tasks.status', '=', 'completed')
    .where('tasks.completed_at', '>=', from)
    .where('tasks.completed_at', '<', to)
    .orderBy('tasks.completed_at')
    .execute();
  return { opened: Number(opened.n), closed: Number(closed.n), completed };
}
