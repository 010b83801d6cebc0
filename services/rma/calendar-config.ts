import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../../infra/config';
import type { WorkingCalendar } from '../../domain/rma/calendar';
import { calendarWithHolidays, HolidayTable } from '../../domain/rma/holidays';

/** Where the shipped holiday tables live. */
export const HOLIDAYS_DIR = join(__dirname, '..', '..', 'config', 'holidays');

/** Reads one holiday table, naming the file and field on a problem. */
export function readHolidayTable(file: string): HolidayTable {
  const parsed = HolidayTable.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`holiday table ${file}: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * The factory's working calendar from the configuration (zone, working days, hours) and the holiday tables:
 * HOLIDAY_CALENDAR_FILE when set, else every table in config/holidays.
 */
export function loadWorkingCalendar(business: Config['business'], holidaysDir = HOLIDAYS_DIR): WorkingCalendar {
  const files = business.holidayCalendarFile
    ? [resolve(business.holidayCalendarFile)]
    : existsSync(holidaysDir)
      ? readdirSync(holidaysDir)
          .filter((f) => f.endsWith('.json'))
          .sort()
          .map((f) => join(holidaysDir, f))
      : [];
  return calendarWithHolidays(files.map(readHolidayTable), {
    timeZone: business.timeZone,
    workingDays: business.workingDays,
    start: business.workingHours.start,
    end: business.workingHours.end,
    holidays: [],
    extraWorkingDays: [],
  });
}
