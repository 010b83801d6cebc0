/**
 * The order's human tasks: what each accepts when completed (the platform's task kinds). The dedicated endpoints
 * of services/production complete the same tasks with the same schemas, so both paths move the workflow alike.
 */
import { z } from 'zod';
import { factDate, multilineText, planDate, text } from '../shared/fields';
import { defineTaskKind, type TaskKind } from '../tasks/kinds';
import { PRODUCTION_STEPS } from './progress';
import { kitProblem, type KitRequirement } from './kitting';
import { ORDER_TASK_KIND_NAMES } from './task-kind-names';

export { ORDER_TASK_KIND_NAMES };

const comment = multilineText({ max: 2000 }).optional();

/** The customer signs (or declines) the commission agreement. */
export const contractSignatureTaskKind = defineTaskKind({
  kind: ORDER_TASK_KIND_NAMES.contractSignature,
  description: 'Sign the commission agreement, or decline it',
  decisions: ['sign', 'decline'],
  // Only the customer signs: sales may not sign on the customer's behalf.
  data: z.object({ comment, signatoryName: text({ min: 1, max: 200 }).optional() }).strict(),
});

/** The sales manager approves the signed contract. */
export const contractApprovalTaskKind = defineTaskKind({
  kind: ORDER_TASK_KIND_NAMES.contractApproval,
  description: 'Approve or reject the signed commission agreement',
  decisions: ['approve', 'reject'],
  data: z.object({ comment }).strict(),
});

/** A payment as finance records it (`POST /api/orders/:id/payments` uses the same schema). */
export const PaymentData = z
  .object({
    amountFen: z.number().int().positive(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD'),
    reference: text({ min: 1, max: 200 }),
    receivedOn: factDate().optional(),
  })
  .strict();
export type PaymentData = z.infer<typeof PaymentData>;

/** Finance records a payment received against the open invoice (deposit or balance). */
export const paymentTaskKind = defineTaskKind({
  kind: ORDER_TASK_KIND_NAMES.payment,
  description: 'Record a payment received (amount in fen and bank reference); partial payments accumulate',
  decisions: ['record'],
  data: PaymentData,
});

/** Finance approves shipping a monthly-settlement customer's order on a statement entry. */
export const statementEntryTaskKind = defineTaskKind({
  kind: ORDER_TASK_KIND_NAMES.statementEntry,
  description: 'Approve the statement entry (ship on credit), or require payment first',
  decisions: ['approve', 'require_payment'],
  data: z.object({ comment }).strict(),
  alsoAllowed: ['manager'],
});

/** One kit line as the floor reports it. */
export const KitLineData = z
  .object({
    partNumber: text({ min: 1, max: 100 }),
    quantity: z.number().int().positive(),
    /** Consigned material: how many the customer's shipment held when it was received (the kit counts only those). */
    receivedQuantity: z.number().int().min(0).optional(),
    source: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('in_stock') }).strict(),
      z
        .object({
          kind: z.literal('purchase'),
          leadTimeDays: z.number().int().min(0).max(365),
          arrived: z.boolean().optional(),
        })
        .strict(),
      z.object({ kind: z.literal('consigned'), arrived: z.boolean() }).strict(),
    ]),
  })
  .strict();

/** Material kitting: each line in stock, to purchase with its lead time, or consigned by the customer. */
export const kittingTaskKind = defineTaskKind({
  kind: ORDER_TASK_KIND_NAMES.kitting,
  description: 'Report the material kit: each line in stock, purchased (lead time) or consigned (arrived or not)',
  decisions: ['report'],
  data: z.object({ lines: z.array(KitLineData).min(1).max(2000), comment }).strict(),
  alsoAllowed: ['warehouse'],
  // The kit must match the quoted BOM the task carries (issue 13 item 5): refused with 422 naming the line.
  check: (data, payload) => {
    const requirements = Array.isArray(payload.bom) ? (payload.bom as KitRequirement[]) : [];
    return kitProblem(requirements, Number(payload.boards ?? 0), data.lines);
  },
});

