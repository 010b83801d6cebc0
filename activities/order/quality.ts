/** Quality control of the order's lots: lot rows, inspection rounds with their defects, rework, packing. */
import {
  createLot,
  findRework,
  markLastReworkFailed,
  markLotPacked,
  recordInspection,
  recordRework,
  updateLot,
} from '../../infra/db/repositories/production';
import { auditOrder, lotId, productionOrderId, type ActivityActor, type OrderActivityDeps } from './context';

export function createOrderQualityActivities({ db }: OrderActivityDeps) {
  return {
    /** Creates a QC lot row (one per lot number). */
    async orderCreateLot(request: { orderId: string; lotNumber: string; quantity: number }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const id = await productionOrderId(trx, request.orderId);
        await createLot(trx, {
          production_order_id: id,
          lot_number: request.lotNumber,
          quantity: request.quantity,
          status: 'awaiting_inspection',
        });
      });
    },

    /** Records one inspection round of a lot with its defects (once per lot, kind and round). */
    async orderRecordInspection(request: {
      orderId: string;
      lotNumber: string;
      kind: 'aoi' | 'xray' | 'functional' | 'visual';
      round: number;
      passedCount: number;
      failedUnits: { serial: string; defects: { code: string; designator?: string; description?: string }[] }[];
      /** Units scrapped this round, with the attempt number they would have needed. */
      scrapped: { serial: string; attempt: number }[];
      lotStatus: string;
      actor: ActivityActor;
    }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const id = await lotId(trx, request.lotNumber);
        const failed = request.failedUnits.length;
        const { created } = await recordInspection(
          trx,
          {
            lot_id: id,
            kind: request.kind,
            round: request.round,
            inspected_count: request.passedCount + failed,
            passed_count: request.passedCount,
            failed_count: failed,
            inspected_by: request.actor.userId,
          },
          request.failedUnits.flatMap((u) =>
            u.defects.map((d) => ({
              unit_serial: u.serial,
              designator: d.designator ?? null,
              defect_code: d.code,
              description: d.description ?? null,
            })),
          ),
        );
        if (!created) return;
        // A unit failing again tells how its last rework went.
        for (const unit of request.failedUnits) await markLastReworkFailed(trx, id, unit.serial);
        for (const unit of request.scrapped) {
          await recordRework(trx, {
            lot_id: id,
            unit_serial: unit.serial,
            attempt: unit.attempt,
            result: 'scrap',
            performed_by: null,
          });
        }
        await updateLot(trx, id, { status: request.lotStatus });
        await auditOrder(
          trx,
          request.orderId,
          'qc.inspection',
          {
            lot: request.lotNumber,
            round: request.round,
            kind: request.kind,
            passed: request.passedCount,
            failed,
            scrapped: request.scrapped.map((u) => u.serial),
          },
          request.actor,
        );
      });
    },

    /** Records the rework of a lot's failed units (one record per unit and attempt). */
    async orderRecordRework(request: {
      orderId: string;
      lotNumber: string;
      units: { serial: string; attempt: number }[];
      rebuilt: number;
      actor: ActivityActor;
    }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const id = await lotId(trx, request.lotNumber);
        for (const unit of request.units) {
          if (!(await findRework(trx, id, unit.serial, unit.attempt)))
            await recordRework(trx, {
              lot_id: id,
              unit_serial: unit.serial,
              attempt: unit.attempt,
              result: 'pass',
              performed_by: request.actor.userId,
            });
        }
        await updateLot(trx, id, { status: 'awaiting_inspection' });
        await auditOrder(
          trx,
          request.orderId,
          'qc.rework',
          { lot: request.lotNumber, units: request.units.length, rebuilt: request.rebuilt },
          request.actor,
        );
      });
    },

    /** The lot passed 100 %: packed. */
    async orderLotPassed(request: {
      orderId: string;
      lotNumber: string;
      firstPassYield: number | null;
      reworkCount: number;
    }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const id = await lotId(trx, request.lotNumber);
        if (await markLotPacked(trx, id, new Date()))
          await auditOrder(trx, request.orderId, 'qc.lot_passed', {
            lot: request.lotNumber,
            firstPassYield: request.firstPassYield,
            reworkCount: request.reworkCount,
          });
      });
    },
  };
}
