/**
 * The factory's working-time calendar and deadline arithmetic in working days.
 *
 * Seed 002 / DESIGN.md: "Working time: Mon–Sat 08:00–20:00 (China Standard Time); holidays come from a calendar."
 * Deadlines "in N working days" end at the close of the N-th working day after the day the clock starts
 * (接到通知后: 正常情况 3个工作日内现场确认处理; 紧急情况: 第二天).
 */
import { DateTime } from 'luxon';

/** A working-time calendar: zone, working weekdays, daily hours and a holiday table (ISO dates, local). */
export interface WorkingCalendar {
  timeZone: string;
  /** ISO weekday numbers, Monday = 1. */
  workingDays: number[];
  /** Local times of day, HH:MM. */
  start: string;
  end: string;
  /** Local dates (YYYY-MM-DD) on which nobody works although the weekday is a working day. */
  holidays: string[];
  /** Local dates worked although the weekday is not a working day (make-up days). */
  extraWorkingDays?: string[];
}

/** The factory's calendar without holidays: Mon–Sat 08:00–20:00 Asia/Shanghai. */
export const FACTORY_CALENDAR: WorkingCalendar = {
  timeZone: 'Asia/Shanghai',
  workingDays: [1, 2, 3, 4, 5, 6],
  start: '08:00',
  end: '20:00',
  holidays: [],
  extraWorkingDays: [],
};

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Throws a message naming the problem when a calendar cannot be used (bad zone, times or dates). */
export function assertValidCalendar(cal: WorkingCalendar): void {
  if (!DateTime.now().setZone(cal.timeZone).isValid) throw new Error(`unknown time zone "${cal.timeZone}"`);
  if (!HHMM.test(cal.start) || !HHMM.test(cal.end)) throw new Error('working hours must be HH:MM');
  if (cal.start >= cal.end) throw new Error('working hours must end after they start');
  if (cal.workingDays.length === 0 || cal.workingDays.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) {
    throw new Error('working days must be ISO weekday numbers 1..7');
  }
  for (const d of [...cal.holidays, ...(cal.extraWorkingDays ?? [])]) {
    if (!ISO_DATE.test(d) || !DateTime.fromISO(d).isValid) throw new Error(`"${d}" is not a date YYYY-MM-DD`);
  }
}

function local(cal: WorkingCalendar, at: Date): DateTime {
  return DateTime.fromJSDate(at, { zone: cal.timeZone });
}

function atTime(day: DateTime, hhmm: string): DateTime {
  const [h, m] = hhmm.split(':').map(Number);
  return day.set({ hour: h, minute: m, second: 0, millisecond: 0 });
}

/** True when the local calendar date of `day` is worked. */
function isWorkingDate(cal: WorkingCalendar, day: DateTime): boolean {
  const iso = day.toISODate() ?? '';
  if (cal.extraWorkingDays?.includes(iso)) return true;
  if (cal.holidays.includes(iso)) return false;
  return cal.workingDays.includes(day.weekday);
}

/** True when the local date of `at` is a working day (holidays excluded, make-up days included). */
export function isWorkingDay(cal: WorkingCalendar, at: Date): boolean {
  return isWorkingDate(cal, local(cal, at));
}

/** True when `at` falls inside working hours of a working day. */
export function isWorkingTime(cal: WorkingCalendar, at: Date): boolean {
  const t = local(cal, at);
  return isWorkingDate(cal, t) && t >= atTime(t, cal.start) && t < atTime(t, cal.end);
}

// Guards against a calendar with (almost) no working days looping for ever.
const MAX_SCAN_DAYS = 800;

/**
 * The close of business (end of working hours) of the `n`-th working day after the local day of `from`;
 * `n = 0` is the close of `from`'s own day if it is a working day, else of the next working day.
 */
export function addWorkingDays(cal: WorkingCalendar, from: Date, n: number): Date {
  if (!Number.isInteger(n) || n < 0) throw new Error(`working days must be a whole number ≥ 0, got ${n}`);
  let day = local(cal, from).startOf('day');
  let remaining = n;
  if (n === 0) {
    for (let i = 0; !isWorkingDate(cal, day); i++) {
      if (i > MAX_SCAN_DAYS) throw new Error('calendar has no working day');
      day = day.plus({ days: 1 });
    }
    return atTime(day, cal.end).toJSDate();
  }
  for (let i = 0; remaining > 0; i++) {
    if (i > MAX_SCAN_DAYS) throw new Error('calendar has no working day');
    day = day.plus({ days: 1 });
    if (isWorkingDate(cal, day)) remaining--;
  }
  return atTime(day, cal.end).toJSDate();
}

/** The start of the next working time at or after `at` (itself when already in working time). */
export function nextWorkingTime(cal: WorkingCalendar, at: Date): Date {
  let t = local(cal, at);
  for (let i = 0; i <= MAX_SCAN_DAYS; i++) {
    if (isWorkingDate(cal, t)) {
      const open = atTime(t, cal.start);
      if (t < open) return open.toJSDate();
      if (t < atTime(t, cal.end)) return t.toJSDate();
    }
    t = t.plus({ days: 1 }).startOf('day');
  }
  throw new Error('calendar has no working day');
}

/** Working days between two instants: how many working-day closes fall in (from, to]. */
export function workingDaysBetween(cal: WorkingCalendar, from: Date, to: Date): number {
  let count = 0;
  for (let n = 1; n <= MAX_SCAN_DAYS; n++) {
    if (addWorkingDays(cal, from, n).getTime() > to.getTime()) return count;
    count = n;
  }
  return count;
}

/** The local date (YYYY-MM-DD) of an instant in the calendar's zone. */
export function localDate(cal: WorkingCalendar, at: Date): string {
  return local(cal, at).toISODate() ?? '';
}

/** Adds whole calendar days (supplier lead times run on the calendar, not on our working days). */
export function addCalendarDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * 86_400_000);
}
