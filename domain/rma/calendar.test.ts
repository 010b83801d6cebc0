import {
  addWorkingDays,
  assertValidCalendar,
  FACTORY_CALENDAR,
  isWorkingDay,
  isWorkingTime,
  nextWorkingTime,
  workingDaysBetween,
  type WorkingCalendar,
} from './calendar';
import { siteVisitDueAt, classificationDueAt, disassemblyDueAt, repairDatePromiseDueAt } from './deadlines';

// DESIGN.md: "Working time: Mon–Sat 08:00–20:00 (China Standard Time); holidays come from a calendar."
// 2026-11-23 is a Monday. Shanghai is UTC+8, so 20:00 local = 12:00Z.
const cal: WorkingCalendar = { ...FACTORY_CALENDAR, holidays: ['2026-10-01', '2026-10-02'] };
const at = (iso: string) => new Date(iso);

describe('working-time calendar (Mon–Sat 08:00–20:00 Asia/Shanghai)', () => {
  it.each([
    ['Monday', '2026-11-23T02:00:00Z', true],
    ['Saturday is worked', '2026-11-28T02:00:00Z', true],
    ['Sunday is not', '2026-11-29T02:00:00Z', false],
    ['holiday from the table', '2026-10-01T02:00:00Z', false],
    ['Sunday 23:30Z is Monday 07:30 in Shanghai', '2026-11-29T23:30:00Z', true],
  ])('%s → working day %s', (_name, iso, expected) => {
    expect(isWorkingDay(cal, at(iso))).toBe(expected);
  });

  it.each([
    ['07:59 local', '2026-11-22T23:59:00Z', false],
    ['08:00 local', '2026-11-23T00:00:00Z', true],
    ['19:59 local', '2026-11-23T11:59:00Z', true],
    ['20:00 local', '2026-11-23T12:00:00Z', false],
  ])('%s → working time %s', (_name, iso, expected) => {
    expect(isWorkingTime(cal, at(iso))).toBe(expected);
  });

  it('counts a make-up day as worked', () => {
    const withMakeUp = { ...cal, extraWorkingDays: ['2026-11-29'] };
    expect(isWorkingDay(withMakeUp, at('2026-11-29T02:00:00Z'))).toBe(true);
  });

  it('next working time skips the night and Sunday', () => {
    expect(nextWorkingTime(cal, at('2026-11-28T13:00:00Z')).toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(nextWorkingTime(cal, at('2026-11-23T03:00:00Z')).toISOString()).toBe('2026-11-23T03:00:00.000Z');
  });

  it('rejects unusable calendars with a message naming the problem', () => {
    expect(() => assertValidCalendar({ ...cal, timeZone: 'Mars/Base' })).toThrow('unknown time zone');
    expect(() => assertValidCalendar({ ...cal, start: '20:00', end: '08:00' })).toThrow('end after');
    expect(() => assertValidCalendar({ ...cal, holidays: ['2026-13-01'] })).toThrow('not a date');
    expect(() => assertValidCalendar(cal)).not.toThrow();
  });
});

describe('deadline arithmetic in working days', () => {
  it.each([
    // [case, from, n, due]
    ['Mon + 3 → Thu close', '2026-11-23T02:00:00Z', 3, '2026-11-26T12:00:00.000Z'],
    ['Thu + 3 skips Sunday → Mon close', '2026-11-26T02:00:00Z', 3, '2026-11-30T12:00:00.000Z'],
    ['Sat + 1 → Mon close', '2026-11-28T05:00:00Z', 1, '2026-11-30T12:00:00.000Z'],
    ['after hours Mon 21:00 local + 1 → Tue close', '2026-11-23T13:00:00Z', 1, '2026-11-24T12:00:00.000Z'],
    ['Wed 30 Sep + 1 skips the 1–2 Oct holidays → Sat 3 Oct', '2026-09-30T02:00:00Z', 1, '2026-10-03T12:00:00.000Z'],
    ['n = 0 on a Sunday → Monday close', '2026-11-29T02:00:00Z', 0, '2026-11-30T12:00:00.000Z'],
  ])('%s', (_name, from, n, due) => {
    expect(addWorkingDays(cal, at(from), n).toISOString()).toBe(due);
  });

  it('refuses a negative or fractional count', () => {
    expect(() => addWorkingDays(cal, at('2026-11-23T02:00:00Z'), -1)).toThrow('whole number');
    expect(() => addWorkingDays(cal, at('2026-11-23T02:00:00Z'), 1.5)).toThrow('whole number');
  });

  it('counts working days between two instants', () => {
    expect(workingDaysBetween(cal, at('2026-11-23T02:00:00Z'), at('2026-11-30T13:00:00Z'))).toBe(6);
  });
});

describe('RMA clocks (seed 002)', () => {
  const monday = at('2026-11-23T02:00:00Z');
  it.each([
    // 接到通知后: 正常情况 3个工作日内现场确认处理 — on-site within 3 working days
    ['site visit, normal: 3 working days', () => siteVisitDueAt(cal, monday, false), '2026-11-26T12:00:00.000Z'],
    // 紧急情况: 第二天 — urgent: the next working day
    ['site visit, urgent: next working day', () => siteVisitDueAt(cal, monday, true), '2026-11-24T12:00:00.000Z'],
    // 客退品入库后 … 2天内完成分类-分析 — classification within 2 days of receipt
    ['classification: 2 working days', () => classificationDueAt(cal, monday), '2026-11-25T12:00:00.000Z'],
    // 拆解2天内完成 — disassembly within 2 days
    ['disassembly: 2 working days', () => disassemblyDueAt(cal, monday), '2026-11-25T12:00:00.000Z'],
    // 3.2 必须在售后品拆解后2天内联络给业务 — tell sales within 2 days after disassembly
    ['repair date promise: 2 working days', () => repairDatePromiseDueAt(cal, monday), '2026-11-25T12:00:00.000Z'],
  ])('%s', (_name, compute, due) => {
    expect(compute().toISOString()).toBe(due);
  });
});
