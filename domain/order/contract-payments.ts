/**
 * Contract and deposit rules (DESIGN.md processes table, contract: "commission agreement signed by customer,
 * approved by sales manager; deposit if the terms require one"; seed 001 §6: "ask the customer to settle the
 * balance before all shipments are made ... regular customer or loyal customer, you can also settle accounts
 * with them every month").
 */
import type { PaymentTermsKind } from '../customer/payment-terms';

/** How much of the order value prepay customers pay before production starts; configurable per deployment. */
export interface DepositPolicy {
  /** Percent of the order total, 0–100; 0 means no deposit. */
  prepayDepositPercent: number;
}

/** 30 % down is the usual prepay arrangement for contract assembly. */
export const DEFAULT_DEPOSIT_POLICY: DepositPolicy = { prepayDepositPercent: 30 };

/** What the order's payments will be. */
export interface ContractPaymentPlan {
  depositFen: number;
  /** Invoiced once the lots pass QC, before shipment. */
  balanceFen: number;
  depositRequired: boolean;
  /** Monthly-settlement customers may ship on a statement entry within their credit limit. */
  mayShipOnCredit: boolean;
}

/** Splits the order total into deposit and balance according to the customer's payment terms. */
export function planContractPayments(
  terms: PaymentTermsKind,
  totalFen: number,
  policy: DepositPolicy = DEFAULT_DEPOSIT_POLICY,
): ContractPaymentPlan {
  if (!Number.isInteger(totalFen) || totalFen < 0)
    throw new RangeError(`order total must be whole fen ≥ 0, got ${totalFen}`);
  if (policy.prepayDepositPercent < 0 || policy.prepayDepositPercent > 100) {
    throw new RangeError(`deposit percent must be within 0–100, got ${policy.prepayDepositPercent}`);
  }
  if (terms === 'monthly')
    return { depositFen: 0, balanceFen: totalFen, depositRequired: false, mayShipOnCredit: true };
  // Round the deposit down so the customer is never asked for more than the stated percentage.
  const depositFen = Math.floor((totalFen * policy.prepayDepositPercent) / 100);
  return {
    depositFen,
    balanceFen: totalFen - depositFen,
    depositRequired: depositFen > 0,
    mayShipOnCredit: false,
  };
}

/** Steps of the contract; each is a task for a person. */
export type ContractStatus = 'issued' | 'signed' | 'approved' | 'declined' | 'rejected';

/** Something a person decides on the contract. */
export type ContractEvent =
  | { type: 'customer_signed' }
  | { type: 'customer_declined' }
  | { type: 'manager_approved' }
  | { type: 'manager_rejected' };

/** The contract after `event`, or why the event does not fit (never silently dropped). */
export function nextContractStatus(
  status: ContractStatus,
  event: ContractEvent,
): { ok: true; status: ContractStatus } | { ok: false; reason: string } {
  switch (event.type) {
    case 'customer_signed':
      return status === 'issued'
        ? { ok: true, status: 'signed' }
        : { ok: false, reason: `the contract is ${status}, not awaiting the customer's signature` };
    case 'customer_declined':
      return status === 'issued'
        ? { ok: true, status: 'declined' }
        : { ok: false, reason: `the contract is ${status}, not awaiting the customer's signature` };
    case 'manager_approved':
      return status === 'signed'
        ? { ok: true, status: 'approved' }
        : { ok: false, reason: `the contract is ${status}; the sales manager approves only a signed contract` };
    case 'manager_rejected':
      return status === 'signed'
        ? { ok: true, status: 'rejected' }
        : { ok: false, reason: `the contract is ${status}; the sales manager rejects only a signed contract` };
  }
}
