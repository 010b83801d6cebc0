import { z } from 'zod';
import { text } from '../../domain/shared/fields';
import { ROLES } from '../../domain/tasks/roles';

const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

export const ListTasksQuery = z
  .object({
    role: z.enum(ROLES).optional(),
    case: text({ min: 1, max: 200 }).optional().meta({ description: 'case id (quote, order, rma or customer id)' }),
    caseType: text({ min: 1, max: 50 }).optional(),
    kind: text({ min: 1, max: 100 }).optional(),
    status: z.enum(['open', 'completed', 'cancelled']).default('open'),
    overdue: booleanQuery.optional(),
    customerId: z.uuid({ error: 'must be a customer id (uuid)' }).optional(),
    // One line of words: control characters refused (400 naming `q`), like every other text field.
    q: text({ max: 200 })
      .transform((v) => v.trim())
      .optional()
      .meta({ description: 'words in the title, the case reference or the customer name' }),
    assignee: z
      .union([z.literal('me'), z.literal('none'), z.uuid()], { error: "must be 'me', 'none' or a user id" })
      .optional()
      .meta({ description: "'me' (claimed by the caller), 'none' (unclaimed) or a user id" }),
    sort: z.enum(['due', 'created', 'customer', 'amount', 'reference']).default('due'),
    dir: z.enum(['asc', 'desc']).default('asc'),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();
export type ListTasksQuery = z.infer<typeof ListTasksQuery>;

export const AssignTaskRequest = z
  .object({
    assigneeId: z
      .uuid({ error: 'must be a user id (uuid) or null' })
      .nullable()
      .meta({ description: 'the person to give the task to; null gives it back to the role' }),
  })
  .strict()
  .meta({ id: 'AssignTaskRequest' });
export type AssignTaskRequest = z.infer<typeof AssignTaskRequest>;

export const TaskIdParams = z.object({ id: z.uuid({ error: 'must be a task id (uuid)' }) });
export type TaskIdParams = z.infer<typeof TaskIdParams>;

export const CompleteTaskRequest = z
  .object({
    decision: text({ min: 1, max: 100 }).meta({ example: 'approve' }),
    data: z.record(z.string(), z.unknown()).default({}),
  })
  .strict()
  .meta({ id: 'CompleteTaskRequest' });
export type CompleteTaskRequest = z.infer<typeof CompleteTaskRequest>;

export const TaskView = z
  .object({
    id: z.uuid(),
    workflowId: z.string(),
    step: z.string(),
    kind: z.string(),
    title: z.string(),
    role: z.enum(ROLES),
    caseType: z.string(),
    caseId: z.string(),
    customerId: z.uuid().nullable(),
    status: z.enum(['open', 'completed', 'cancelled']),
    payload: z.record(z.string(), z.unknown()),
    dueAt: z.string().nullable(),
    remindAt: z.string().nullable(),
    escalateAt: z.string().nullable(),
    remindedAt: z.string().nullable(),
    escalatedAt: z.string().nullable(),
    overdue: z.boolean(),
    decision: z.string().nullable(),
    data: z.record(z.string(), z.unknown()).nullable(),
    completedBy: z.uuid().nullable(),
    completedAt: z.string().nullable(),
    createdAt: z.string(),
    caseReference: z.string().nullable().optional().meta({ description: 'Q-…, SO-…, RMA-… (lists only)' }),
    customerName: z.string().nullable().optional(),
    amountFen: z
      .number()
      .int()
      .nullable()
      .optional()
      .meta({ description: 'what is outstanding on a payment, else the order or quote total (fen)' }),
    assigneeId: z.uuid().nullable().optional(),
    assigneeName: z.string().nullable().optional(),
    assignedAt: z.string().nullable().optional(),
  })
  .meta({ id: 'Task' });
export type TaskView = z.infer<typeof TaskView>;

export const TaskKindView = z
  .object({
    kind: z.string(),
    description: z.string(),
    decisions: z.array(z.string()),
    dataSchema: z.record(z.string(), z.unknown()).meta({ description: 'JSON Schema of `data`' }),
  })
  .meta({ id: 'TaskKind' });