/** Stencil ("printed steel plate") ready. */
export const stencilTaskKind = defineTaskKind({
  kind: ORDER_TASK_KIND_NAMES.stencil,
  description: 'Confirm the stencil (printed steel plate) is ready',
  decisions: ['ready'],
  data: z.object({ stencilId: text({ min: 1, max: 100 }).optional(), comment }).strict(),
});

/** Placement program ready. */
export const programTaskKind = defineTaskKind({
  kind: ORDER_TASK_KIND_NAMES.program,
  description: 'Confirm the pick-and-place program is ready',
  decisions: ['ready'],
  data: z.object({ programName: text({ min: 1, max: 200 }).optional(), comment }).strict(),
  alsoAllowed: ['production'],
});

/** Reflow profile ready, measured on the furnace temperature board (seed 001: "Furnace temperature measuring board"). */
export const reflowProfileTaskKind = defineTaskKind({
  kind: ORDER_TASK_KIND_NAMES.reflowProfile,
  description: 'Confirm the reflow profile, naming the furnace temperature board it was measured on',
  decisions: ['ready'],
  data: z
    .object({ profileName: text({ min: 1, max: 200 }), furnaceBoard: text({ min: 1, max: 200 }), comment })
    .strict(),
  alsoAllowed: ['production'],
});

/** Line slot booked. */
export const lineSlotTaskKind = defineTaskKind({
  kind: ORDER_TASK_KIND_NAMES.lineSlot,
  description: 'Book a line slot for the order',
  decisions: ['booked'],
  data: z.object({ line: text({ min: 1, max: 50 }), startsOn: planDate(), comment }).strict(),
});

/** Proofing samples built. */
export const buildSamplesTaskKind = defineTaskKind({
  kind: ORDER_TASK_KIND_NAMES.buildSamples,
  description: 'Build the proofing samples',
  decisions: ['built'],
  data: z.object({ sampleCount: z.number().int().positive().max(1000), comment }).strict(),
});

/** The customer approves or rejects the samples (rejection rebuilds them). */
export const sampleApprovalTaskKind = defineTaskKind({
  kind: ORDER_TASK_KIND_NAMES.sampleApproval,
  description: 'Approve the proofing samples, or reject them with comments (they are rebuilt)',
  decisions: ['approve', 'reject'],
  data: z.object({ comment }).strict(),
  alsoAllowed: ['sales'],
});

/** A progress report of the floor (`POST /api/orders/:id/progress`). */
export const ProgressData = z
  .object({ step: z.enum(PRODUCTION_STEPS), quantityDone: z.number().int().min(0) })
  .strict();
export type ProgressData = z.infer<typeof ProgressData>;

/** Volume production: the floor reports the quantity done per step until assembly reaches the order quantity. */
export const progressTaskKind = defineTaskKind({
  kind: ORDER_TASK_KIND_NAMES.progress,
  description: 'Report volume production progress (cumulative quantity done at a step)',
  decisions: ['report'],
  data: ProgressData,
});

/** One inspection round of a lot (`POST /api/orders/:id/inspections`). */
export const InspectionData = z
  .object({
    lotIndex: z.number().int().min(1),
    kind: z.enum(['aoi', 'xray', 'functional', 'visual']),
    passedCount: z.number().int().min(0),
    failedUnits: z
      .array(
        z
          .object({
            serial: text({ min: 1, max: 100 }),
            defects: z
              .array(
                z
                  .object({
                    code: text({ min: 1, max: 50 }),
                    designator: text({ max: 50 }).optional(),
                    description: multilineText({ max: 500 }).optional(),
                  })
                  .strict(),
              )
              .min(1)
              .max(50),
          })
          .strict(),
      )
      .max(10_000),
  })
  .strict();
export type InspectionData = z.infer<typeof InspectionData>;

/** QA inspects a lot (AOI, X-ray, functional). */
export const inspectionTaskKind = defineTaskKind({
  kind: ORDER_TASK_KIND_NAMES.inspection,
  description: 'Record an inspection round: units passed, and failed units with defect codes and designators',
  decisions: ['record'],
  data: InspectionData,
});

