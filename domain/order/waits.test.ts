import { nextWaitEvent, ORDER_WAIT_POLICIES } from './waits';

const DAY = 86_400_000;

// Issue 6: "unpaid → reminders to the customer, escalation to the finance manager"; brief: "escalation to the
// finance manager after 7 days".
describe('nextWaitEvent (payment)', () => {
  const policy = ORDER_WAIT_POLICIES.payment;
  it.each([
    [{ remindersSent: 0, escalated: false }, { kind: 'reminder', atMs: 2 * DAY }],
    [{ remindersSent: 1, escalated: false }, { kind: 'reminder', atMs: 4 * DAY }],
    [{ remindersSent: 2, escalated: false }, { kind: 'reminder', atMs: 6 * DAY }],
    [{ remindersSent: 3, escalated: false }, { kind: 'escalation', atMs: 7 * DAY }],
    [{ remindersSent: 3, escalated: true }, { kind: 'reminder', atMs: 8 * DAY }],
    [{ remindersSent: 5, escalated: true }, null],
  ])('after %j → %j', (progress, expected) => {
    expect(nextWaitEvent(policy, progress)).toEqual(expected);
  });

  it('reminds the customer and escalates to a manager', () => {
    expect(policy.remind).toBe('customer');
    expect(policy.escalateTo).toBe('manager');
  });
});
