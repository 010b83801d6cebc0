/**
 * Cancellation with compensation (issue 6: "Sales manager can cancel at any step, with compensation (materials
 * released, invoice voided, tasks closed)"). Compensations are registered only after their forward step
 * succeeded and run in reverse order (saga).
 */
import type { OrderStage } from './contract';

/** Forward steps that leave something behind to undo. */
export type ForwardStep =
  'deposit_invoiced' | 'materials_reserved' | 'line_slot_booked' | 'balance_invoiced' | 'statement_entry_made';

/** What undoes each forward step. */
export type Compensation =
  'void_deposit_invoice' | 'release_materials' | 'release_line_slot' | 'void_balance_invoice' | 'void_statement_entry';

/** The compensation of a forward step. */
export const COMPENSATION_OF: Record<ForwardStep, Compensation> = {
  deposit_invoiced: 'void_deposit_invoice',
  materials_reserved: 'release_materials',
  line_slot_booked: 'release_line_slot',
  balance_invoiced: 'void_balance_invoice',
  statement_entry_made: 'void_statement_entry',
};

/** Stages at which the goods have left (or are leaving) the factory: too late to cancel. */
export const NON_CANCELLABLE_STAGES: readonly OrderStage[] = ['shipment', 'delivered', 'cancelled'];

/** Whether the sales manager may cancel at `stage`. */
export function canCancel(stage: OrderStage): { ok: true } | { ok: false; reason: string } {
  if (stage === 'cancelled') return { ok: false, reason: 'the order is already cancelled' };
  if (NON_CANCELLABLE_STAGES.includes(stage))
    return { ok: false, reason: `the order is at ${stage}; goods released to the carrier cannot be cancelled` };
  return { ok: true };
}

/** The undo plan once cancelled. */
export interface CompensationPlan {
  /** In the order they run: the reverse of the forward steps. */
  compensations: Compensation[];
  /** Money received that finance must refund (voiding does not return it). */
  refundFen: number;
  /** Always: close the order's open tasks and tell the customer. */
  closeTasks: true;
  notifyCustomer: true;
}

/** Plans the compensation of the forward steps done so far (in the order they were done). */
export function planCompensation(doneSteps: readonly ForwardStep[], receivedFen: number): CompensationPlan {
  const seen = new Set<ForwardStep>();
  const compensations: Compensation[] = [];
  for (const step of [...doneSteps].reverse()) {
    if (seen.has(step)) continue;
    seen.add(step);
    compensations.push(COMPENSATION_OF[step]);
  }
  return { compensations, refundFen: Math.max(0, receivedFen), closeTasks: true, notifyCustomer: true };
}
