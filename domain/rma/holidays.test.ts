import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { calendarWithHolidays, HolidayTable } from './holidays';
import { addWorkingDays, isWorkingDay } from './calendar';

// DESIGN.md: "Working time: Mon–Sat 08:00–20:00 (China Standard Time); holidays come from a calendar."
const table = HolidayTable.parse(
  JSON.parse(readFileSync(join(__dirname, '../../config/holidays/cn-2026.json'), 'utf8')),
);
const cal = calendarWithHolidays([table]);

describe('holiday table from config/holidays', () => {
  it.each([
    ['National Day 2026-10-01 (Thursday)', '2026-10-01T02:00:00Z', false],
    ['Spring Festival 2026-02-17 (Tuesday)', '2026-02-17T02:00:00Z', false],
    ['make-up Sunday 2026-09-20', '2026-09-20T02:00:00Z', true],
    ['ordinary Sunday 2026-11-29', '2026-11-29T02:00:00Z', false],
  ])('%s → working %s', (_name, iso, expected) => {
    expect(isWorkingDay(cal, new Date(iso))).toBe(expected);
  });

  it('a visit notified on 30 Sep is due on 10 Oct (the National Day week is skipped)', () => {
    // 30 Sep + 3 working days: 8 Oct (Thu), 9 Oct (Fri), 10 Oct (Sat, make-up) → 10 Oct 20:00 local.
    expect(addWorkingDays(cal, new Date('2026-09-30T02:00:00Z'), 3).toISOString()).toBe('2026-10-10T12:00:00.000Z');
  });

  it('refuses a table for another zone', () => {
    expect(() => calendarWithHolidays([{ ...table, timeZone: 'Europe/Berlin' }])).toThrow('is for Europe/Berlin');
  });

  it('refuses a malformed date with the field named', () => {
    const r = HolidayTable.safeParse({ ...table, holidays: ['2026-1-1'] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].path).toEqual(['holidays', 0]);
  });
});
