/**
 * Refunds (issue 13: "Refunds never exceed what was paid"; "cancellation with money paid: a finance refund task
 * (amount after the charges the contract allows, e.g. parts already bought)").
 */

/** What the customer may be charged on cancellation (the contract's terms; seed-silent, see the README). */
export interface CancellationCharges {
  /** Components already bought for the order that cannot be returned (turnkey purchases). */
  materialsPurchasedMinor: number;
  /** Work already done that is specific to the board (stencil cut, programming). */
  toolingMinor: number;
}

/** The refund owed when an order is cancelled: what was paid less the allowed charges, never below 0. */
export function refundOnCancellation(
  paidMinor: number,
  charges: CancellationCharges,
): { refundMinor: number; retainedMinor: number } {
  const chargeable = Math.max(0, charges.materialsPurchasedMinor) + Math.max(0, charges.toolingMinor);
  const retainedMinor = Math.min(Math.max(0, paidMinor), chargeable);
  return { refundMinor: Math.max(0, paidMinor) - retainedMinor, retainedMinor };
}

/** Checks a refund about to be paid: whole minor units above 0, and with earlier refunds never more than was paid. */
export function checkRefund(input: {
  paidMinor: number;
  refundedMinor: number;
  amountMinor: number;
}): { ok: true; remainingMinor: number } | { ok: false; field: 'amountMinor'; reason: string } {
  const { paidMinor, refundedMinor, amountMinor } = input;
  if (!Number.isInteger(amountMinor) || amountMinor <= 0)
    return { ok: false, field: 'amountMinor', reason: 'a refund must be whole minor units above 0' };
  const refundable = Math.max(0, paidMinor - refundedMinor);
  if (amountMinor > refundable) {
    return {
      ok: false,
      field: 'amountMinor',
      reason: `the refund ${amountMinor} exceeds what can still be refunded (${refundable}: paid ${paidMinor}, refunded ${refundedMinor})`,
    };
  }
  return { ok: true, remainingMinor: refundable - amountMinor };
}
