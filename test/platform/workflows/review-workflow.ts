import { createTaskInbox, type TaskOutcome } from '../../../workflows/shared/wait-for-task';
import type { Role } from '../../../domain/tasks/roles';

export interface ReviewInput {
  caseId: string;
  role: Role;
  customerId?: string;
  giveUpAfter?: string;
}

/** A one-step process for the platform tests: wait for a review with a reminder at 20 h and escalation at 24 h. */
export async function reviewWorkflow(input: ReviewInput): Promise<TaskOutcome> {
  const inbox = createTaskInbox();
  return inbox.waitFor({
    step: 'review',
    kind: 'approval',
    title: `Review ${input.caseId}`,
    role: input.role,
    caseType: 'quote',
    caseId: input.caseId,
    customerId: input.customerId ?? null,
    payload: { note: 'platform test' },
    remindAfter: '20h',
    escalateAfter: '24h',
    escalateTo: ['sales_manager'],
    giveUpAfter: input.giveUpAfter,
  });
}