/** Production reworks the failed units and rebuilds the scrapped ones. */
export const reworkTaskKind = defineTaskKind({
  kind: ORDER_TASK_KIND_NAMES.rework,
  description: 'Rework the failed units (and rebuild scrapped ones), then send them back to inspection',
  decisions: ['reworked'],
  data: z.object({ comment }).strict(),
});

/** The warehouse books the carrier (`POST /api/orders/:id/shipments`). */
export const ShipmentData = z.object({ carrier: text({ min: 2, max: 100 }) }).strict();
export type ShipmentData = z.infer<typeof ShipmentData>;

export const shipmentBookingTaskKind = defineTaskKind({
  kind: ORDER_TASK_KIND_NAMES.shipmentBooking,
  description: 'Book the carrier for the released order',
  decisions: ['book'],
  data: ShipmentData,
});

/** The warehouse confirms delivery (`POST /api/orders/:id/shipments/delivered`). */
export const DeliveryData = z.object({ deliveredOn: factDate().optional(), comment }).strict();
export type DeliveryData = z.infer<typeof DeliveryData>;

export const deliveryTaskKind = defineTaskKind({
  kind: ORDER_TASK_KIND_NAMES.delivery,
  description: 'Confirm the delivery to the customer',
  decisions: ['delivered'],
  data: DeliveryData,
});

/** Finance works out the refund of a cancelled order: what was paid less the charges the contract allows. */
export const RefundData = z
  .object({
    materialsPurchasedFen: z.number().int().min(0).max(1e12),
    toolingFen: z.number().int().min(0).max(1e12),
    comment,
  })
  .strict();
export type RefundData = z.infer<typeof RefundData>;

export const refundTaskKind = defineTaskKind({
  kind: ORDER_TASK_KIND_NAMES.refund,
  description:
    'Work out the refund of a cancelled order: charges for parts already bought and tooling, the rest is refunded',
  decisions: ['propose'],
  data: RefundData,
});

/**
 * Four eyes on money (issue 13 item 3): a refund or a statement entry one finance person prepared is approved by
 * another finance person, a manager or an admin — never the preparer (the task names them as requester).
 */
export const moneyApprovalTaskKind = defineTaskKind({
  kind: ORDER_TASK_KIND_NAMES.moneyApproval,
  description: 'Second approval of money another person prepared (a refund, a statement entry)',
  decisions: ['approve', 'reject'],
  data: z.object({ comment }).strict(),
  alsoAllowed: ['manager', 'admin'],
});

/**
 * Finance records that the approved refund of a cancelled order was paid out: the day the bank paid it (a fact: a
 * real date, not in the future) and the bank's reference, which the customer can trace the transfer by.
 */
export const RefundPayoutData = z
  .object({
    paidOutOn: factDate(),
    bankReference: text({ min: 1, max: 200 }),
    comment,
  })
  .strict();
export type RefundPayoutData = z.infer<typeof RefundPayoutData>;

export const refundPayoutTaskKind = defineTaskKind({
  kind: ORDER_TASK_KIND_NAMES.refundPayout,
  description: 'Record that the approved refund of a cancelled order was paid out: the date and the bank reference',
  decisions: ['paid'],
  data: RefundPayoutData,
});

/** Every task kind of the order workflows, for the platform's registry. */
export const ORDER_TASK_KINDS: readonly TaskKind[] = [
  contractSignatureTaskKind,
  contractApprovalTaskKind,
  paymentTaskKind,
  statementEntryTaskKind,
  kittingTaskKind,
  stencilTaskKind,
  programTaskKind,
  reflowProfileTaskKind,
  lineSlotTaskKind,
  buildSamplesTaskKind,
  sampleApprovalTaskKind,
  progressTaskKind,
  inspectionTaskKind,
  reworkTaskKind,
  shipmentBookingTaskKind,
  deliveryTaskKind,
  refundTaskKind,
  moneyApprovalTaskKind,
  refundPayoutTaskKind,
];
