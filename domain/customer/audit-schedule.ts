/**
 * The factory audit's clock. The visit: sales is reminded the morning before (08:00 factory time) and records
 * the result by the end of the visit day. Corrective actions of a conditional audit: each has a deadline; past it the manager is escalated to, then
 * again every day while it stays open (issue 6: "corrective actions, each with a deadline timer and escalation
 * to the manager when overdue"). The factory works on China Standard Time (DESIGN.md: "Working time: Mon–Sat
 * 08:00–20:00 (China Standard Time)"), which has no daylight saving, so a fixed offset is exact.
 */

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** China Standard Time is UTC+8 all year. */
export const FACTORY_UTC_OFFSET_HOURS = 8;

/** A corrective action as the audit records it. */
export interface CorrectiveActionPlan {
  id: string;
  description: string;
  /** Last day to finish it (YYYY-MM-DD, factory time). */
  dueOn: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The instant a corrective action becomes overdue: the end of its due day in factory time. */
export function correctiveActionDeadline(dueOn: string, utcOffsetHours: number = FACTORY_UTC_OFFSET_HOURS): number {
  const m = DATE.exec(dueOn);
  if (!m) throw new RangeError(`due date must be YYYY-MM-DD, got "${dueOn}"`);
  const startOfDayUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(startOfDayUtc).toISOString().slice(0, 10) !== dueOn)
    throw new RangeError(`"${dueOn}" is not a calendar date`);
  return startOfDayUtc + DAY_MS - utcOffsetHours * HOUR_MS;
}

/** The n-th overdue escalation (from 1) of an action due at `deadline`: at the deadline, then daily. */
export function overdueEscalationAt(deadline: number, number: number): number {
  return deadline + (number - 1) * DAY_MS;
}

/** The first instant of a day (YYYY-MM-DD) in factory time. */
export function startOfFactoryDay(day: string, utcOffsetHours: number = FACTORY_UTC_OFFSET_HOURS): number {
  return correctiveActionDeadline(day, utcOffsetHours) - DAY_MS;
}

/** When sales is reminded of a visit: 08:00 factory time the day before. */
export function auditVisitReminderAt(visitOn: string, utcOffsetHours: number = FACTORY_UTC_OFFSET_HOURS): number {
  return startOfFactoryDay(visitOn, utcOffsetHours) - DAY_MS + 8 * HOUR_MS;
}

/** When the visit's result is due from sales: the end of the visit day. */
export function auditResultDueAt(visitOn: string, utcOffsetHours: number = FACTORY_UTC_OFFSET_HOURS): number {
  return correctiveActionDeadline(visitOn, utcOffsetHours);
}

/**
 * A failed audit may be redone once the findings had time to be fixed: the sales manager can ask for a re-audit
 * from 30 days after the failed result was recorded (a real fix — ESD control, MSD storage, calibration — takes
 * weeks; a re-audit the week after only repeats the finding). The seeds say nothing; README "Quotes and customers".
 */
export const REAUDIT_AFTER_DAYS = 30;

/** How long the re-audit stays on offer after it opens; then the onboarding ends rejected for good. */
export const REAUDIT_OFFER_DAYS = 365;
