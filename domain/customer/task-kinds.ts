/** The customer workflows' human tasks: what each accepts when completed (the platform's task kinds). */
import { z } from 'zod';
import { multilineText, planDate, text } from '../shared/fields';
import { defineTaskKind, type TaskKind } from '../tasks/kinds';
import { CUSTOMER_TASK_KIND_NAMES } from './contract';

/** Sales agrees the audit visit date with the customer. */
export const scheduleAuditTaskKind = defineTaskKind({
  kind: CUSTOMER_TASK_KIND_NAMES.scheduleAudit,
  description: "Agree the date of the customer's audit visit of our factory",
  decisions: ['schedule'],
  data: z.object({ visitOn: planDate(), comment: multilineText({ max: 2000 }).optional() }).strict(),
});

/** Sales records the auditors' result; a conditional result lists corrective actions with due dates. */
export const recordAuditResultTaskKind = defineTaskKind({
  kind: CUSTOMER_TASK_KIND_NAMES.recordAuditResult,
  description: "Record the result of the customer's factory audit",
  decisions: ['pass', 'conditional', 'fail'],
  data: z
    .object({
      auditors: text({ max: 500 }).optional(),
      notes: multilineText({ max: 4000 }).optional(),
      correctiveActions: z
        .array(z.object({ description: multilineText({ min: 1, max: 1000 }), dueOn: planDate() }).strict())
        .max(50)
        .optional(),
    })
    .strict(),
});

/** Someone at the factory reports a corrective action done. */
export const correctiveActionTaskKind = defineTaskKind({
  kind: CUSTOMER_TASK_KIND_NAMES.correctiveAction,
  description: 'Complete a corrective action from the factory audit',
  decisions: ['done'],
  data: z.object({ comment: multilineText({ max: 2000 }).optional() }).strict(),
  alsoAllowed: ['sales', 'manager'],
});

/** A manager approves or refuses monthly settlement with its credit limit. */
export const approvePaymentTermsTaskKind = defineTaskKind({
  kind: CUSTOMER_TASK_KIND_NAMES.approvePaymentTerms,
  description: 'Approve monthly settlement with the requested credit limit, or keep prepay',
  decisions: ['approve', 'reject'],
  data: z.object({ comment: multilineText({ max: 2000 }).optional() }).strict(),
});

/** Every task kind of the customer workflows, for the platform's registry. */
export const CUSTOMER_TASK_KINDS: readonly TaskKind[] = [
  scheduleAuditTaskKind,
  recordAuditResultTaskKind,
  correctiveActionTaskKind,
  approvePaymentTermsTaskKind,
];
