/**
 * The holiday table's format (`config/holidays/*.json`) and how it becomes a working calendar. Reading the
 * files is I/O and happens in services/activities; this module only checks and merges.
 */
import { z } from 'zod';
import { assertValidCalendar, FACTORY_CALENDAR, type WorkingCalendar } from './calendar';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

/** One holiday file. */
export const HolidayTable = z
  .object({
    name: z.string().min(1),
    timeZone: z.string().min(1),
    note: z.string().optional(),
    holidays: z.array(isoDate),
    extraWorkingDays: z.array(isoDate).default([]),
  })
  .strict();
export type HolidayTable = z.infer<typeof HolidayTable>;

/** The working calendar from base settings and any number of holiday tables (all in the calendar's zone). */
export function calendarWithHolidays(
  tables: HolidayTable[],
  base: WorkingCalendar = FACTORY_CALENDAR,
): WorkingCalendar {
  for (const t of tables) {
    if (t.timeZone !== base.timeZone)
      throw new Error(`holiday table "${t.name}" is for ${t.timeZone}, the calendar for ${base.timeZone}`);
  }
  const cal: WorkingCalendar = {
    ...base,
    holidays: [...new Set([...base.holidays, ...tables.flatMap((t) => t.holidays)])].sort(),
    extraWorkingDays: [
      ...new Set([...(base.extraWorkingDays ?? []), ...tables.flatMap((t) => t.extraWorkingDays)]),
    ].sort(),
  };
  assertValidCalendar(cal);
  return cal;
}
