/** Task kind names of the order workflows (pure: workflows import this, the zod schemas live in ./task-kinds). */

/** Names of the order's task kinds. */
export const ORDER_TASK_KIND_NAMES = {
  contractSignature: 'order.contract-signature',
  contractApproval: 'order.contract-approval',
  payment: 'order.payment',
  statementEntry: 'order.statement-entry',
  kitting: 'order.kitting',
  stencil: 'order.stencil',
  program: 'order.program',
  reflowProfile: 'order.reflow-profile',
  lineSlot: 'order.line-slot',
  buildSamples: 'order.build-samples',
  sampleApproval: 'order.sample-approval',
  progress: 'order.progress',
  inspection: 'order.inspection',
  rework: 'order.rework',
  shipmentBooking: 'order.shipment-booking',
  delivery: 'order.delivery',
  refund: 'order.refund',
  moneyApproval: 'order.money-approval',
  refundPayout: 'order.refund-payout',
} as const;
export type OrderTaskKindName = (typeof ORDER_TASK_KIND_NAMES)[keyof typeof ORDER_TASK_KIND_NAMES];
