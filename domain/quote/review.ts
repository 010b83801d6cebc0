/**
 * The engineering review's price changes (issue 6: "engineer adjusts line items, approves or asks the customer
 * for corrected files"). Pure: applied by an activity to the priced revision in the database.
 */
import type { LineItem } from './pricing';
import type { LineItemAdjustment } from './contract';

/** A person as an issued document names them (name and role; no email or id, which stay internal). */
export interface SignatoryName {
  name: string;
  role: string;
}

/** What the issued quote states about its engineering review. */
export interface QuoteApproval {
  reviewedBy: SignatoryName;
  /** YYYY-MM-DD in the factory's time zone. */
  reviewedOn: string;
  /** Why the quote was not automatic. */
  reasons: string[];
  /** Lines whose price the engineer changed. */
  changes: Array<{ code: string; description: string; fromFen: number; toFen: number }>;
  /** The second person who approved a price change that needed it (four eyes). */
  secondApproval?: SignatoryName & { on: string };
}

/** The changed lines between the engine's price and the adjusted one, for the approval statement. */
export function priceChanges(before: readonly LineItem[], after: readonly LineItem[]): QuoteApproval['changes'] {
  return after.flatMap((line) => {
    const original = before.find((b) => b.code === line.code);
    return original && original.totalFen !== line.totalFen
      ? [{ code: line.code, description: line.description, fromFen: original.totalFen, toFen: line.totalFen }]
      : [];
  });
}

/** Line items after the engineer's adjustments, or the code that does not exist. */
export type AdjustmentResult = { ok: true; lineItems: LineItem[]; totalFen: number } | { ok: false; reason: string };

/** Applies adjustments by line code; every adjusted line's total is recomputed, the others are kept as priced. */
export function applyLineItemAdjustments(
  lineItems: readonly LineItem[],
  adjustments: readonly LineItemAdjustment[],
): AdjustmentResult {
  const byCode = new Map(adjustments.map((a) => [a.code, a]));
  for (const code of byCode.keys()) {
    if (!lineItems.some((i) => i.code === code)) return { ok: false, reason: `no line item with code "${code}"` };
  }
  for (const a of adjustments) {
    if (!Number.isInteger(a.unitPriceFen) || a.unitPriceFen < 0)
      return { ok: false, reason: `${a.code}: unit price must be a whole number ≥ 0` };
    if (a.quantity !== undefined && (!Number.isInteger(a.quantity) || a.quantity < 0))
      return { ok: false, reason: `${a.code}: quantity must be a whole number ≥ 0` };
  }
  const adjusted = lineItems.map((item) => {
    const a = byCode.get(item.code);
    if (!a) return item;
    const quantity = a.quantity ?? item.quantity;
    return { ...item, quantity, unitPriceFen: a.unitPriceFen, totalFen: quantity * a.unitPriceFen };
  });
  return { ok: true, lineItems: adjusted, totalFen: adjusted.reduce((sum, i) => sum + i.totalFen, 0) };
}
