/**
 * Monthly settlement for a customer (seed 001 §6: "if the customer is a regular customer or loyal customer, you
 * can also settle accounts with them every month. Of course, approval is also possible"): a manager approves
 * or refuses the requested credit limit; until then, and after a refusal, the customer prepays.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { CustomerFlowActivities } from '../../activities/customer';
import {
  CUSTOMER_TASK_KIND_NAMES,
  customerSteps,
  type PaymentTermsApprovalInput,
  type PaymentTermsApprovalResult,
} from '../../domain/customer/contract';
import { decideMonthlyTerms } from '../../domain/customer/payment-terms';
import { isRole } from '../../domain/tasks/roles';
import { FOUR_EYES_REQUESTER } from '../../domain/tasks/four-eyes';
import { formatMoney } from '../../domain/shared/money';
import { withFenNames } from '../../domain/shared/money-names';
import { createHumanWaits, DATABASE_WRITE } from '../shared';

const flow = proxyActivities<CustomerFlowActivities>(DATABASE_WRITE);

const DAY_MS = 86_400_000;

/** The approval workflow (id `customer:${customerId}:terms:${requestId}`, task queue `quote`). */
export async function paymentTermsApprovalWorkflow(
  recordedInput: PaymentTermsApprovalInput,
): Promise<PaymentTermsApprovalResult> {
  // Requests made before the money rename were given `creditLimitMinor`.
  const input = withFenNames(recordedInput);
  const outcome = await createHumanWaits().waitFor({
    step: customerSteps.approvePaymentTerms,
    kind: CUSTOMER_TASK_KIND_NAMES.approvePaymentTerms,
    // Credit limits are in yuan (MAX_CREDIT_LIMIT_FEN).
    title: `Approve monthly settlement with a credit limit of ${formatMoney(input.creditLimitFen)}`,
    role: 'manager',
    caseType: 'customer',
    caseId: input.customerId,
    customerId: input.customerId,
    payload: {
      creditLimitFen: input.creditLimitFen,
      requestedBy: input.requestedBy.email,
      [FOUR_EYES_REQUESTER]: input.requestedBy.userId,
    },
    // Reminded after two days; there is nobody above the manager to escalate to.
    remind: { after: 2 * DAY_MS },
    dueAfter: 2 * DAY_MS,
  });
  const completion = outcome.status === 'completed' ? outcome.completion : null;
  if (!completion) throw new Error('payment terms wait ended without a completion');
  const role = completion.completedBy.role;
  const terms = decideMonthlyTerms(input.creditLimitFen, {
    approved: completion.decision === 'approve',
    byUserId: completion.completedBy.userId,
    byRole: isRole(role) ? role : 'customer',
    requestedBy: input.requestedBy.userId,
  });
  await flow.applyPaymentTerms({
    customerId: input.customerId,
    terms,
    decidedBy: completion.completedBy,
    requestId: input.requestId,
  });
  return { approved: terms.kind === 'monthly', terms, decidedBy: completion.completedBy };
}
