/**
 * The routine schedules on the embedded server: created idempotently in the factory's zone, updated when the
 * calendar changes, and firing the routine workflow at its local time (time skipping).
 */
import { createRmaHarness, eventually, type RmaHarness } from './harness';
import { HOUR } from './flow-helpers';
import { ensureRmaRoutineSchedules, routineScheduleId } from '../../services/rma/schedules';

let h: RmaHarness;
beforeAll(async () => {
  h = await createRmaHarness();
}, 300_000);
afterAll(async () => {
  for await (const s of h.env.client.schedule.list()) await h.env.client.schedule.getHandle(s.scheduleId).delete();
  await h?.close();
});

describe('RMA routine schedules (Asia/Shanghai)', () => {
  it('are created once, left alone when unchanged, and updated when the calendar changes', async () => {
    const first = await ensureRmaRoutineSchedules(h.env.client, h.calendar);
    const ids = ['trip-plan', 'pmc-agenda', 'daily-report', 'penalty-assessment'].map((n) =>
      routineScheduleId(n as never),
    );
    expect(first.created.sort()).toEqual([...ids].sort());
    const again = await ensureRmaRoutineSchedules(h.env.client, h.calendar);
    expect(again).toEqual({ created: [], updated: [], unchanged: expect.arrayContaining(ids) });

    const trip = await h.env.client.schedule.getHandle(routineScheduleId('trip-plan')).describe();
    expect(trip.spec.timezone).toBe('Asia/Shanghai');
    expect(trip.spec.calendars?.[0]).toMatchObject({
      hour: [{ start: 17, end: 17, step: 1 }],
      minute: [{ start: 20, end: 20, step: 1 }],
    });
    expect(trip.action).toMatchObject({ type: 'startWorkflow', workflowType: 'rmaTripPlanWorkflow', taskQueue: 'rma' });

    const withHoliday = { ...h.calendar, holidays: ['2027-01-01'] };
    const changed = await ensureRmaRoutineSchedules(h.env.client, withHoliday);
    expect(changed.updated.sort()).toEqual([...ids].sort());
    const updated = await h.env.client.schedule.getHandle(routineScheduleId('pmc-agenda')).describe();
    expect(updated.action.type === 'startWorkflow' && updated.action.args).toEqual([{ calendar: withHoliday }]);
  });

  it('fires the 16:00 PMC agenda on a working day and it mails PMC', async () => {
    // The harness starts at Monday 09:00 local; 16:00 is 7 hours on.
    const monday0900 = (await h.now()).getTime();
    await h.sleepUntil(new Date(monday0900 + 7 * HOUR + 60_000));
    const rows = await eventually(async () => {
      const r = await h.testDb.db
        .selectFrom('outbox')
        .select(['to_address', 'subject'])
        .where('idempotency_key', 'like', 'rma-routine:pmc-agenda:%')
        .execute();
      if (r.length === 0) throw new Error('no PMC agenda mailed yet');
      return r;
    });
    expect(rows.map((r) => r.to_address).sort()).toEqual(['production@rma.test', 'qa@rma.test']);
    expect(rows[0].subject).toMatch(/^PMC agenda \d{4}-\d{2}-\d{2} 16:00/);
  });
});
