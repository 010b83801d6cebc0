import { cadenceAt } from '../tasks/cadence';
import { ORDER_WAIT_POLICIES } from './waits';

const DAY = 86_400_000;

// Issue 6: "unpaid → reminders to the customer, escalation to the finance manager"; brief: "escalation to the
// finance manager after 7 days".
describe('payment wait policy', () => {
  const policy = ORDER_WAIT_POLICIES.payment;
  const reminders = { afterMs: policy.firstReminderAfterMs, everyMs: policy.reminderEveryMs, max: policy.maxReminders };
  it.each([
    [1, 2 * DAY],
    [2, 4 * DAY],
    [3, 6 * DAY],
    [5, 10 * DAY],
    [6, null],
  ])('reminder %i is due at %p', (n, expected) => {
    expect(cadenceAt(reminders, n)).toBe(expected);
  });

  it('reminds the customer and escalates to a manager after 7 days', () => {
    expect(policy.remind).toBe('customer');
    expect(policy.escalateTo).toBe('manager');
    expect(policy.escalateAfterMs).toBe(7 * DAY);
  });
});
