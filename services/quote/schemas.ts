import type { QuoteStage } from '../../domain/quote/contract';
/** Request and response schemas of the quote API. */
import { z } from 'zod';
import { multilineText, text } from '../../domain/shared/fields';
import { CUSTOMER_DECISIONS, ENGINEERING_REVIEW_DECISIONS } from '../../domain/quote/contract';
import { DECLARABLE_ABSENT_LAYERS } from '../../domain/quote/file-set';

/** The options of a quote request (the quote engine's pricing options). */
export const QuoteOptionsSchema = z
  .object({
    leadTime: text({ min: 1, max: 40 }).optional(),
    sourcing: z.enum(['turnkey', 'consigned']).optional(),
    assembly: z.boolean().optional(),
    runType: z.enum(['proofing', 'volume']).optional(),
    quantityBreaks: z.array(z.number().int().min(1).max(10_000_000)).max(10).optional(),
    pcbSuppliedBy: z
      .enum(['factory', 'customer'])
      .optional()
      .describe('who supplies the bare PCBs (seed 001: "empty PCB board")'),
    stencilSuppliedBy: z
      .enum(['factory', 'customer'])
      .optional()
      .describe('who supplies the stencil (seed 001: "printed steel plate")'),
    absentLayers: z
      .array(z.enum(DECLARABLE_ABSENT_LAYERS))
      .max(DECLARABLE_ABSENT_LAYERS.length)
      .optional()
      .describe('layers intentionally absent from the board'),
  })
  .strict()
  .meta({ id: 'QuoteOptions' });

/** Multipart text fields of `POST /api/quotes` (the files are `gerber`, `bom`, `placement`). */
export const CreateQuoteFields = z
  .object({
    quantity: z.coerce.number().int().min(1).max(10_000_000),
    customerId: z.uuid().optional(),
    options: z
      .string()
      .max(4000)
      .optional()
      .transform((text, ctx) => {
        if (!text) return {};
        try {
          return JSON.parse(text) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'must be a JSON object' });
          return z.NEVER;
        }
      })
      .pipe(QuoteOptionsSchema),
  })
  .meta({ id: 'CreateQuoteFields' });
export type CreateQuoteFields = z.infer<typeof CreateQuoteFields>;

/** Multipart text fields of `POST /api/quotes/:id/revisions`. */
export const ReviseQuoteFields = z
  .object({
    comment: multilineText({ max: 2000 }).optional(),
    quantity: z.coerce.number().int().min(1).max(10_000_000).optional(),
  })
  .meta({ id: 'ReviseQuoteFields' });
export type ReviseQuoteFields = z.infer<typeof ReviseQuoteFields>;

export const QuoteIdParams = z.object({ id: z.uuid() });
export type QuoteIdParams = z.infer<typeof QuoteIdParams>;

/** Every stage a quote's status column can hold (the `status` filter refuses anything else, naming it). */
const QUOTE_STATUSES = [
  'analysing',
  'engineering_review',
  'awaiting_corrected_files',
  'issuing',
  'awaiting_customer',
  'accepted',
  'rejected',
  'expired',
  'cancelled',
] as const satisfies readonly QuoteStage[];
// A stage added to QuoteStage without being listed here fails to compile.
const everyQuoteStage: Record<Exclude<QuoteStage, (typeof QUOTE_STATUSES)[number]>, never> = {};
void everyQuoteStage;

export const ListQuotesQuery = z
  .object({
    status: z.enum(QUOTE_STATUSES).optional(),
    customerId: z.uuid().optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();
export type ListQuotesQuery = z.infer<typeof ListQuotesQuery>;

export const PdfQuery = z.object({ revision: z.coerce.number().int().min(1).optional() });

/** The customer's decision on an issued quote. */
export const CustomerDecisionRequest = z
  .object({
    decision: z.enum(CUSTOMER_DECISIONS),
    comment: multilineText({ max: 2000 }).optional(),
    quantity: z.number().int().min(1).max(10_000_000).optional(),
  })
  .strict()
  .meta({ id: 'QuoteCustomerDecision' });
export type CustomerDecisionRequest = z.infer<typeof CustomerDecisionRequest>;

/** The engineer's review of a quote that could not be priced automatically. */
export const ReviewRequest = z
  .object({
    decision: z.enum(ENGINEERING_REVIEW_DECISIONS),
    comment: multilineText({ max: 2000 }).optional(),
    adjustments: z
      .array(
        z
          .object({
            code: text({ min: 1, max: 64 }),
            unitPriceFen: z.number().int().min(0),
            quantity: z.number().int().min(0).optional(),
          })
          .strict(),
      )
      .max(100)
      .optional(),
  })
  .strict()
  .meta({ id: 'QuoteReview' });
export type ReviewRequest = z.infer<typeof ReviewRequest>;

/** A quote in lists. */
export const QuoteSummary = z
  .object({
    id: z.uuid(),
    reference: z.string(),
    customerId: z.uuid(),
    status: z.string(),
    revision: z.number().int(),
    quantity: z.number().int(),
    currency: z.string(),
    validUntil: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'QuoteSummary' });

/** Cancelling a quote before it is accepted: the reason goes to the customer and sales. */
export const CancelQuoteRequest = z
  .object({ reason: multilineText({ min: 3, max: 1000 }) })
  .strict()
  .meta({ id: 'CancelQuote' });
export type CancelQuoteRequest = z.infer<typeof CancelQuoteRequest>;
