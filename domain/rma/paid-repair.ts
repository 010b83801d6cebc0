/**
 * Paid repairs (seed 002, 客户返修品处理流程).
 *
 * - 3.1 "保修期外及人为原因故障我司收费维修" — out of warranty or user-caused: the repair is charged.
 * - 5.3.1 "超过保修期产品按照维修标准拟定收费清单后反馈业务助理,待业务助理确认维修后进入返修流程" — a charge list goes to
 *   the customer through the sales assistant; repair starts only once they confirm.
 * - 4.5 "收费维修产品收费确认" — the sales assistant confirms the charge is collected; like an order (seed 001 §6,
 *   domain/order/payment.ts) the repaired units ship back once paid, or on a statement entry for a customer on
 *   approved monthly settlement with credit left.
 * The seed gives no time for the customer's answer: {@link QUOTE_DECISION_WORKING_DAYS} is ours (README).
 */
import { releaseRoute, type CreditPosition, type PayFirstCode, type ReleaseRoute } from '../order/payment';
import type { RepairCharge } from './responsibility';

/** Working days the customer has to accept or decline a repair quote (reminded halfway, sales told at the end). */
export const QUOTE_DECISION_WORKING_DAYS = 5;
/** Working days after the decision deadline before the case stops waiting and the units go back unrepaired. */
export const QUOTE_GIVE_UP_WORKING_DAYS = 10;

/** Why a repair quote cannot be sent (undefined: it can). */
export function repairQuoteProblem(
  charge: RepairCharge,
  amountFen: number,
): { field: 'amountFen'; message: string } | undefined {
  if (!Number.isInteger(amountFen) || amountFen < 0) return { field: 'amountFen', message: 'must be whole fen ≥ 0' };
  if (charge === 'paid' && amountFen === 0)
    return { field: 'amountFen', message: 'a paid repair needs a price above 0 (only a free repair costs nothing)' };
  if (charge === 'free' && amountFen > 0)
    return { field: 'amountFen', message: 'this repair is free (in warranty, our fault): it cannot be charged' };
  return undefined;
}

/** How the repaired units of a paid repair may leave. */
export type ShipBackRelease =
  | { release: true; by: 'free' | 'paid' | 'statement_entry' }
  | { release: false; outstandingFen: number; code: PayFirstCode | 'no_repair_invoice'; reason: string };

/** Ship-back is released for a free repair, a paid-up invoice, or a statement entry on approved monthly credit. */
export function shipBackRelease(input: {
  charge: RepairCharge;
  invoicedFen: number;
  paidFen: number;
  credit?: CreditPosition;
}): ShipBackRelease {
  if (input.charge === 'free') return { release: true, by: 'free' };
  const outstanding = Math.max(0, input.invoicedFen - input.paidFen);
  if (outstanding === 0) return { release: true, by: 'paid' };
  const route: ReleaseRoute = input.credit
    ? releaseRoute(input.credit, outstanding)
    : { route: 'pay_first', code: 'no_payment_terms', reason: 'no payment terms on file' };
  if (route.route === 'statement_entry') return { release: true, by: 'statement_entry' };
  return { release: false, outstandingFen: outstanding, code: route.code, reason: route.reason };
}
