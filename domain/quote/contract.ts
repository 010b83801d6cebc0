/**
 * The quote context's public contract: task queue, workflow ids, the state query, stages, workflow input and
 * result. Services, workflows and tests import these same objects.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { SlaPolicy } from './sla';
import type { DeclarableAbsentLayer, SuppliedBy } from './file-set';

/** Task queue of the quote and customer-onboarding workflows. */
export const QUOTE_TASK_QUEUE = 'quote';

/** Workflow type name of the quote workflow. */
export const QUOTE_WORKFLOW_TYPE = 'quoteWorkflow';

/** Workflow id of a quote: one workflow per quote, across its revisions. */
export function quoteWorkflowId(quoteId: string): string {
  return `quote:${quoteId}`;
}

/** Search attribute keys the quote and customer workflows keep current (Keyword). */
export const CustomerIdAttribute = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
export const QuoteIdAttribute = defineSearchAttributeKey('QuoteId', SearchAttributeType.KEYWORD);
export const StageAttribute = defineSearchAttributeKey('Stage', SearchAttributeType.KEYWORD);

/** Where a quote stands; also its status column in the database. */
export type QuoteStage =
  | 'analysing'
  | 'engineering_review'
  | 'awaiting_corrected_files'
  | 'issuing'
  | 'awaiting_customer'
  | 'accepted'
  | 'rejected'
  | 'expired'
  | 'cancelled';

/** Stages a quote never leaves. */
export const FINAL_QUOTE_STAGES: readonly QuoteStage[] = ['accepted', 'rejected', 'expired', 'cancelled'];

/** A request to cancel a quote before it is accepted (the customer withdraws it, or sales closes it). */
export interface CancelQuoteRequest {
  reason: string;
  by: QuoteActor;
}

/** Cancels an open quote: its open task is closed and the quote ends `cancelled` (ignored once accepted or ended). */
export const cancelQuoteSignal = defineSignal<[CancelQuoteRequest]>('cancelQuote');

/** One uploaded file as stored by the API (content-addressed on disk). */
export interface StoredQuoteFile {
  name: string;
  path: string;
  sha256: string;
}

/** The files of one revision. */
export interface QuoteRevisionFiles {
  gerber: StoredQuoteFile;
  bom?: StoredQuoteFile | null;
  cpl?: StoredQuoteFile | null;
}

/** Options the customer chose (passed to the quote engine's pricing). */
export interface QuoteRequestOptions {
  leadTime?: string;
  sourcing?: 'turnkey' | 'consigned';
  assembly?: boolean;
  runType?: 'proofing' | 'volume';
  quantityBreaks?: number[];
  /** Who supplies the bare PCBs and the stencil (seed 001 §3); the factory by default. */
  pcbSuppliedBy?: SuppliedBy;
  stencilSuppliedBy?: SuppliedBy;
  /** Layers the customer declares intentionally absent (checked by the file checklist). */
  absentLayers?: DeclarableAbsentLayer[];
}

/** Who did something, as workflows record it. */
export interface QuoteActor {
  userId: string;
  email: string;
  role: string;
}

/** Input of the quote workflow. */
export interface QuoteWorkflowInput {
  quoteId: string;
  reference: string;
  customerId: string;
  quantity: number;
  options: QuoteRequestOptions;
  files: QuoteRevisionFiles;
  submittedBy: QuoteActor;
  /** Days an issued quote stays valid; 30 by default. */
  validityDays?: number;
  /** The SLA clock; the 20 h / 24 h / every 24 h policy by default. */
  sla?: SlaPolicy;
}

/** A decision a person made on the quote. */
export interface QuoteDecision {
  step: string;
  revision: number;
  decision: string;
  by: QuoteActor;
  /** ISO timestamp. */
  at: string;
  comment?: string;
}

/** An open wait of the quote, as the query shows it. */
export interface QuoteOpenTask {
  step: string;
  kind: string;
  role: string;
  taskId: string | null;
  /** ISO timestamps. */
  dueAt: string | null;
}

/** What the quote workflow's query answers. */
export interface QuoteState {
  quoteId: string;
  reference: string;
  customerId: string;
  stage: QuoteStage;
  revision: number;
  quantity: number;
  openTasks: QuoteOpenTask[];
  deadlines: {
    /** ISO timestamps; null when no clock runs. */
    slaStartedAt: string | null;
    slaDueAt: string | null;
    nextReminderAt: string | null;
    nextEscalationAt: string | null;
    expiresAt: string | null;
  };
  reminded: boolean;
  escalations: number;
  decisions: QuoteDecision[];
  autoQuoteAllowed: boolean | null;
  reviewReasons: string[];
  totalFen: number | null;
  currency: string | null;
  orderWorkflowId: string | null;
}

/** The quote workflow's state query. */
export const quoteStateQuery = defineQuery<QuoteState>('quoteState');

/** How a quote ended. */
export interface QuoteWorkflowResult {
  outcome: 'accepted' | 'rejected' | 'expired' | 'cancelled';
  revision: number;
  orderWorkflowId: string | null;
}

/** Task steps of the quote workflow, per revision, so each revision's tasks are distinct. */
export const quoteSteps = {
  engineeringReview: (revision: number) => `engineering-review-r${revision}`,
  correctedFiles: (revision: number) => `corrected-files-r${revision}`,
  customerDecision: (revision: number) => `customer-decision-r${revision}`,
  priceApproval: (revision: number) => `price-approval-r${revision}`,
} as const;

/** Decisions of the quote's tasks. */
export const ENGINEERING_REVIEW_DECISIONS = ['approve', 'request_files'] as const;
export const CUSTOMER_DECISIONS = ['accept', 'revise', 'reject'] as const;
export const CORRECTED_FILES_DECISIONS = ['submitted'] as const;
export const PRICE_APPROVAL_DECISIONS = ['approve', 'reject'] as const;
export type EngineeringReviewDecision = (typeof ENGINEERING_REVIEW_DECISIONS)[number];
export type CustomerDecision = (typeof CUSTOMER_DECISIONS)[number];

/** The task kinds' names (their zod schemas are in ./task-kinds). */
export const QUOTE_TASK_KIND_NAMES = {
  engineeringReview: 'quote.engineering-review',
  correctedFiles: 'quote.corrected-files',
  customerDecision: 'quote.customer-decision',
  priceApproval: 'quote.price-approval',
} as const;
export type QuoteTaskKindName = (typeof QUOTE_TASK_KIND_NAMES)[keyof typeof QUOTE_TASK_KIND_NAMES];

/** A line-item price change made by the reviewing engineer. */
export interface LineItemAdjustment {
  code: string;
  unitPriceFen: number;
  quantity?: number;
}
