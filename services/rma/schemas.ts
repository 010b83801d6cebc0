import { z } from 'zod';
import type { RmaOutcome, RmaStage } from '../../domain/rma/contract';
import { factDate, httpUrl, multilineText, text } from '../../domain/shared/fields';

/** Opening an RMA: the complaint as the customer or sales registers it. */
export const OpenRmaRequest = z
  .object({
    customerId: z
      .uuid({ error: 'must be a customer id (uuid)' })
      .optional()
      .meta({ description: 'required for staff; customers open for themselves' }),
    orderId: z.uuid({ error: 'must be an order id (uuid)' }).optional(),
    lotNumber: text({ min: 1, max: 100 }).optional(),
    serials: z
      .array(text({ min: 1, max: 100 }))
      .max(5000)
      .default([]),
    quantity: z
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .positive('must be at least 1')
      .max(100_000),
    symptoms: multilineText({ min: 3, max: 4000 }),
    photos: z.array(httpUrl()).max(20).default([]),
    productModel: text({ min: 1, max: 200 }).optional(),
    partNumber: text({ min: 1, max: 200 }).optional(),
    saleDate: factDate().optional(),
    productionDate: factDate().optional(),
    outsourced: z.boolean().default(false),
    keyProduct: z.boolean().default(false),
    urgent: z.boolean().default(false),
    requestedResolution: z.enum(['repair', 'exchange', 'refund']).default('repair'),
  })
  .strict()
  .refine((r) => r.serials.length === 0 || r.serials.length === r.quantity, {
    message: 'must list one serial per unit, or none',
    path: ['serials'],
  })
  .meta({ id: 'OpenRmaRequest' });
export type OpenRmaRequest = z.infer<typeof OpenRmaRequest>;

export const RmaIdParams = z.object({ id: z.uuid({ error: 'must be an RMA id (uuid)' }) });
export type RmaIdParams = z.infer<typeof RmaIdParams>;

export const RmaStepParams = RmaIdParams.extend({
  step: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[a-z0-9:#_-]+$/i, 'must be a step name'),
});
export type RmaStepParams = z.infer<typeof RmaStepParams>;

/** What a case's status column can hold: an open stage, or `closed:<outcome>` (the `status` filter takes only these). */
const RMA_OPEN_STAGES = [
  'registered',
  'site_visit',
  'acceptance',
  'receiving',
  'analysis',
  'quotation',
  'material',
  'disassembly',
  'repair',
  'inspection',
  'shipping',
  'exchange',
  'refund',
  'closing',
] as const satisfies readonly RmaStage[];
const RMA_OUTCOMES = [
  'repaired',
  'returned_unrepaired',
  'scrapped',
  'exchanged',
  'exchanged_invoiced',
  'refunded',
  'refund_rejected',
  'rejected',
] as const satisfies readonly RmaOutcome[];
// A stage or outcome added to the contract without being listed here fails to compile.
const everyRmaStatus: Record<
  Exclude<RmaStage, (typeof RMA_OPEN_STAGES)[number] | 'closed'> | Exclude<RmaOutcome, (typeof RMA_OUTCOMES)[number]>,
  never
> = {};
void everyRmaStatus;
const RMA_STATUSES = [...RMA_OPEN_STAGES, ...RMA_OUTCOMES.map((o) => `closed:${o}` as const)] as [string, ...string[]];

export const ListRmasQuery = z
  .object({
    customerId: z.uuid().optional(),
    status: z.enum(RMA_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();
export type ListRmasQuery = z.infer<typeof ListRmasQuery>;

export const PenaltyQuery = z.object({ responsibleParty: text({ min: 1, max: 50 }).optional() }).strict();
export type PenaltyQuery = z.infer<typeof PenaltyQuery>;

export const CompleteStepRequest = z
  .object({ decision: z.string().min(1).max(100), data: z.record(z.string(), z.unknown()).default({}) })
  .strict()
  .meta({ id: 'CompleteRmaStepRequest' });
export type CompleteStepRequest = z.infer<typeof CompleteStepRequest>;

export const RmaCaseView = z
  .object({
    id: z.uuid(),
    reference: z.string(),
    customerId: z.uuid(),
    workflowId: z.string().nullable(),
    status: z.string(),
    urgent: z.boolean(),
    complaint: z.string(),
    productModel: z.string().nullable(),
    partNumber: z.string().nullable(),
    quantity: z.number(),
    saleDate: z.string().nullable(),
    productionDate: z.string().nullable(),
    outsourced: z.boolean(),
    keyProduct: z.boolean(),
    repairTeam: z.enum(['after_sales', 'production_line']),
    over200Pcs: z.boolean(),
    orderId: z.uuid().nullable(),
    claimed: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'RmaCase' });
export type RmaCaseView = z.infer<typeof RmaCaseView>;

export const PenaltyEntryView = z
  .object({
    id: z.uuid(),
    kind: z.enum(['late_report', 'violation']),
    serious: z.boolean(),
    waivedAt: z.string().nullable(),
    waiverReason: z.string().nullable(),
    rmaCaseId: z.uuid().nullable(),
    responsibleParty: z.string(),
    daysLate: z.number(),
    amountFen: z.number(),
    currency: z.string(),
    reason: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'RmaPenaltyEntry' });

export const TimelineEntry = z
  .object({
    at: z.string(),
    kind: z.enum(['task_opened', 'task_completed', 'task_cancelled', 'audit', 'penalty']),
    step: z.string().optional(),
    title: z.string(),
    actorId: z.string().nullable(),
    actorRole: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'RmaTimelineEntry' });
export type TimelineEntry = z.infer<typeof TimelineEntry>;
