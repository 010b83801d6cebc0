/**
 * Reminder and escalation timers of the order's human waits (issue 6: "unpaid → reminders to the customer,
 * escalation to the finance manager"; "Each wait for a person is a task ... with role, due time, reminder and
 * escalation"; DESIGN.md: "reminders and escalation while unpaid", "reminders and escalation while waiting").
 */
import type { Role } from '../tasks/roles';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Timers of one kind of wait, in milliseconds from the moment the wait began. */
export interface WaitPolicy {
  dueAfterMs: number;
  firstReminderAfterMs: number;
  reminderEveryMs: number;
  /** Reminders stop after this many (a reminder a day for months helps nobody). */
  maxReminders: number;
  /**
   * Who gets reminders: the task's holder, or the customer. For a customer's own task (signature, approval of
   * samples) both are the customer; for the payment task (held by finance) the workflow duns the customer.
   */
  remind: 'assignee' | 'customer';
  escalateAfterMs: number;
  escalateTo: Role;
}

/** The order's waits and their timers. */
export const ORDER_WAIT_POLICIES = {
  /** Customer signs the commission agreement. */
  contractSignature: {
    dueAfterMs: 3 * DAY,
    firstReminderAfterMs: 2 * DAY,
    reminderEveryMs: 2 * DAY,
    maxReminders: 3,
    remind: 'customer',
    escalateAfterMs: 5 * DAY,
    escalateTo: 'sales_manager',
  },
  /** Sales manager approves the signed contract. */
  contractApproval: {
    dueAfterMs: 1 * DAY,
    firstReminderAfterMs: 20 * HOUR,
    reminderEveryMs: 1 * DAY,
    maxReminders: 3,
    remind: 'assignee',
    escalateAfterMs: 2 * DAY,
    escalateTo: 'manager',
  },
  /** Unpaid deposit or balance: reminders to the customer, escalation to the finance manager after 7 days. */
  payment: {
    dueAfterMs: 7 * DAY,
    firstReminderAfterMs: 2 * DAY,
    reminderEveryMs: 2 * DAY,
    maxReminders: 5,
    remind: 'customer',
    escalateAfterMs: 7 * DAY,
    escalateTo: 'manager',
  },
  /** Finance approves a statement entry for a monthly-settlement customer. */
  statementApproval: {
    dueAfterMs: 1 * DAY,
    firstReminderAfterMs: 20 * HOUR,
    reminderEveryMs: 1 * DAY,
    maxReminders: 3,
    remind: 'assignee',
    escalateAfterMs: 2 * DAY,
    escalateTo: 'manager',
  },
  /** Finance works out a cancelled order's refund; seed-silent: a few days, like an invoice query (README). */
  refund: {
    dueAfterMs: 3 * DAY,
    firstReminderAfterMs: 2 * DAY,
    reminderEveryMs: 1 * DAY,
    maxReminders: 5,
    remind: 'assignee',
    escalateAfterMs: 3 * DAY,
    escalateTo: 'manager',
  },
  /** A second person approves money another prepared (refund, statement entry). */
  moneyApproval: {
    dueAfterMs: 1 * DAY,
    firstReminderAfterMs: 20 * HOUR,
    reminderEveryMs: 1 * DAY,
    maxReminders: 3,
    remind: 'assignee',
    escalateAfterMs: 2 * DAY,
    escalateTo: 'manager',
  },
  /** Factory-floor steps: kitting, stencil, program, reflow profile, line slot, samples, rework. */
  floorStep: {
    dueAfterMs: 2 * DAY,
    firstReminderAfterMs: 1 * DAY,
    reminderEveryMs: 1 * DAY,
    maxReminders: 5,
    remind: 'assignee',
    escalateAfterMs: 3 * DAY,
    escalateTo: 'manager',
  },
  /** Customer approves or rejects the proofing samples. */
  sampleApproval: {
    dueAfterMs: 3 * DAY,
    firstReminderAfterMs: 2 * DAY,
    reminderEveryMs: 2 * DAY,
    maxReminders: 3,
    remind: 'customer',
    escalateAfterMs: 5 * DAY,
    escalateTo: 'sales_manager',
  },
  /** QA inspects a lot. */
  inspection: {
    dueAfterMs: 1 * DAY,
    firstReminderAfterMs: 20 * HOUR,
    reminderEveryMs: 1 * DAY,
    maxReminders: 5,
    remind: 'assignee',
    escalateAfterMs: 2 * DAY,
    escalateTo: 'manager',
  },
  /** Volume production runs for days; the floor reports progress as it goes. */
  volumeProduction: {
    dueAfterMs: 14 * DAY,
    firstReminderAfterMs: 3 * DAY,
    reminderEveryMs: 3 * DAY,
    maxReminders: 5,
    remind: 'assignee',
    escalateAfterMs: 14 * DAY,
    escalateTo: 'manager',
  },
  /** Warehouse books the carrier and confirms delivery. */
  shipment: {
    dueAfterMs: 2 * DAY,
    firstReminderAfterMs: 1 * DAY,
    reminderEveryMs: 1 * DAY,
    maxReminders: 5,
    remind: 'assignee',
    escalateAfterMs: 3 * DAY,
    escalateTo: 'manager',
  },
  delivery: {
    dueAfterMs: 7 * DAY,
    firstReminderAfterMs: 5 * DAY,
    reminderEveryMs: 2 * DAY,
    maxReminders: 3,
    remind: 'assignee',
    escalateAfterMs: 10 * DAY,
    escalateTo: 'manager',
  },
} as const satisfies Record<string, WaitPolicy>;

/** Names of {@link ORDER_WAIT_POLICIES}. */
export type OrderWaitName = keyof typeof ORDER_WAIT_POLICIES;
