/** Task kind names of the order workflows (pure: workflows import this, the zod schemas live in ./task-kinds). */

/** Names of the order's task kinds. */
export const ORDER_TASK_KIND_NAMES = {
  contractSignature: 'order.contract_signature',
  contractApproval: 'order.contract_approval',
  payment: 'order.payment',
  statementEntry: 'order.statement_entry',
  kitting: 'order.kitting',
  stencil: 'order.stencil',
  program: 'order.program',
  reflowProfile: 'order.reflow_profile',
  lineSlot: 'order.line_slot',
  buildSamples: 'order.build_samples',
  sampleApproval: 'order.sample_approval',
  progress: 'order.progress',
  inspection: 'order.inspection',
  rework: 'order.rework',
  shipmentBooking: 'order.shipment_booking',
  delivery: 'order.delivery',
  refund: 'order.refund',
  moneyApproval: 'order.money_approval',
} as const;
