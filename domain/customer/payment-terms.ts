/**
 * Payment terms (seed 001 §6: "ask the customer to settle the balance before all shipments are made ... if the
 * customer is a regular customer or loyal customer, you can also settle accounts with them every month. Of
 * course, approval is also possible"; DESIGN.md: "prepay, or monthly settlement, which needs manager approval").
 */
import type { Role } from '../tasks/roles';
import { checkSecondApprover } from '../tasks/four-eyes';
import { formatFen } from '../shared/money';

/** How a customer pays: before shipment, or on a monthly statement within a credit limit. */
export type PaymentTermsKind = 'prepay' | 'monthly';

/** A customer's terms as they apply. */
export interface PaymentTerms {
  kind: PaymentTermsKind;
  /** Minor units; 0 for prepay. */
  creditLimitFen: number;
  /** Who approved monthly settlement (user id); null for prepay. */
  approvedBy: string | null;
}

/** Every new customer prepays until a manager approves monthly settlement. */
export const DEFAULT_PAYMENT_TERMS: PaymentTerms = { kind: 'prepay', creditLimitFen: 0, approvedBy: null };

/** Roles whose approval makes monthly settlement apply. */
export const PAYMENT_TERMS_APPROVER_ROLES: readonly Role[] = ['manager'];

/**
 * The largest credit line the system grants (fen; 1,000,000 CNY). A factory does not extend more to one
 * customer without the board's decision outside this system; a larger figure is a typing error or abuse.
 */
export const MAX_CREDIT_LIMIT_FEN = 100_000_000;

/** A change of terms as requested (by finance or sales). */
export interface PaymentTermsRequest {
  kind: PaymentTermsKind;
  creditLimitFen?: number;
}

/** What a request needs before it applies. */
export type PaymentTermsPlan =
  | { ok: true; needsApproval: false; terms: PaymentTerms }
  | { ok: true; needsApproval: true; creditLimitFen: number }
  | { ok: false; field: string; reason: string };

/** Checks a request: prepay applies at once; monthly needs a positive credit limit and a manager's approval. */
export function planPaymentTerms(
  request: PaymentTermsRequest,
  maxCreditLimitFen = MAX_CREDIT_LIMIT_FEN,
): PaymentTermsPlan {
  if (request.kind === 'prepay') {
    if (request.creditLimitFen)
      return { ok: false, field: 'creditLimitFen', reason: 'prepay customers have no credit limit' };
    return { ok: true, needsApproval: false, terms: DEFAULT_PAYMENT_TERMS };
  }
  const limit = request.creditLimitFen;
  if (limit === undefined || !Number.isInteger(limit) || limit <= 0) {
    return {
      ok: false,
      field: 'creditLimitFen',
      reason: 'monthly settlement needs a credit limit above zero',
    };
  }
  if (limit > maxCreditLimitFen) {
    return {
      ok: false,
      field: 'creditLimitFen',
      reason: `the credit limit may be at most ${formatFen(maxCreditLimitFen)} in the customer's currency`,
    };
  }
  return { ok: true, needsApproval: true, creditLimitFen: limit };
}

/**
 * The terms after a manager's decision on a monthly-settlement request; a refusal, a non-manager or the requester
 * themselves (four eyes) keeps prepay.
 */
export function decideMonthlyTerms(
  creditLimitFen: number,
  decision: { approved: boolean; byUserId: string; byRole: Role; requestedBy: string },
): PaymentTerms {
  if (!decision.approved) return DEFAULT_PAYMENT_TERMS;
  const approver = checkSecondApprover(
    { requestedBy: decision.requestedBy, approvingRoles: PAYMENT_TERMS_APPROVER_ROLES, what: 'monthly settlement' },
    { userId: decision.byUserId, role: decision.byRole },
  );
  if (!approver.ok) return DEFAULT_PAYMENT_TERMS;
  return { kind: 'monthly', creditLimitFen, approvedBy: decision.byUserId };
}
