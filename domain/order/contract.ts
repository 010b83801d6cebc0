import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { TaskActor } from '../tasks/task';

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
  totalMinor: number;
  currency: string;
}

/** How the order workflow ends. */
export interface OrderWorkflowResult {
  orderId: string;
  status: 'delivered' | 'cancelled';
}

/** Stages of an order, in the order the factory goes through them (also the `Stage` search attribute). */
export const ORDER_STAGES = [
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

/** The floor reports quantity done per production step (visible to the customer). */
export interface ProgressReport {
  step: string;
  quantityDone: number;
  reportedBy: OrderActor;
  /** ISO timestamp. */
  at: string;
}

/** One failed unit in an inspection round. */
export interface FailedUnit {
  serial: string;
  defects: { code: string; designator?: string; description?: string }[];
}

/** QA records one inspection round of a lot (units inspected = passedCount + failedUnits.length). */
export interface InspectionReport {
  lotIndex: number;
  kind: 'aoi' | 'xray' | 'functional' | 'visual';
  passedCount: number;
  failedUnits: FailedUnit[];
  inspectedBy: OrderActor;
  at: string;
}

/** Finance records a payment received against the open invoice (partial payments accumulate). */
export interface PaymentReport {
  amountMinor: number;
  currency: string;
  reference: string;
  /** 'YYYY-MM-DD'. */
  receivedOn: string;
  recordedBy: OrderActor;
  at: string;
}

/** The warehouse asks for the carrier to be booked. */
export interface ShipmentRequest {
  carrier: string;
  requestedBy: OrderActor;
  at: string;
}

/** The warehouse confirms delivery to the customer. */
export interface DeliveryConfirmation {
  confirmedBy: OrderActor;
  at: string;
}

/** The sales manager cancels the order. */
export interface CancelRequest {
  reason: string;
  cancelledBy: OrderActor;
  at: string;
}

/** Sent to the production child workflow by `POST /api/orders/:id/progress`. */
export const progressReportedSignal = defineSignal<[ProgressReport]>('productionProgressReported');

/** Sent to the QC lot child workflow by `POST /api/orders/:id/inspections`. */
export const inspectionRecordedSignal = defineSignal<[InspectionReport]>('inspectionRecorded');

/** Sent to the order workflow by `POST /api/orders/:id/payments`. */
export const paymentRecordedSignal = defineSignal<[PaymentReport]>('paymentRecorded');

/** Sent to the order workflow by `POST /api/orders/:id/shipments`. */
export const shipmentRequestedSignal = defineSignal<[ShipmentRequest]>('shipmentRequested');

/** Sent to the order workflow by `POST /api/orders/:id/shipments/delivered`. */
export const deliveryConfirmedSignal = defineSignal<[DeliveryConfirmation]>('deliveryConfirmed');

/** Sent to the order workflow by `POST /api/orders/:id/cancel` (sales manager). */
export const cancelOrderSignal = defineSignal<[CancelRequest]>('cancelOrder');

/** A decision someone made on the order (who, when). */
export interface DecisionRecord {
  step: string;
  decision: string;
  by: { userId: string; email: string; role: string } | null;
  at: string;
  comment?: string;
}

/** A wait for a person, with its deadlines. */
export interface OpenTaskView {
  step: string;
  kind: string;
  role: string;
  taskId: string | null;
  dueAt: string | null;
  remindAt: string | null;
  escalateAt: string | null;
  reminded: number;
  escalated: boolean;
}

/** Payment position of the order. */
export interface PaymentView {
  terms: 'prepay' | 'monthly' | null;
  depositMinor: number;
  depositPaid: boolean;
  balanceInvoicedMinor: number;
  paidMinor: number;
  outstandingMinor: number;
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
  shipment: { carrier: string | null; trackingNumber: string | null; status: string | null };
  cancelled: { reason: string; by: string; at: string } | null;
}

/** Current state of the order workflow. */
export const orderStateQuery = defineQuery<OrderView>('orderState');

/** What the production child workflow reports. */
export interface ProductionView {
  stage: OrderStage;
  openTasks: OpenTaskView[];
  decisions: DecisionRecord[];
  progress: { step: string; quantityDone: number }[];
}

/** Current state of the production child workflow. */
export const productionStateQuery = defineQuery<ProductionView>('productionState');

/** Current state of a QC lot child workflow. */
export const lotStateQuery = defineQuery<LotView & { openTasks: OpenTaskView[]; decisions: DecisionRecord[] }>('lotState');
