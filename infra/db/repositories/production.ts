import type { Insertable, Selectable, Updateable } from 'kysely';
import type { DbOrTrx } from '../database';
import type { DefectsTable, InspectionsTable, LotsTable, ProductionOrdersTable, ReworkRecordsTable } from '../schema';
import { isUuid } from './tasks';

export type ProductionOrder = Selectable<ProductionOrdersTable>;
export type Lot = Selectable<LotsTable>;
export type Inspection = Selectable<InspectionsTable>;
export type Defect = Selectable<DefectsTable>;
export type ReworkRecord = Selectable<ReworkRecordsTable>;

/** Creates the order's production order, or returns the existing one (one per order). */
export async function createProductionOrder(
  db: DbOrTrx,
  po: Insertable<ProductionOrdersTable>,
): Promise<ProductionOrder> {
  await db
    .insertInto('production_orders')
    .values(po)
    .onConflict((oc) => oc.column('order_id').doNothing())
    .execute();
  return db.selectFrom('production_orders').selectAll().where('order_id', '=', po.order_id).executeTakeFirstOrThrow();
}

export async function getProductionOrder(db: DbOrTrx, id: string): Promise<ProductionOrder | undefined> {
  if (!isUuid(id)) return undefined;
  return db.selectFrom('production_orders').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getProductionOrderByOrder(db: DbOrTrx, orderId: string): Promise<ProductionOrder | undefined> {
  return db.selectFrom('production_orders').selectAll().where('order_id', '=', orderId).executeTakeFirst();
}

export async function updateProductionOrder(
  db: DbOrTrx,
  id: string,
  changes: Updateable<ProductionOrdersTable>,
): Promise<ProductionOrder | undefined> {
  return db
    .updateTable('production_orders')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Creates a lot, or returns the existing lot with that number. */
export async function createLot(db: DbOrTrx, lot: Insertable<LotsTable>): Promise<Lot> {
  await db
    .insertInto('lots')
    .values(lot)
    .onConflict((oc) => oc.column('lot_number').doNothing())
    .execute();
  return db.selectFrom('lots').selectAll().where('lot_number', '=', lot.lot_number).executeTakeFirstOrThrow();
}

export async function findLotByNumber(db: DbOrTrx, lotNumber: string): Promise<Lot | undefined> {
  return db.selectFrom('lots').selectAll().where('lot_number', '=', lotNumber).executeTakeFirst();
}

/** Marks the lot passed and packed, once; true when this call packed it. */
export async function markLotPacked(db: DbOrTrx, id: string, at: Date): Promise<boolean> {
  const row = await db
    .updateTable('lots')
    .set({ status: 'passed', packed_at: at })
    .where('id', '=', id)
    .where('packed_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function listLots(db: DbOrTrx, productionOrderId: string): Promise<Lot[]> {
  return db
    .selectFrom('lots')
    .selectAll()
    .where('production_order_id', '=', productionOrderId)
    .orderBy('lot_number')
    .execute();
}

export async function updateLot(db: DbOrTrx, id: string, changes: Updateable<LotsTable>): Promise<Lot | undefined> {
  return db.updateTable('lots').set(changes).where('id', '=', id).returningAll().executeTakeFirst();
}

/** Records one inspection round with its defects; the same (lot, kind, round) is recorded once. */
export async function recordInspection(
  db: DbOrTrx,
  inspection: Insertable<InspectionsTable>,
  defects: Omit<Insertable<DefectsTable>, 'inspection_id'>[] = [],
): Promise<{ inspection: Inspection; defects: Defect[]; created: boolean }> {
  const inserted = await db
    .insertInto('inspections')
    .values(inspection)
    .onConflict((oc) => oc.columns(['lot_id', 'kind', 'round']).doNothing())
    .returningAll()
    .executeTakeFirst();
  const stored =
    inserted ??
    (await db
      .selectFrom('inspections')
      .selectAll()
      .where('lot_id', '=', inspection.lot_id)
      .where('kind', '=', inspection.kind)
      .where('round', '=', inspection.round)
      .executeTakeFirstOrThrow());
  if (inserted && defects.length > 0) {
    await db
      .insertInto('defects')
      .values(defects.map((d) => ({ ...d, inspection_id: inserted.id })))
      .execute();
  }
  const storedDefects = await db
    .selectFrom('defects')
    .selectAll()
    .where('inspection_id', '=', stored.id)
    .orderBy('created_at')
    .execute();
  return { inspection: stored, defects: storedDefects, created: inserted !== undefined };
}

export async function listInspections(db: DbOrTrx, lotId: string): Promise<Inspection[]> {
  return db
    .selectFrom('inspections')
    .selectAll()
    .where('lot_id', '=', lotId)
    .orderBy('round')
    .orderBy('kind')
    .execute();
}

export async function recordRework(db: DbOrTrx, rework: Insertable<ReworkRecordsTable>): Promise<ReworkRecord> {
  return db.insertInto('rework_records').values(rework).returningAll().executeTakeFirstOrThrow();
}

/** The rework of one unit at one attempt, if recorded. */
export async function findRework(
  db: DbOrTrx,
  lotId: string,
  unitSerial: string,
  attempt: number,
): Promise<ReworkRecord | undefined> {
  return db
    .selectFrom('rework_records')
    .selectAll()
    .where('lot_id', '=', lotId)
    .where('unit_serial', '=', unitSerial)
    .where('attempt', '=', attempt)
    .executeTakeFirst();
}

/** A unit failing inspection again: its latest passed rework turns out failed. */
export async function markLastReworkFailed(db: DbOrTrx, lotId: string, unitSerial: string): Promise<void> {
  const last = await db
    .selectFrom('rework_records')
    .select('id')
    .where('lot_id', '=', lotId)
    .where('unit_serial', '=', unitSerial)
    .where('result', '=', 'pass')
    .orderBy('attempt', 'desc')
    .executeTakeFirst();
  if (last) await db.updateTable('rework_records').set({ result: 'fail' }).where('id', '=', last.id).execute();
}

export async function listRework(db: DbOrTrx, lotId: string): Promise<ReworkRecord[]> {
  return db.selectFrom('rework_records').selectAll().where('lot_id', '=', lotId).orderBy('created_at').execute();
}
