/**
 * What a customer may see of an order: an explicit view built field by field (issue 13 item 6) — no staff emails or
 * ids, no internal comments, no kitting internals, no internal deadlines, reminders or escalations, no staff task
 * roles, no compensation plan. Staff read the full record; `GET /api/orders/:id` answers a customer with this.
 */
import type { OrderView } from '../../domain/order/contract';
import type { AuditRow } from '../../infra/db/schema';
import { customerDecision } from '../quote/customer-view';

/** Timeline entries a customer reads (the rest — kit reservations, task closing, decisions — is the factory's own work). */
const CUSTOMER_TIMELINE_ACTIONS =
  /^(order\.(created|stage|cancelled|refund_approved|refund_paid)|contract\.|invoice\.|payment\.recorded|production\.started|qc\.lot_passed|shipment\.)/;

/** The order workflow's state as the customer sees it. */
export function customerOrderWorkflow(state: OrderView | null) {
  if (!state) return null;
  return {
    orderId: state.orderId,
    quoteId: state.quoteId,
    stage: state.stage,
    openTasks: state.openTasks
      .filter((t) => t.role === 'customer')
      .map((t) => ({ step: t.step, kind: t.kind, role: 'customer' as const, taskId: t.taskId, dueAt: t.dueAt })),
    decisions: state.decisions.map(customerDecision),
    progress: state.progress,
    lots: state.lots.map((l) => ({
      lotIndex: l.lotIndex,
      lotNumber: l.lotNumber,
      quantity: l.quantity,
      status: l.status,
      passedUnits: l.passedUnits,
    })),
    payment: state.payment,
    shipment: state.shipment,
    cancelled: state.cancelled && { reason: state.cancelled.reason, at: state.cancelled.at },
    // Amounts, where it stands and the day it was paid out: who prepared, approved or paid it stays internal.
    refund: state.refund
      ? {
          status: state.refund.status,
          paidFen: state.refund.paidFen,
          refundFen: state.refund.refundFen,
          retainedFen: state.refund.retainedFen,
          currency: state.refund.currency,
          paidOutOn: state.refund.paidOutOn ?? null,
        }
      : null,
  };
}

/** The order's timeline for the customer: milestones only, with when and whether it was them, never details. */
export function customerTimeline(entries: readonly AuditRow[]) {
  return entries
    .filter((e) => CUSTOMER_TIMELINE_ACTIONS.test(e.action))
    .map((e) => ({
      at: e.at.toISOString(),
      action: e.action,
      actorRole: e.actor_role === 'customer' ? 'customer' : null,
      details: null,
    }));
}

/** The production order as the customer sees it: how far it is, not which line or slot. */
export function customerProduction(
  production: { status: string; quantity: number; produced_quantity: number | string } | undefined | null,
) {
  return production
    ? {
        status: production.status,
        quantity: production.quantity,
        producedQuantity: Number(production.produced_quantity),
      }
    : null;
}
