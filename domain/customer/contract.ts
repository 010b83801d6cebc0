/**
 * The customer context's public contract: workflow ids, inputs, the state query and task steps of the
 * onboarding (factory audit) and payment-terms workflows. They run on the quote task queue.
 */
import { defineQuery } from '@temporalio/workflow';
import type { AuditResult, OnboardingStatus } from './onboarding';
import type { PaymentTerms } from './payment-terms';

/** Customer workflows share the quote task queue (contracts.md). */
export const CUSTOMER_TASK_QUEUE = 'quote';

/** Workflow type names. */
export const CUSTOMER_ONBOARDING_WORKFLOW_TYPE = 'customerOnboardingWorkflow';
export const PAYMENT_TERMS_WORKFLOW_TYPE = 'paymentTermsApprovalWorkflow';

/** Workflow id of a customer's onboarding. */
export function customerWorkflowId(customerId: string): string {
  return `customer:${customerId}`;
}

/** Workflow id of one payment-terms change request. */
export function paymentTermsWorkflowId(customerId: string, requestId: string): string {
  return `customer:${customerId}:terms:${requestId}`;
}

/** Who acted, as the workflows record it. */
export interface CustomerActor {
  userId: string;
  email: string;
  role: string;
}

/** Input of the onboarding workflow. */
export interface CustomerOnboardingInput {
  customerId: string;
  name: string;
  /** Audit optional per customer; false → the customer may be quoted as soon as it is registered. */
  auditRequired: boolean;
  registeredBy: CustomerActor;
}

/** A corrective action as the workflow tracks it. */
export interface CorrectiveActionState {
  id: string;
  description: string;
  dueOn: string;
  /** ISO timestamp. */
  deadline: string;
  status: 'open' | 'done';
  escalations: number;
  closedBy: CustomerActor | null;
}

/** A decision recorded by the onboarding workflow. */
export interface CustomerDecisionRecord {
  step: string;
  decision: string;
  by: CustomerActor;
  /** ISO timestamp. */
  at: string;
}

/** What the onboarding workflow's query answers. */
export interface CustomerOnboardingState {
  customerId: string;
  status: OnboardingStatus;
  auditRequired: boolean;
  step: string;
  visitOn: string | null;
  auditResult: AuditResult | null;
  correctiveActions: CorrectiveActionState[];
  openTasks: { step: string; kind: string; role: string; taskId: string | null; dueAt: string | null }[];
  deadlines: { visitReminderAt: string | null; resultDueAt: string | null };
  decisions: CustomerDecisionRecord[];
  /** After a failed audit: the day (YYYY-MM-DD, factory time) from which a re-audit may be requested. */
  reauditFrom?: string | null;
  /** The audit round: 1, then 2 after the first re-audit, … */
  auditRound?: number;
}

/** The onboarding workflow's state query. */
export const customerOnboardingStateQuery = defineQuery<CustomerOnboardingState>('customerOnboardingState');

/** Task steps of the onboarding workflow. */
export const customerSteps = {
  scheduleAudit: 'schedule-audit',
  recordAuditResult: 'record-audit-result',
  correctiveAction: (actionId: string) => `corrective-action-${actionId}`,
  approvePaymentTerms: 'approve-payment-terms',
  requestReaudit: 'request-reaudit',
} as const;

/**
 * The step name of the n-th task of one step (a moved visit, a re-audit): the first keeps the plain name, so the
 * steps of workflows started before re-audits and moved visits existed stay the same.
 */
export function nthStep(step: string, n: number): string {
  return n <= 1 ? step : `${step}-${n}`;
}

/** Task kind names of the customer context (schemas in ./task-kinds). */
export const CUSTOMER_TASK_KIND_NAMES = {
  scheduleAudit: 'customer.audit-visit',
  recordAuditResult: 'customer.audit-result',
  correctiveAction: 'customer.corrective-action',
  approvePaymentTerms: 'customer.payment-terms-approval',
  requestReaudit: 'customer.reaudit',
} as const;
export type CustomerTaskKindName = (typeof CUSTOMER_TASK_KIND_NAMES)[keyof typeof CUSTOMER_TASK_KIND_NAMES];

/** Input of the payment-terms approval workflow. */
export interface PaymentTermsApprovalInput {
  customerId: string;
  requestId: string;
  creditLimitFen: number;
  requestedBy: CustomerActor;
}

/** How a payment-terms request ended. */
export interface PaymentTermsApprovalResult {
  approved: boolean;
  terms: PaymentTerms;
  decidedBy: CustomerActor;
}
