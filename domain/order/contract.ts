import { defineQuery, defineSignal } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { TaskActor } from '../tasks/task';
import type { ShipmentStatus } from './shipment';

/**
 * Public contract of the order context (contract, production, QC, payment, shipment). Services, workflows,
 * the quote workflow that starts an order, and tests import these same objects.
 */

/** Task queue of every order-side workflow (order, production, QC lot). */
export const ORDER_TASK_QUEUE = 'production';

/** Workflow type name the quote workflow starts when the customer accepts. */
export const ORDER_WORKFLOW_TYPE = 'orderWorkflow';

/** Id of the order workflow: one order per accepted quote. */
export function orderWorkflowId(quoteId: string): string {
  return `order:${quoteId}`;
}

/** Id of the order's production child workflow. */
export function productionWorkflowId(quoteId: string): string {
  return `${orderWorkflowId(quoteId)}:production`;
}

/** Id of one QC lot child workflow (lots are numbered from 1 within the order). */
export function qcLotWorkflowId(quoteId: string, lotIndex: number): string {
  return `${orderWorkflowId(quoteId)}:lot:${lotIndex}`;
}

/**
 * Input of `orderWorkflow`. `orderId` is a uuid chosen by the starter (e.g. `uuid4()` in the quote workflow);
 * the order workflow creates the `orders` row itself, idempotently. Money is in integer minor units.
 */
export interface OrderWorkflowInput {
  orderId: string;
  quoteId: string;
  customerId: string;
  quantity: number;
  totalFen: number;
  currency: string;
  /** Deployment settings; defaults: 30 % prepay deposit, lots of at most 500 units, 2 reworks per unit. */
  settings?: OrderSettings;
}

/** Tunables of the order process. */
export interface OrderSettings {
  prepayDepositPercent?: number;
  maxLotSize?: number;
  reworkLimit?: number;
}

/** How the order workflow ends. */
export interface OrderWorkflowResult {
  orderId: string;
  status: 'delivered' | 'cancelled';
}

/** Stages of an order, in the order the factory goes through them (also the `Stage` search attribute). */
export const ORDER_STAGES = [
  // The contract is being issued; `contract` follows once the customer's signature task is open.
  'opening',
  'contract',
  'deposit',
  'kitting',
  'preparation',
  'line_slot',
  'proofing',
  'volume_production',
  'qc',
  'payment',
  'shipment',
  'delivered',
  'cancelled',
] as const;

/** One of {@link ORDER_STAGES}. */
export type OrderStage = (typeof ORDER_STAGES)[number];

/** A person acting on an order, as recorded in its decisions. */
export type OrderActor = TaskActor;

/** The sales manager cancels the order. */
export interface CancelRequest {
  reason: string;
  cancelledBy: OrderActor;
  /** ISO timestamp. */
  at: string;
}

/** Sent to the order workflow by `POST /api/orders/:id/cancel` (sales manager); refused once goods are shipping. */
export const cancelOrderSignal = defineSignal<[CancelRequest]>('cancelOrder');

/** A decision someone made on the order (who, when). */
export interface DecisionRecord {
  step: string;
  decision: string;
  by: { userId: string; email: string; role: string } | null;
  at: string;
  comment?: string;
}

/** A wait for a person, with its deadlines (ISO timestamps). */
export interface OpenTaskView {
  /** The workflow that owns the task (the order, its production child, or a QC lot child). */
  workflowId: string;
  step: string;
  kind: string;
  role: string;
  taskId: string | null;
  openedAt: string;
  dueAt: string | null;
  escalateAt: string | null;
  reminded: boolean;
  escalated: boolean;
}

/** Payment position of the order. */
export interface PaymentView {
  terms: 'prepay' | 'monthly' | null;
  depositFen: number;
  depositPaid: boolean;
  balanceInvoicedFen: number;
  paidFen: number;
  outstandingFen: number;
  releasedOnCredit: boolean;
  released: boolean;
}

/** QC summary of one lot. */
export interface LotView {
  lotIndex: number;
  lotNumber: string;
  quantity: number;
  status: string;
  rounds: number;
  passedUnits: number;
  reworkCount: number;
  scrappedUnits: number;
  firstPassYield: number | null;
}

/** What `orderStateQuery` returns: the order's current step, its waits, deadlines and decisions. */
export interface OrderView {
  orderId: string;
  quoteId: string;
  customerId: string;
  stage: OrderStage;
  openTasks: OpenTaskView[];
  decisions: DecisionRecord[];
  progress: { step: string; quantityDone: number }[];
  lots: LotView[];
  payment: PaymentView;
  shipment: { status: ShipmentStatus; carrier: string | null; trackingNumber: string | null };
  cancelled: { reason: string; by: string; at: string; compensations: string[] } | null;
  /** The refund of a cancelled order with money paid (null when nothing was paid or it is not cancelled). */
  refund: RefundView | null;
}

/** Where a cancelled order's refund stands: finance works it out, a second person approves it, finance pays it. */
export interface RefundView {
  status: 'preparing' | 'awaiting_approval' | 'approved' | 'paid';
  paidFen: number;
  /** Set once finance proposed the charges. */
  refundFen: number | null;
  retainedFen: number | null;
  currency: string;
  /** The day finance paid it out (status `paid`); absent before, and in orders cancelled before the step existed. */
  paidOutOn?: string;
}

/** Current state of the order workflow. */
export const orderStateQuery = defineQuery<OrderView>('orderState');

/** Search attribute keys the order workflows keep current (Keyword), registered by infra/temporal. */
export const OrderIdAttribute = defineSearchAttributeKey('OrderId', SearchAttributeType.KEYWORD);
export const OrderCustomerIdAttribute = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
export const OrderStageAttribute = defineSearchAttributeKey('Stage', SearchAttributeType.KEYWORD);

/** What the production child workflow reports. */
export interface ProductionView {
  /** Null until the kitting task is open (the order keeps its earlier stage until then). */
  stage: OrderStage | null;
  openTasks: OpenTaskView[];
  decisions: DecisionRecord[];
  progress: { step: string; quantityDone: number }[];
}

/** Current state of the production child workflow. */
export const productionStateQuery = defineQuery<ProductionView>('productionState');

/** Current state of a QC lot child workflow (reports whose counts did not fit are listed in `refused`). */
export const lotStateQuery = defineQuery<
  LotView & { openTasks: OpenTaskView[]; decisions: DecisionRecord[]; refused: { step: string; reason: string }[] }
>('lotState');
