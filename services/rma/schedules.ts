/**
 * The after-sales routines on Temporal Schedules (seed 002: 16:00 PMC sync, 17:20 trip plan, the daily work
 * report, the penalty assessment). Each fires every day at its local time in the factory's zone; the routine
 * workflow itself skips rest days and holidays, so make-up working days (a worked Sunday) are covered too.
 * Creating is idempotent: an existing schedule is left alone when its spec and arguments match, else updated.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { Logger } from 'pino';
import { RMA_TASK_QUEUE } from '../../domain/rma/contract';
import type { WorkingCalendar } from '../../domain/rma/calendar';
import { ROUTINE_TIMES, type RoutineName } from '../../domain/rma/routines';

/** The workflow type of each routine (workflows/rma/routines.ts). */
const ROUTINE_WORKFLOWS: Record<RoutineName, string> = {
  'trip-plan': 'rmaTripPlanWorkflow',
  'pmc-agenda': 'rmaPmcAgendaWorkflow',
  'daily-report': 'rmaDailyReportWorkflow',
  'penalty-assessment': 'rmaPenaltyAssessmentWorkflow',
};

/** Schedule id of a routine. */
export function routineScheduleId(name: RoutineName): string {
  return `rma-routine-${name}`;
}

/** The schedule of one routine. */
export function routineSchedule(name: RoutineName, calendar: WorkingCalendar): ScheduleOptions {
  const [hour, minute] = ROUTINE_TIMES[name].split(':').map(Number);
  return {
    scheduleId: routineScheduleId(name),
    spec: {
      calendars: [{ hour, minute, comment: `${name} at ${ROUTINE_TIMES[name]} ${calendar.timeZone}` }],
      timezone: calendar.timeZone,
    },
    action: {
      type: 'startWorkflow',
      workflowType: ROUTINE_WORKFLOWS[name],
      taskQueue: RMA_TASK_QUEUE,
      workflowId: `rma-routine-${name}`,
      args: [{ calendar }],
    },
    // A routine that is still running when the next one is due is not run twice; a firing missed during an
    // outage of up to an hour still runs (a trip plan an hour late beats none).
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
  };
}

/** What ensuring the schedules did. */
export interface EnsureSchedulesResult {
  created: string[];
  updated: string[];
  unchanged: string[];
}

/** Creates the four routine schedules, or updates those whose time, zone or calendar changed. */
export async function ensureRmaRoutineSchedules(
  client: Client,
  calendar: WorkingCalendar,
  logger?: Logger,
): Promise<EnsureSchedulesResult> {
  const result: EnsureSchedulesResult = { created: [], updated: [], unchanged: [] };
  for (const name of Object.keys(ROUTINE_TIMES) as RoutineName[]) {
    const wanted = routineSchedule(name, calendar);
    try {
      await client.schedule.create(wanted);
      result.created.push(wanted.scheduleId);
      continue;
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    }
    const handle = client.schedule.getHandle(wanted.scheduleId);
    const current = await handle.describe();
    const at = current.spec.calendars?.[0];
    const action = current.action.type === 'startWorkflow' ? current.action : undefined;
    const [hour, minute] = ROUTINE_TIMES[name].split(':').map(Number);
    const same =
      current.spec.timezone === calendar.timeZone &&
      at?.hour?.[0]?.start === hour &&
      at?.minute?.[0]?.start === minute &&
      action?.workflowType === ROUTINE_WORKFLOWS[name] &&
      action?.taskQueue === RMA_TASK_QUEUE &&
      JSON.stringify(action?.args) === JSON.stringify(wanted.action.args);
    if (same) {
      result.unchanged.push(wanted.scheduleId);
      continue;
    }
    await handle.update((previous) => ({
      ...previous,
      spec: wanted.spec,
      action: wanted.action,
      policies: { ...previous.policies, ...wanted.policies },
    }));
    result.updated.push(wanted.scheduleId);
  }
  if (logger && (result.created.length || result.updated.length)) logger.info(result, 'RMA routine schedules ensured');
  return result;
}
