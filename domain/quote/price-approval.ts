/**
 * When an engineer's price change needs a second person (issue 13 item 3: "a price change by engineering that
 * lowers the total by more than a configured share (default 10 %) or below the rule set's floor, any zero line …
 * need approval by a different person with the approving role").
 */
import type { Role } from '../tasks/roles';
import type { LineItem } from './pricing';
import type { PricingRules } from './pricing-rules';

/** Who approves an engineering price change that needs it: the sales manager (a manager or admin may too). */
export const PRICE_CHANGE_APPROVER_ROLES: readonly Role[] = ['sales_manager', 'manager', 'admin'];

/** Why a price change needs a second approver; empty when the engineer's change stands alone. */
export function priceChangeApprovalReasons(input: {
  engineLines: readonly LineItem[];
  adjustedLines: readonly LineItem[];
  approvals: PricingRules['approvals'];
}): string[] {
  const { engineLines, adjustedLines, approvals } = input;
  const engineTotal = engineLines.reduce((n, l) => n + l.totalFen, 0);
  const adjustedTotal = adjustedLines.reduce((n, l) => n + l.totalFen, 0);
  const reasons: string[] = [];
  const cut = engineTotal - adjustedTotal;
  if (cut > 0 && cut * 100 > engineTotal * approvals.priceCutPercent) {
    reasons.push(
      `the total is lowered by ${((cut * 100) / engineTotal).toFixed(1)} %, more than the ${approvals.priceCutPercent} % an engineer may give alone`,
    );
  }
  if (adjustedTotal < approvals.floorFen && adjustedTotal < engineTotal) {
    reasons.push(
      `the total ${(adjustedTotal / 100).toFixed(2)} CNY is below the floor of ${(approvals.floorFen / 100).toFixed(2)} CNY`,
    );
  }
  for (const line of adjustedLines) {
    const before = engineLines.find((l) => l.code === line.code);
    if (line.totalFen === 0 && before && before.totalFen > 0) reasons.push(`line "${line.code}" is set to zero`);
  }
  return reasons;
}
