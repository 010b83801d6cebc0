import type { Insertable, Selectable, Updateable } from 'kysely';
import type { DbOrTrx } from '../database';
import type {
  PenaltyLedgerTable,
  RmaCaseRow,
  RmaCasesTable,
  RmaMaterialRequestsTable,
  RmaRepairRecordsTable,
  RmaResponsibilityDecisionsTable,
  RmaUnitsTable,
} from '../schema';
import { isUuid } from './tasks';

export type RmaUnit = Selectable<RmaUnitsTable>;
export type ResponsibilityDecision = Selectable<RmaResponsibilityDecisionsTable>;
export type MaterialRequest = Selectable<RmaMaterialRequestsTable>;
export type RepairRecord = Selectable<RmaRepairRecordsTable>;
export type PenaltyEntry = Selectable<PenaltyLedgerTable>;

export async function createRmaCase(db: DbOrTrx, rmaCase: Insertable<RmaCasesTable>): Promise<RmaCaseRow> {
  return db.insertInto('rma_cases').values(rmaCase).returningAll().executeTakeFirstOrThrow();
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
