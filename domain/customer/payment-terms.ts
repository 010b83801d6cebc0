/**
 * Payment terms (seed 001 §6: "ask the customer to settle the balance before all shipments are made ... if the
 * customer is a regular customer or loyal customer, you can also settle accounts with them every month. Of
 * course, approval is also possible"; DESIGN.md: "prepay, or monthly settlement, which needs manager approval").
 */
import type { Role } from '../tasks/roles';
import { checkSecondApprover } from '../tasks/four-eyes';

/** How a customer pays: before shipment, or on a monthly statement within a credit limit. */
export type PaymentTermsKind = 'prepay' | 'monthly';

/** A customer's terms as they apply. */
export interface PaymentTerms {
  kind: PaymentTermsKind;
  /** Minor units; 0 for prepay. */
  creditLimitMinor: number;
  /** Who approved monthly settlement (user id); null for prepay. */
  approvedBy: string | null;
}

/** Every new customer prepays until a manager approves monthly settlement. */
export const DEFAULT_PAYMENT_TERMS: PaymentTerms = { kind: 'prepay', creditLimitMinor: 0, approvedBy: null };

/** Roles whose approval makes monthly settlement apply. */
export const PAYMENT_TERMS_APPROVER_ROLES: readonly Role[] = ['manager'];

/**
 * The largest credit line the system grants (minor units; 1,000,000 CNY). A factory does not extend more to one
 * customer without the board's decision outside this system; a larger figure is a typing error or abuse.
 */
export const MAX_CREDIT_LIMIT_MINOR = 100_000_000;

/** A change of terms as requested (by finance or sales). */
export interface PaymentTermsRequest {
  kind: PaymentTermsKind;
  creditLimitMinor?: number;
}

/** What a request needs before it applies. */
export type PaymentTermsPlan =
  | { ok: true; needsApproval: false; terms: PaymentTerms }
  | { ok: true; needsApproval: true; creditLimitMinor: number }
  | { ok: false; field: string; reason: string };

/** Checks a request: prepay applies at once; monthly needs a positive credit limit and a manager's approval. */
export function planPaymentTerms(
  request: PaymentTermsRequest,
  maxCreditLimitMinor = MAX_CREDIT_LIMIT_MINOR,
): PaymentTermsPlan {
  if (request.kind === 'prepay') {
    if (request.creditLimitMinor)
      return { ok: false, field: 'creditLimitMinor', reason: 'prepay customers have no credit limit' };
    return { ok: true, needsApproval: false, terms: DEFAULT_PAYMENT_TERMS };
  }
  const limit = request.creditLimitMinor;
  if (limit === undefined || !Number.isInteger(limit) || limit <= 0) {
    return {
      ok: false,
      field: 'creditLimitMinor',
      reason: 'monthly settlement needs a credit limit above zero (minor units)',
    };
  }
  if (limit > maxCreditLimitMinor) {
    return {
      ok: false,
      field: 'creditLimitMinor',
      reason: `the credit limit may be at most ${maxCreditLimitMinor} minor units`,
    };
  }
  return { ok: true, needsApproval: true, creditLimitMinor: limit };
}

/**
 * The terms after a manager's decision on a monthly-settlement request; a refusal, a non-manager or the requester
 * themselves (four eyes) keeps prepay.
 */
export function decideMonthlyTerms(
  creditLimitMinor: number,
  decision: { approved: boolean; byUserId: string; byRole: Role; requestedBy: string },
): PaymentTerms {
  if (!decision.approved) return DEFAULT_PAYMENT_TERMS;
  const approver = checkSecondApprover(
    { requestedBy: decision.requestedBy, approvingRoles: PAYMENT_TERMS_APPROVER_ROLES, what: 'monthly settlement' },
    { userId: decision.byUserId, role: decision.byRole },
  );
  if (!approver.ok) return DEFAULT_PAYMENT_TERMS;
  return { kind: 'monthly', creditLimitMinor, approvedBy: decision.byUserId };
}
