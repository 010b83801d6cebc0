import { proxyActivities } from '@temporalio/workflow';
import { MAIL_OUTBOX } from '../../../workflows/shared/activity-options';
import type { MailActivities } from '../../../activities/mail';

const { sendMail } = proxyActivities<MailActivities>(MAIL_OUTBOX);

/** A second context's workflow for the worker tests: queues one email through the platform's mail activity. */
export async function greetingWorkflow(to: string): Promise<number> {
  const { queued } = await sendMail({
    idempotencyKey: `greeting:${to}`,
    to: [to],
    subject: 'Hello',
    text: 'from a workflow',
  });
  return queued;
}
