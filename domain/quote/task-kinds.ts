/** The quote workflow's human tasks: what each accepts when completed (the platform's task kinds). */
import { z } from 'zod';
import { multilineText, text } from '../shared/fields';
import { defineTaskKind, type TaskKind } from '../tasks/kinds';
import {
  CORRECTED_FILES_DECISIONS,
  CUSTOMER_DECISIONS,
  ENGINEERING_REVIEW_DECISIONS,
  PRICE_APPROVAL_DECISIONS,
  QUOTE_TASK_KIND_NAMES,
} from './contract';
import { PRICE_CHANGE_APPROVER_ROLES } from './price-approval';

const comment = multilineText({ max: 2000 }).optional();

/** Engineering review: adjust line items, then approve, or ask the customer for corrected files. */
export const engineeringReviewTaskKind = defineTaskKind({
  kind: QUOTE_TASK_KIND_NAMES.engineeringReview,
  description: 'Review the analysis and price; adjust line items and approve, or ask for corrected files',
  decisions: ENGINEERING_REVIEW_DECISIONS as unknown as ['approve', 'request_files'],
  data: z
    .object({
      comment,
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
    .strict(),
  alsoAllowed: ['sales_manager'],
});

/** The customer's corrected files arrived as a new revision. */
export const correctedFilesTaskKind = defineTaskKind({
  kind: QUOTE_TASK_KIND_NAMES.correctedFiles,
  description: 'Upload corrected files (a new revision of the quote)',
  decisions: CORRECTED_FILES_DECISIONS as unknown as ['submitted'],
  data: z.object({ comment, revision: z.number().int().min(2) }).strict(),
  alsoAllowed: ['sales'],
});

/** The customer accepts, asks for a revision (comments or new files), or rejects the issued quote. */
export const customerDecisionTaskKind = defineTaskKind({
  kind: QUOTE_TASK_KIND_NAMES.customerDecision,
  description: 'Accept the quote, ask for a revision, or reject it',
  decisions: CUSTOMER_DECISIONS as unknown as ['accept', 'revise', 'reject'],
  data: z
    .object({
      comment,
      revision: z.number().int().min(2).optional(),
      quantity: z.number().int().min(1).max(10_000_000).optional(),
    })
    .strict(),
  alsoAllowed: ['sales'],
});

/**
 * Four eyes on an engineer's price change that needs it (domain/quote/price-approval): a sales manager (or manager,
 * admin) other than the engineer approves it or refuses it (the engineer reviews again from the engine's price).
 * The task names the engineer as requester, so the platform refuses them (services/tasks/complete-task).
 */
export const priceApprovalTaskKind = defineTaskKind({
  kind: QUOTE_TASK_KIND_NAMES.priceApproval,
  description: "Approve or refuse an engineer's price change (a second person for money)",
  decisions: PRICE_APPROVAL_DECISIONS as unknown as ['approve', 'reject'],
  data: z.object({ comment }).strict(),
  alsoAllowed: PRICE_CHANGE_APPROVER_ROLES.filter((r) => r !== PRICE_CHANGE_APPROVER_ROLES[0]),
});

/**
 * Who answers the customer's steps (the decision on an issued quote, corrected files): the customer, whose role the
 * workflow gives the tasks, and the kinds' stand-ins. The decision and revision endpoints admit exactly these.
 */
export const QUOTE_CUSTOMER_STEP_ROLES = [
  ...new Set([
    'customer' as const,
    ...(customerDecisionTaskKind.alsoAllowed ?? []),
    ...(correctedFilesTaskKind.alsoAllowed ?? []),
  ]),
];

/** Every task kind of the quote workflow, for the platform's registry. */
export const QUOTE_TASK_KINDS: readonly TaskKind[] = [
  engineeringReviewTaskKind,
  correctedFilesTaskKind,
  customerDecisionTaskKind,
  priceApprovalTaskKind,
];
