/**
 * Task kind names: `<process>.<step-in-kebab-case>` (README "Naming"). Pure, so workflows may import it. The
 * names each process declares are typed unions, so a misspelt kind in a workflow, a UI form or a test fails typecheck.
 */
import type { CustomerTaskKindName } from '../customer/contract';
import type { OrderTaskKindName } from '../order/task-kind-names';
import type { QuoteTaskKindName } from '../quote/contract';
import type { RmaTaskKindName } from '../rma/task-kinds';

/** The shape every kind name has; the platform's generic `approval` is the one name without a process. */
export type TaskKindPattern = `${'customer' | 'quote' | 'order' | 'rma'}.${string}` | 'approval';

/** Every task kind a process declares. */
export type TaskKindName = 'approval' | CustomerTaskKindName | QuoteTaskKindName | OrderTaskKindName | RmaTaskKindName;

/**
 * The names kinds had before the one scheme (2026-11-30), and their names now. Frozen: migration
 * 2026-11-30T0120-task-kind-names rewrote stored rows with it, and it still maps a name that arrives late — an
 * `openTask` activity scheduled before the deploy and retried after it, a saved inbox filter, an old bookmark.
 */
export const RENAMED_TASK_KINDS: Readonly<Record<string, TaskKindName>> = Object.freeze({
  'quote-engineering-review': 'quote.engineering-review',
  'quote-corrected-files': 'quote.corrected-files',
  'quote-customer-decision': 'quote.customer-decision',
  'quote-price-approval': 'quote.price-approval',
  'customer-audit-visit': 'customer.audit-visit',
  'customer-audit-result': 'customer.audit-result',
  'customer-corrective-action': 'customer.corrective-action',
  'customer-payment-terms-approval': 'customer.payment-terms-approval',
  'customer-reaudit': 'customer.reaudit',
  'order.contract_signature': 'order.contract-signature',
  'order.contract_approval': 'order.contract-approval',
  'order.statement_entry': 'order.statement-entry',
  'order.reflow_profile': 'order.reflow-profile',
  'order.line_slot': 'order.line-slot',
  'order.build_samples': 'order.build-samples',
  'order.sample_approval': 'order.sample-approval',
  'order.shipment_booking': 'order.shipment-booking',
  'order.money_approval': 'order.money-approval',
});

/** A kind's current name (an old name mapped through {@link RENAMED_TASK_KINDS}; any other name unchanged). */
export function currentTaskKind(kind: string): string {
  return Object.hasOwn(RENAMED_TASK_KINDS, kind) ? RENAMED_TASK_KINDS[kind] : kind;
}
