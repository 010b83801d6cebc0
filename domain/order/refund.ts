/**
 * Refunds (issue 13: "Refunds never exceed what was paid"; "cancellation with money paid: a finance refund task
 * (amount after the charges the contract allows, e.g. parts already bought)").
 */
import { formatMoney } from '../shared/money';

/** What the customer may be charged on cancellation (the contract's terms; seed-silent, see the README). */
export interface CancellationCharges {
  /** Components already bought for the order that cannot be returned (turnkey purchases). */
  materialsPurchasedFen: number;
  /** Work already done that is specific to the board (stencil cut, programming). */
  toolingFen: number;
}

/** The refund owed when an order is cancelled: what was paid less the allowed charges, never below 0. */
export function refundOnCancellation(
  paidFen: number,
  charges: CancellationCharges,
): { refundFen: number; retainedFen: number } {
  const chargeable = Math.max(0, charges.materialsPurchasedFen) + Math.max(0, charges.toolingFen);
  const retainedFen = Math.min(Math.max(0, paidFen), chargeable);
  return { refundFen: Math.max(0, paidFen) - retainedFen, retainedFen };
}

/** Checks a refund about to be paid: whole fen above 0, and with earlier refunds never more than was paid. */
export function checkRefund(input: {
  paidFen: number;
  refundedFen: number;
  amountFen: number;
  /** The order's currency, for the refusal's amounts (default yuan). */
  currency?: string;
}): { ok: true; remainingFen: number } | { ok: false; field: 'amountFen'; reason: string } {
  const { paidFen, refundedFen, amountFen } = input;
  const money = (fen: number) => formatMoney(fen, input.currency);
  if (!Number.isInteger(amountFen) || amountFen <= 0)
    return { ok: false, field: 'amountFen', reason: 'a refund must be whole fen above 0' };
  const refundable = Math.max(0, paidFen - refundedFen);
  if (amountFen > refundable) {
    return {
      ok: false,
      field: 'amountFen',
      reason: `the refund ${money(amountFen)} exceeds the ${money(refundable)} that can still be refunded (paid ${money(paidFen)}, refunded ${money(refundedFen)})`,
    };
  }
  return { ok: true, remainingFen: refundable - amountFen };
}
