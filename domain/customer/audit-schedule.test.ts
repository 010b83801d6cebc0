import {
  auditResultDueAt,
  auditVisitReminderAt,
  correctiveActionDeadline,
  overdueEscalationAt,
} from './audit-schedule';

// DESIGN.md: "Working time: Mon–Sat 08:00–20:00 (China Standard Time)"; issue 6: "corrective actions, each with a
// deadline timer and escalation to the manager when overdue"; "visit date (timer; reminders to sales)".
describe('audit schedule', () => {
  it.each([
    ['2026-12-01', '2026-12-01T16:00:00.000Z'], // midnight ending Dec 1 in Shenzhen
    ['2026-12-31', '2026-12-31T16:00:00.000Z'],
    ['2028-02-29', '2028-02-29T16:00:00.000Z'],
  ])('a corrective action due %s becomes overdue at %s', (dueOn, iso) => {
    expect(new Date(correctiveActionDeadline(dueOn)).toISOString()).toBe(iso);
    expect(new Date(auditResultDueAt(dueOn)).toISOString()).toBe(iso);
  });

  it.each(['2026-02-30', '01/12/2026', ''])('refuses the date "%s"', (bad) => {
    expect(() => correctiveActionDeadline(bad)).toThrow(RangeError);
  });

  it.each([
    ['2026-12-02', '2026-12-01T00:00:00.000Z'], // 08:00 CST the day before the visit
    ['2027-01-01', '2026-12-31T00:00:00.000Z'],
  ])('sales is reminded of a visit on %s at %s', (visitOn, iso) => {
    expect(new Date(auditVisitReminderAt(visitOn)).toISOString()).toBe(iso);
  });

  it.each([
    [1, '2026-12-01T16:00:00.000Z'],
    [2, '2026-12-02T16:00:00.000Z'],
    [4, '2026-12-04T16:00:00.000Z'],
  ])('overdue escalation %i goes out at %s', (n, iso) => {
    expect(new Date(overdueEscalationAt(correctiveActionDeadline('2026-12-01'), n)).toISOString()).toBe(iso);
  });
});
