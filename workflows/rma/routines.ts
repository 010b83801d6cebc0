/**
 * Seed 002's daily routines, each a workflow a Temporal Schedule starts at its local time (Asia/Shanghai,
 * infra/launcher creates the schedules): 16:00 PMC agenda, 17:20 trip plan, the daily work report and the
 * penalty assessment. A firing on a day the factory does not work does nothing.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { RmaRoutineActivities } from '../../activities/rma/routines';
import type { WorkingCalendar } from '../../domain/rma/calendar';
import { addWorkingDays, localDate } from '../../domain/rma/calendar';
import {
  assessViolations,
  dailyReport,
  pmcAgenda,
  routineRunsOn,
  tripPlan,
  type RoutineMail,
} from '../../domain/rma/routines';
import type { Role } from '../../domain/tasks/roles';

const acts = proxyActivities<RmaRoutineActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** What a routine runs with (the schedule's arguments). */
export interface RoutineInput {
  calendar: WorkingCalendar;
}

/** What a routine did. */
export interface RoutineResult {
  ran: boolean;
  /** The factory's local date it ran for. */
  day: string;
  items: number;
  recipients: string[];
}

/** The run's idempotency key: one mail per local day and routine, whatever run id the schedule gives. */
function keyFor(name: string, cal: WorkingCalendar, now: Date): string {
  return `rma-routine:${name}:${localDate(cal, now)}`;
}

async function send(name: string, cal: WorkingCalendar, now: Date, mail: RoutineMail): Promise<string[]> {
  const r = await acts.sendRoutineMail({
    key: keyFor(name, cal, now),
    roles: mail.roles as Role[],
    subject: mail.subject,
    lines: mail.lines,
  });
  return r.recipients;
}

function skipped(cal: WorkingCalendar, now: Date): RoutineResult {
  return { ran: false, day: localDate(cal, now), items: 0, recipients: [] };
}

/** 17:20 — 排定出差计划表,每日下午17:20更新: tomorrow's site visits to after-sales / QA. */
export async function rmaTripPlanWorkflow(input: RoutineInput): Promise<RoutineResult> {
  const now = new Date(Date.now());
  if (!routineRunsOn(input.calendar, now)) return skipped(input.calendar, now);
  const plan = tripPlan(await acts.loadOpenSteps(), now, input.calendar);
  return {
    ran: true,
    day: localDate(input.calendar, now),
    items: plan.visits.length,
    recipients: await send('trip-plan', input.calendar, now, plan.mail),
  };
}

/** 16:00 — 售后工程师每天下午16:00与PMC梳理售后品的排产及物料进度: the agenda for PMC. */
export async function rmaPmcAgendaWorkflow(input: RoutineInput): Promise<RoutineResult> {
  const now = new Date(Date.now());
  if (!routineRunsOn(input.calendar, now)) return skipped(input.calendar, now);
  const [steps, promises] = await Promise.all([acts.loadOpenSteps(), acts.loadPromisedDates()]);
  const agenda = pmcAgenda(steps, promises, now, input.calendar);
  const items =
    agenda.materials.length + agenda.repairsDue.length + agenda.repairsOverdue.length + agenda.atRisk.length;
  return {
    ran: true,
    day: localDate(input.calendar, now),
    items,
    recipients: await send('pmc-agenda', input.calendar, now, agenda.mail),
  };
}

/** 工作日报 — the day's work since the previous working day's close, and what is overdue. */
export async function rmaDailyReportWorkflow(input: RoutineInput): Promise<RoutineResult> {
  const now = new Date(Date.now());
  const cal = input.calendar;
  if (!routineRunsOn(cal, now)) return skipped(cal, now);
  // Today's local midnight: the routine runs on working days only, so today's close is today's end of hours.
  const startOfDay = new Date(addWorkingDays(cal, now, 0).getTime() - toMinutes(cal.end) * 60_000);
  const [day, open] = await Promise.all([
    acts.loadDayActivity({ from: startOfDay.toISOString(), to: now.toISOString() }),
    acts.loadOpenSteps(),
  ]);
  const report = dailyReport(day, open, now, cal);
  return {
    ran: true,
    day: localDate(cal, now),
    items: day.completed.length,
    recipients: await send('daily-report', cal, now, report.mail),
  };
}

/** 无故违反本流程制度,处以 50 元一次罚款,情节严重者加倍处罚 — one fine per overdue step, doubled if serious. */
export async function rmaPenaltyAssessmentWorkflow(input: RoutineInput): Promise<RoutineResult> {
  const now = new Date(Date.now());
  if (!routineRunsOn(input.calendar, now)) return skipped(input.calendar, now);
  const fines = assessViolations(await acts.loadOpenSteps(), now, input.calendar);
  const r = await acts.recordViolationFines({ key: keyFor('penalty-assessment', input.calendar, now), fines });
  return { ran: true, day: localDate(input.calendar, now), items: r.booked.length, recipients: [] };
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}
