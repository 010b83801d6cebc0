/**
 * Volume production progress (DESIGN.md processes table, production: "production progress reported by the
 * floor"; issue 6: "volume production with progress reported by the floor (quantity done per step), visible to the
 * customer").
 */

/** The floor's steps in the order a board goes through them; the last one completes the build. */
export const PRODUCTION_STEPS = ['smt_top', 'smt_bottom', 'reflow', 'dip', 'assembly'] as const;

/** One of {@link PRODUCTION_STEPS}. */
export type ProductionStep = (typeof PRODUCTION_STEPS)[number];

/** Quantity done so far per step. */
export type ProgressTally = Partial<Record<ProductionStep, number>>;

/** True when `value` names a production step. */
export function isProductionStep(value: string): value is ProductionStep {
  return (PRODUCTION_STEPS as readonly string[]).includes(value);
}

/**
 * Applies a report of the quantity done so far at a step. Counts are cumulative: they never go down, never exceed
 * the order quantity, and a step never gets ahead of the step before it.
 */
export function applyProgress(
  tally: ProgressTally,
  report: { step: string; quantityDone: number },
  orderQuantity: number,
):
  | { ok: true; tally: ProgressTally; complete: boolean }
  | { ok: false; field: 'step' | 'quantityDone'; reason: string } {
  if (!isProductionStep(report.step))
    return { ok: false, field: 'step', reason: `unknown step ${report.step}; one of ${PRODUCTION_STEPS.join(', ')}` };
  const q = report.quantityDone;
  if (!Number.isInteger(q) || q < 0)
    return { ok: false, field: 'quantityDone', reason: 'quantityDone must be a whole number ≥ 0' };
  if (q > orderQuantity)
    return {
      ok: false,
      field: 'quantityDone',
      reason: `quantityDone ${q} exceeds the order quantity ${orderQuantity}`,
    };
  const before = tally[report.step] ?? 0;
  if (q < before)
    return {
      ok: false,
      field: 'quantityDone',
      reason: `quantityDone is cumulative: ${report.step} already reported ${before}`,
    };
  const index = PRODUCTION_STEPS.indexOf(report.step);
  if (index > 0) {
    // Steps a board does not need (no bottom side, no DIP parts) are never reported; compare with the nearest reported one.
    const upstream = PRODUCTION_STEPS.slice(0, index)
      .reverse()
      .find((s) => tally[s] !== undefined);
    if (upstream !== undefined && q > (tally[upstream] ?? 0)) {
      return {
        ok: false,
        field: 'quantityDone',
        reason: `${report.step} cannot be ahead of ${upstream} (${tally[upstream]} done)`,
      };
    }
  }
  const next = { ...tally, [report.step]: q };
  return { ok: true, tally: next, complete: (next.assembly ?? 0) >= orderQuantity };
}
