/**
 * Every workflow of the `quote` task queue (the worker's workflowsPath): the quote workflow and, sharing the
 * queue (contracts.md), the customer onboarding and payment-terms workflows.
 */
export { quoteWorkflow } from './quote-workflow';
export { customerOnboardingWorkflow, paymentTermsApprovalWorkflow } from '../customer';
