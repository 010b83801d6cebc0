/**
 * What a customer may see of a quote: an explicit view built field by field (issue 13 item 6) — no staff emails or
 * ids, no engineers' comments, no review reasons or approval notes, no SLA deadlines, reminders or escalations, no
 * staff task roles. Staff read the full record; every quote response a customer can receive goes through here.
 */
import type { QuoteDecision, QuoteState } from '../../domain/quote/contract';
import type { PricedQuote } from '../../domain/quote/pricing';

/** Who decided, as a customer reads it: themselves (their own colleague's email), or the factory as a whole. */
export type CustomerFacingActor = { role: 'customer'; email: string } | { role: 'factory' };

/** A decision on the customer's case: their own with their comment; the factory's without who or why. */
export function customerDecision<
  T extends {
    step: string;
    decision: string;
    at: string;
    by: { role: string; email: string } | null;
    comment?: string;
  },
>(d: T) {
  const base = { step: d.step, decision: d.decision, at: d.at };
  if (d.by?.role === 'customer')
    return {
      ...base,
      by: { role: 'customer', email: d.by.email } as CustomerFacingActor,
      ...(d.comment ? { comment: d.comment } : {}),
    };
  return { ...base, by: { role: 'factory' } as CustomerFacingActor };
}

/** The quote workflow's state as the customer sees it. */
export function customerQuoteWorkflow(state: QuoteState | null) {
  if (!state) return null;
  return {
    quoteId: state.quoteId,
    reference: state.reference,
    stage: state.stage,
    revision: state.revision,
    quantity: state.quantity,
    // Only what waits on the customer; the factory's own steps are shown as the stage.
    openTasks: state.openTasks
      .filter((t) => t.role === 'customer')
      .map((t) => ({ step: t.step, kind: t.kind, role: 'customer' as const, taskId: t.taskId, dueAt: t.dueAt })),
    deadlines: { expiresAt: state.deadlines.expiresAt },
    decisions: state.decisions.map((d: QuoteDecision) => ({ ...customerDecision(d), revision: d.revision })),
    totalFen: state.totalFen,
    currency: state.currency,
    orderId: state.orderWorkflowId ? state.quoteId : null,
  };
}

/** A revision's price as the customer sees it: the lines and totals, not why it was reviewed or who approved it. */
export function customerPrice(priced: PricedQuote | null) {
  if (!priced) return null;
  return {
    currency: priced.currency,
    lineItems: priced.lineItems.map((l) => ({
      category: l.category,
      code: l.code,
      description: l.description,
      quantity: l.quantity,
      unit: l.unit,
      unitPriceFen: l.unitPriceFen,
      totalFen: l.totalFen,
    })),
    subtotals: priced.subtotals,
    totalFen: priced.totalFen,
    perBoardFen: priced.perBoardFen,
    quantityBreaks: priced.quantityBreaks,
    validUntil: priced.validUntil,
  };
}
