/** The production order: opening it, the material kit, preparation steps, the line slot and the floor's progress. */
import {
  createProductionOrder,
  getProductionOrderByOrder,
  updateProductionOrder,
} from '../../infra/db/repositories/production';
import type { KitLine, KitRequirement } from '../../domain/order/kitting';
import type { AnalysedPart } from '../../domain/quote/analyze';
import { partNumberOf, spareFor } from '../../domain/quote/pricing';
import { getQuote, latestQuoteAnalysisResult } from '../../infra/db/repositories/quotes';
import { loadPricingRules } from '../quote/pricing-config';
import { auditOrder, productionOrderId, type ActivityActor, type OrderActivityDeps } from './context';

export function createOrderProductionActivities({ db }: OrderActivityDeps) {
  return {
    /** Opens the production order. */
    async orderStartProduction(request: { orderId: string; quantity: number }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const existing = await getProductionOrderByOrder(trx, request.orderId);
        if (existing) return;
        await createProductionOrder(trx, { order_id: request.orderId, status: 'kitting', quantity: request.quantity });
        await auditOrder(trx, request.orderId, 'production.started', { quantity: request.quantity });
      });
    },

    /**
     * What the kit must hold: the accepted quote's fitted BOM lines with the spare parts the quote priced (the same
     * `spareFor` rule). Empty for a bare-board order or a quote without a BOM: kitting is then not checked.
     */
    async orderKitRequirements(request: { quoteId: string; boards: number }): Promise<{ bom: KitRequirement[] }> {
      const quote = await getQuote(db, request.quoteId);
      if (!quote || quote.options.assembly === false) return { bom: [] };
      const analysis = await latestQuoteAnalysisResult(db, quote.id, quote.current_revision);
      const parts = ((analysis as { parts?: AnalysedPart[] } | undefined)?.parts ?? []).filter(
        (p) => !p.dnp && p.quantity > 0,
      );
      if (!parts.length) return { bom: [] };
      const { components } = await loadPricingRules();
      return {
        bom: parts.map((part) => ({
          partNumber: partNumberOf(part),
          perBoard: part.quantity,
          throughHole: part.throughHole,
          designators: part.designators,
          spare: spareFor(components, part, part.quantity * request.boards),
        })),
      };
    },

    /** Reserves the kit's material for the order (released again on cancellation). */
    async orderReserveMaterials(request: { orderId: string; lines: KitLine[] }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await auditOrder(trx, request.orderId, 'materials.reserved', {
          lines: request.lines.map((l) => ({ partNumber: l.partNumber, quantity: l.quantity, source: l.source.kind })),
        });
      });
    },

    /** Releases the order's reserved material (compensation). */
    async orderReleaseMaterials(request: { orderId: string }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const id = await productionOrderId(trx, request.orderId);
        await updateProductionOrder(trx, id, { materials_ready_at: null, status: 'materials_released' });
        await auditOrder(trx, request.orderId, 'materials.released', {});
      });
    },

    /** Marks a preparation step of the production order done (materials, stencil, program, reflow, samples). */
    async orderProductionStep(request: {
      orderId: string;
      step:
        | 'materials_ready_at'
        | 'stencil_ready_at'
        | 'program_ready_at'
        | 'reflow_profile_ready_at'
        | 'samples_approved_at';
      status: string;
      detail?: Record<string, unknown>;
      at: string;
    }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const id = await productionOrderId(trx, request.orderId);
        await updateProductionOrder(trx, id, { [request.step]: new Date(request.at), status: request.status });
        await auditOrder(trx, request.orderId, `production.${request.step.replace(/_at$/, '')}`, request.detail ?? {});
      });
    },

    /** Books the line slot. */
    async orderBookLineSlot(request: { orderId: string; slot: string }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const id = await productionOrderId(trx, request.orderId);
        await updateProductionOrder(trx, id, { line_slot: request.slot, status: 'line_slot_booked' });
        await auditOrder(trx, request.orderId, 'production.line_slot_booked', { slot: request.slot });
      });
    },

    /** Gives the line slot back (compensation). */
    async orderReleaseLineSlot(request: { orderId: string }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const id = await productionOrderId(trx, request.orderId);
        await updateProductionOrder(trx, id, { line_slot: null });
        await auditOrder(trx, request.orderId, 'production.line_slot_released', {});
      });
    },

    /** Records the floor's progress (assembled quantity is the production order's produced quantity). */
    async orderRecordProgress(request: {
      orderId: string;
      step: string;
      quantityDone: number;
      assembled: number;
      actor: ActivityActor;
    }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const id = await productionOrderId(trx, request.orderId);
        await updateProductionOrder(trx, id, { produced_quantity: request.assembled, status: 'volume_production' });
        await auditOrder(
          trx,
          request.orderId,
          'production.progress',
          { step: request.step, quantityDone: request.quantityDone },
          request.actor,
        );
      });
    },
  };
}
