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

/**
 * Sales records the auditors' result; a conditional result lists corrective actions with due dates. Until then the
 * visit can be moved (`reschedule` with the new `visitOn` and a reason): the customer is e-mailed the new date and a
 * new result task opens for it.
 */
export const recordAuditResultTaskKind = defineTaskKind({
  kind: CUSTOMER_TASK_KIND_NAMES.recordAuditResult,
  description: "Record the result of the customer's factory audit, or move the visit to another day",
  decisions: ['pass', 'conditional', 'fail', 'reschedule'],
  data: z
    .object({
      auditors: text({ max: 500 }).optional(),
      notes: multilineText({ max: 4000 }).optional(),
      correctiveActions: z
        .array(z.object({ description: multilineText({ min: 1, max: 1000 }), dueOn: planDate() }).strict())
        .max(50)
        .optional(),
      visitOn: planDate().optional(),
      reason: multilineText({ min: 1, max: 2000 }).optional(),
    })
    .strict(),
  alsoAllowed: ['sales_manager'],
  check: (data, _payload, decision) => {
    if (decision === 'reschedule') {
      if (!data.visitOn) return { field: 'visitOn', message: 'moving the visit needs the new date' };
      if (!data.reason) return { field: 'reason', message: 'say why the visit moves (the customer is told)' };
      const extra = (['auditors', 'notes', 'correctiveActions'] as const).find((f) => data[f] !== undefined);
      return extra && { field: extra, message: 'a moved visit has no result yet' };
    }
    if (data.visitOn !== undefined) return { field: 'visitOn', message: 'only a moved visit has a new date' };
    return undefined;
  },
});

/** After a failed audit (and the minimum interval), the sales manager asks for the customer to audit us again. */
export const requestReauditTaskKind = defineTaskKind({
  kind: CUSTOMER_TASK_KIND_NAMES.requestReaudit,
  description: 'Ask for a new factory audit after a failed one, saying what was fixed',
  decisions: ['request'],
  data: z.object({ reason: multilineText({ min: 1, max: 2000 }) }).strict(),
  alsoAllowed: ['manager'],
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
  requestReauditTaskKind,
];
