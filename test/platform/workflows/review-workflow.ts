import { createHumanWaits, type WaitOutcome } from '../../../workflows/shared/human-waits';
import type { Role } from '../../../domain/tasks/roles';

export interface ReviewInput {
  caseId: string;
  role: Role;
  customerId?: string;
  giveUpAfter?: string;
}

/** A one-step process for the platform tests: wait for a review with a reminder at 20 h and escalation at 24 h. */
export async function reviewWorkflow(input: ReviewInput): Promise<WaitOutcome> {
  return createHumanWaits().waitFor({
    step: 'review',
    kind: 'approval',
    title: `Review ${input.caseId}`,
    role: input.role,
    caseType: 'quote',
    caseId: input.caseId,
    customerId: input.customerId ?? null,
    payload: { note: 'platform test' },
    remind: { after: '20h' },
    escalate: { after: '24h', to: ['sales_manager'] },
    giveUpAfter: input.giveUpAfter,
  });
}
