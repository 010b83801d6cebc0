/**
 * The after-sales department's daily routines (seed 002), as pure planners over the open RMA steps; the routine
 * workflows gather the rows, call these, and mail the result.
 *
 * - 客退返修处理流程 1: "对客户端的投诉情况进行登记,排定出差计划表,每日下午17:20更新" — the trip plan (tomorrow's site
 *   visits) is updated every day at 17:20.
 * - 3.4.3: "为了有效防止补料时间延迟及排产不及时导致的售后服务品延误,售后工程师每天下午16:00与PMC梳理售后品的排产及物料进度" — at
 *   16:00 after-sales and PMC go through repair scheduling and material progress.
 * - 3: "并将处理结果共享在工作日报中" — results are shared in the daily work report.
 * - 备注 4: "无故违反本流程制度,处以 50 元一次罚款,情节严重者加倍处罚" — 50 CNY per violation of the procedure, doubled
 *   when serious; 备注 3 "特殊情况除外" — a manager may waive it for a special case.
 * Routines run on working days only (the factory calendar); a schedule firing on a rest day or holiday does nothing.
 */
import { DateTime } from 'luxon';
import { addWorkingDays, isWorkingDay, localDate, workingDaysBetween, type WorkingCalendar } from './calendar';

/** The four routines. */
export type RoutineName = 'trip-plan' | 'pmc-agenda' | 'daily-report' | 'penalty-assessment';

/** Local time (HH:MM, factory zone) each routine runs; a schedule per routine (infra/launcher creates them). */
export const ROUTINE_TIMES: Record<RoutineName, string> = {
  'pmc-agenda': '16:00',
  'trip-plan': '17:20',
  'daily-report': '19:30',
  'penalty-assessment': '19:45',
};

/** One open step of an RMA, as the routines read it. */
export interface OpenStep {
  taskId: string;
  rmaId: string;
  reference: string;
  customerName: string;
  customerAddress: string | null;
  urgent: boolean;
  step: string;
  kind: string;
  role: string;
  title: string;
  dueAt: string | null;
}

/** A repair date PMC promised, with whether the repair is done. */
export interface PromisedDate {
  rmaId: string;
  reference: string;
  promisedOn: string;
  repaired: boolean;
}

/** A mail a routine sends: who, subject and lines (English / Chinese). */
export interface RoutineMail {
  roles: string[];
  subject: string;
  lines: string[];
}

/** Formats an instant as the factory's local "YYYY-MM-DD HH:mm". */
export function localTime(cal: WorkingCalendar, at: string | Date): string {
  return DateTime.fromJSDate(new Date(at), { zone: cal.timeZone }).toFormat('yyyy-MM-dd HH:mm');
}

/** True when a routine should run at `now` (a working day of the factory). */
export function routineRunsOn(cal: WorkingCalendar, now: Date): boolean {
  return isWorkingDay(cal, now);
}

const byDue = (a: OpenStep, b: OpenStep) =>
  Number(b.urgent) - Number(a.urgent) || (a.dueAt ?? '').localeCompare(b.dueAt ?? '');

/** 17:20 trip plan: site visits due by the close of the next working day (overdue ones first flagged). */
export function tripPlan(
  steps: OpenStep[],
  now: Date,
  cal: WorkingCalendar,
): { tomorrow: string; visits: (OpenStep & { overdue: boolean })[]; mail: RoutineMail } {
  const horizon = addWorkingDays(cal, now, 1);
  const tomorrow = localDate(cal, horizon);
  const visits = steps
    .filter((s) => s.kind === 'rma.site-visit' && s.dueAt && new Date(s.dueAt) <= horizon)
    .sort(byDue)
    .map((s) => ({ ...s, overdue: new Date(s.dueAt as string) < now }));
  const lines = visits.length
    ? visits.map(
        (v) =>
          `${v.reference} · ${v.customerName}${v.customerAddress ? `, ${v.customerAddress}` : ''} · due 截止 ${localTime(cal, v.dueAt as string)}${v.urgent ? ' · URGENT 紧急' : ''}${v.overdue ? ' · OVERDUE 已逾期' : ''}`,
      )
    : ['No site visits due. 无待安排的现场确认。'];
  return {
    tomorrow,
    visits,
    mail: {
      roles: ['qa', 'sales'],
      subject: `Trip plan for ${tomorrow} / ${tomorrow} 出差计划表 (${visits.length})`,
      lines: [`Site visits to make by ${tomorrow} / 须在 ${tomorrow} 前完成的现场确认:`, ...lines],
    },
  };
}

