/**
 * A task as its customer reads it: an explicit view built field by field, never the staff task with parts removed.
 * It says what the customer must decide and by when — no assignee or completer, no reminder / escalation times,
 * no workflow id and no payload beyond the figures the customer decides on (the same rule as an RMA's own steps).
 */
import { z } from 'zod';
import type { Task } from '../../domain/tasks/task';

/** Payload keys a customer decides on (amounts, quantities, which quote revision); the rest is internal. */
const CUSTOMER_PAYLOAD_KEYS = [
  'reference',
  'revision',
  'totalFen',
  'depositFen',
  'amountFen',
  'currency',
  'amountFen',
  'quantity',
] as const;

export const CustomerTaskView = z
  .object({
    id: z.uuid(),
    step: z.string(),
    kind: z.string(),
    title: z.string(),
    role: z.literal('customer'),
    caseType: z.string(),
    caseId: z.string(),
    caseReference: z.string().nullable(),
    status: z.enum(['open', 'completed', 'cancelled']),
    payload: z.record(z.string(), z.unknown()),
    answerBy: z.string().nullable().meta({ description: "the customer's own deadline to answer (open tasks only)" }),
    decision: z.string().nullable().meta({ description: "the customer's answer, once given" }),
    answeredAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'CustomerTask' });
export type CustomerTaskView = z.infer<typeof CustomerTaskView>;

/** The customer's task (only tasks for the customer role reach a customer; `canSee` in the router checks that). */
export function toCustomerTaskView(task: Task, caseReference: string | null = null): CustomerTaskView {
  const payload: Record<string, unknown> = {};
  for (const key of CUSTOMER_PAYLOAD_KEYS) if (task.payload && key in task.payload) payload[key] = task.payload[key];
  return {
    id: task.id,
    step: task.step,
    kind: task.kind,
    title: task.title,
    role: 'customer',
    caseType: task.caseType,
    caseId: task.caseId,
    caseReference,
    status: task.status,
    payload,
    answerBy: task.status === 'open' && task.dueAt ? task.dueAt.toISOString() : null,
    decision: task.status === 'completed' ? task.decision : null,
    answeredAt: task.status === 'completed' && task.completedAt ? task.completedAt.toISOString() : null,
    createdAt: task.createdAt.toISOString(),
  };
}
