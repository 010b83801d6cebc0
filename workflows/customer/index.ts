/** Every workflow of the customer context (they run on the `quote` task queue). */
export { customerOnboardingWorkflow } from './onboarding-workflow';
export { paymentTermsApprovalWorkflow } from './payment-terms-workflow';