/** 16:00 PMC agenda: materials awaited, repairs due today and overdue, promised dates at risk. */
export function pmcAgenda(
  steps: OpenStep[],
  promises: PromisedDate[],
  now: Date,
  cal: WorkingCalendar,
): {
  materials: (OpenStep & { material: string; late: boolean })[];
  repairsDue: OpenStep[];
  repairsOverdue: OpenStep[];
  atRisk: (PromisedDate & { reason: string })[];
  mail: RoutineMail;
} {
  const closeToday = addWorkingDays(cal, now, 0);
  const nextDay = localDate(cal, addWorkingDays(cal, now, 1));
  const materials = steps
    .filter((s) => s.kind === 'rma.material-arrived')
    .sort(byDue)
    .map((s) => ({ ...s, material: s.step.split(':')[1] ?? s.step, late: !!s.dueAt && new Date(s.dueAt) < now }));
  const repairs = steps.filter((s) => s.kind === 'rma.repair' && s.dueAt).sort(byDue);
  const repairsOverdue = repairs.filter((s) => new Date(s.dueAt as string) < now);
  const repairsDue = repairs.filter(
    (s) => new Date(s.dueAt as string) >= now && new Date(s.dueAt as string) <= closeToday,
  );
  const atRisk: (PromisedDate & { reason: string })[] = [];
  for (const p of promises.filter((x) => !x.repaired)) {
    const lateMaterial = materials.find(
      (m) => m.rmaId === p.rmaId && m.dueAt && localDate(cal, new Date(m.dueAt)) > p.promisedOn,
    );
    if (p.promisedOn < localDate(cal, now)) atRisk.push({ ...p, reason: 'promised date passed / 承诺日期已过' });
    else if (lateMaterial)
      atRisk.push({ ...p, reason: `${lateMaterial.material} material expected after it / 物料晚于承诺日期到货` });
    else if (p.promisedOn <= nextDay)
      atRisk.push({ ...p, reason: 'due by the next working day, not repaired / 下一工作日到期,尚未修复' });
  }
  const lines = [
    `Materials awaited / 待到物料 (${materials.length}):`,
    ...materials.map(
      (m) =>
        `  ${m.reference} · ${m.material} · expected 预计 ${m.dueAt ? localTime(cal, m.dueAt) : '—'}${m.late ? ' · LATE 逾期' : ''}`,
    ),
    `Repairs due today / 今日到期维修 (${repairsDue.length}):`,
    ...repairsDue.map((r) => `  ${r.reference} · due 截止 ${localTime(cal, r.dueAt as string)}`),
    `Repairs overdue / 逾期维修 (${repairsOverdue.length}):`,
    ...repairsOverdue.map((r) => `  ${r.reference} · was due 原定 ${localTime(cal, r.dueAt as string)}`),
    `Promised dates at risk / 承诺日期有风险 (${atRisk.length}):`,
    ...atRisk.map((p) => `  ${p.reference} · promised 承诺 ${p.promisedOn} · ${p.reason}`),
  ];
  return {
    materials,
    repairsDue,
    repairsOverdue,
    atRisk,
    mail: {
      roles: ['production', 'qa'],
      subject: `PMC agenda ${localDate(cal, now)} 16:00 / 售后排产及物料进度`,
      lines,
    },
  };
}

/** What happened today, for the daily work report. */
export interface DayActivity {
  opened: number;
  closed: number;
  /** Steps completed today by step name. */
  completed: { step: string; reference: string }[];
}

/** The daily work report: opened, closed, steps done today, and what is still open and overdue. */
export function dailyReport(
  day: DayActivity,
  open: OpenStep[],
  now: Date,
  cal: WorkingCalendar,
): { overdue: OpenStep[]; mail: RoutineMail } {
  const counts = new Map<string, number>();
  for (const c of day.completed) {
    const step = c.step.replace(/#\d+$/, '').replace(/:.*$/, '');
    counts.set(step, (counts.get(step) ?? 0) + 1);
  }
  const overdue = open.filter((s) => s.dueAt && new Date(s.dueAt) < now).sort(byDue);
  const lines = [
    `Opened today / 今日登记: ${day.opened}`,
    `Closed today / 今日结案: ${day.closed}`,
    `Steps done today / 今日完成步骤: ${day.completed.length}`,
    ...[...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([step, n]) => `  ${step}: ${n}`),
    `Open steps / 未完成步骤: ${open.length}, overdue / 逾期: ${overdue.length}`,
    ...overdue.map(
      (s) => `  ${s.reference} · ${s.title} · ${s.role} · was due 原定 ${localTime(cal, s.dueAt as string)}`,
    ),
  ];
  return {
    overdue,
    mail: {
      roles: ['manager', 'qa'],
      subject: `After-sales daily work report ${localDate(cal, now)} / 售后工作日报`,
      lines,
    },
  };
}

/** Fine per procedure violation, in fen (50 CNY). */
export const VIOLATION_FINE_FEN = 5_000;
/** Working days late from which a violation is serious (its fine doubles). */
export const SERIOUS_VIOLATION_WORKING_DAYS = 2;

/** A fine the penalty assessment records. */
export interface ViolationFine {
  key: string;
  taskId: string;
  rmaId: string;
  reference: string;
  step: string;
  responsibleRole: string;
  workingDaysLate: number;
  serious: boolean;
  amountFen: number;
  reason: string;
}

/**
 * One fine per overdue step (a step past its deadline is a violation of the procedure), doubled when serious:
 * 2 working days late or more, or an urgent case. The quality-abnormality report is not fined here: its own
 * 50 CNY per day late runs in the workflow (备注 3), and one lateness is not charged twice.
 */
export function assessViolations(open: OpenStep[], now: Date, cal: WorkingCalendar): ViolationFine[] {
  return open
    .filter((s) => s.dueAt && new Date(s.dueAt) < now && s.kind !== 'rma.quality-report')
    .map((s) => {
      const late = workingDaysBetween(cal, new Date(s.dueAt as string), now);
      const serious = late >= SERIOUS_VIOLATION_WORKING_DAYS || s.urgent;
      return {
        key: `violation:${s.taskId}`,
        taskId: s.taskId,
        rmaId: s.rmaId,
        reference: s.reference,
        step: s.step,
        responsibleRole: s.role,
        workingDaysLate: late,
        serious,
        amountFen: VIOLATION_FINE_FEN * (serious ? 2 : 1),
        reason: `RMA ${s.reference}: step "${s.title}" overdue since ${localTime(cal, s.dueAt as string)}${serious ? ' (serious: fine doubled / 情节严重加倍)' : ''}`,
      };
    });
}
