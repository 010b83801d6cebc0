/**
 * Payment before shipment (seed 001 §6: "ask the customer to settle the balance before all shipments are made.
 * This is the basic rule of the industry. Of course, if the customer is a regular customer or loyal customer, you
 * can also settle accounts with them every month"; DESIGN.md: "finance confirms the balance is paid
 * (monthly-settlement customers may ship on approved credit)"; issue 6: "partial payments accumulate").
 */
import { formatMoney } from '../shared/money';

/** One payment as recorded against an invoice. */
export interface LedgerPayment {
  reference: string;
  amountFen: number;
}

/** What is owed on one invoice and what came in. */
export interface PaymentLedger {
  invoicedFen: number;
  currency: string;
  payments: LedgerPayment[];
}

/** Result of applying a payment. */
export type ApplyPaymentResult =
  | { ok: true; ledger: PaymentLedger; duplicate: boolean; outstandingFen: number; settled: boolean }
  | { ok: false; field: 'amountFen' | 'currency' | 'reference'; reason: string };

/** Sum of payments received. */
export function paidFen(ledger: PaymentLedger): number {
  return ledger.payments.reduce((sum, p) => sum + p.amountFen, 0);
}

/** What is still owed (never below 0). */
export function outstandingFen(ledger: PaymentLedger): number {
  return Math.max(0, ledger.invoicedFen - paidFen(ledger));
}

/**
 * Adds a payment; partial payments accumulate. The same reference twice is the same payment (a retried request),
 * so it is accepted once; a payment above what is owed is refused so finance books the excess elsewhere.
 */
export function applyPayment(ledger: PaymentLedger, payment: LedgerPayment & { currency: string }): ApplyPaymentResult {
  const reference = payment.reference.trim();
  if (!reference) return { ok: false, field: 'reference', reason: 'a payment needs a reference (bank transfer id)' };
  const existing = ledger.payments.find((p) => p.reference === reference);
  if (existing) {
    if (existing.amountFen !== payment.amountFen) {
      return {
        ok: false,
        field: 'reference',
        reason: `reference ${reference} was already recorded with a different amount`,
      };
    }
    const out = outstandingFen(ledger);
    return { ok: true, ledger, duplicate: true, outstandingFen: out, settled: out === 0 };
  }
  if (!Number.isInteger(payment.amountFen) || payment.amountFen <= 0) {
    return { ok: false, field: 'amountFen', reason: 'the amount must be whole fen above 0' };
  }
  if (payment.currency !== ledger.currency) {
    return {
      ok: false,
      field: 'currency',
      reason: `the invoice is in ${ledger.currency}, the payment in ${payment.currency}`,
    };
  }
  const owed = outstandingFen(ledger);
  if (payment.amountFen > owed) {
    return {
      ok: false,
      field: 'amountFen',
      reason: `the amount ${formatMoney(payment.amountFen, ledger.currency)} exceeds the ${formatMoney(owed, ledger.currency)} outstanding`,
    };
  }
  const next: PaymentLedger = {
    ...ledger,
    payments: [...ledger.payments, { reference, amountFen: payment.amountFen }],
  };
  const out = outstandingFen(next);
  return { ok: true, ledger: next, duplicate: false, outstandingFen: out, settled: out === 0 };
}

/** A monthly-settlement customer's credit position. */
export interface CreditPosition {
  terms: 'prepay' | 'monthly';
  /** Set once a manager approved monthly settlement; unapproved monthly terms act as prepay. */
  approved: boolean;
  creditLimitFen: number;
  /** Unpaid statement entries and invoices of the customer's other orders. */
  openExposureFen: number;
}

/**
 * Why a balance is paid before shipment, as a code people read in their language (the task page's value words):
 * prepay terms, monthly settlement not yet approved, the balance above the remaining credit, or no terms on file.
 */
export type PayFirstCode = 'prepay_terms' | 'settlement_not_approved' | 'over_credit' | 'no_payment_terms';

/** How the balance of this order gets released for shipment; `reason` says it in English for logs and tests. */
export type ReleaseRoute =
  { route: 'pay_first'; code: PayFirstCode; reason: string } | { route: 'statement_entry'; headroomAfterFen: number };

/** Monthly-settlement customers ship on a statement entry when the balance fits their remaining credit. */
export function releaseRoute(position: CreditPosition, balanceFen: number, currency = 'CNY'): ReleaseRoute {
  if (position.terms !== 'monthly')
    return { route: 'pay_first', code: 'prepay_terms', reason: 'prepay terms: the balance is paid before shipment' };
  if (!position.approved)
    return {
      route: 'pay_first',
      code: 'settlement_not_approved',
      reason: 'monthly settlement is not approved by a manager',
    };
  const headroom = position.creditLimitFen - position.openExposureFen;
  if (balanceFen > headroom) {
    return {
      route: 'pay_first',
      code: 'over_credit',
      reason: `the balance ${formatMoney(balanceFen, currency)} exceeds the remaining credit ${formatMoney(Math.max(0, headroom), currency)}`,
    };
  }
  return { route: 'statement_entry', headroomAfterFen: headroom - balanceFen };
}
