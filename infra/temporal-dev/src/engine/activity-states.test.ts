import {
  ACTIVITY_EVENTS,
  ACTIVITY_STATUSES,
  ActivityEvent,
  ActivityStatus,
  nextActivityStatus,
  runsOnWorker,
} from './activity-states';

/** Every allowed transition, written out independently of the table under test. */
const ALLOWED: Array<[ActivityStatus, ActivityEvent, ActivityStatus]> = [
  ['scheduled', 'poll', 'started'],
  ['scheduled', 'request_cancel', 'canceled'],
  ['scheduled', 'schedule_to_start_timeout', 'timed_out'],
  ['scheduled', 'schedule_to_close_timeout', 'timed_out'],
  ['scheduled', 'workflow_closed', 'abandoned'],
  ['started', 'heartbeat', 'started'],
  ['started', 'complete', 'completed'],
  ['started', 'fail', 'failed'],
  ['started', 'retry', 'backoff'],
  ['started', 'request_cancel', 'started'],
  ['started', 'report_canceled', 'canceled'],
  ['started', 'start_to_close_timeout', 'timed_out'],
  ['started', 'heartbeat_timeout', 'timed_out'],
  ['started', 'schedule_to_close_timeout', 'timed_out'],
  ['started', 'workflow_closed', 'abandoned'],
  ['backoff', 'retry_due', 'scheduled'],
  ['backoff', 'request_cancel', 'canceled'],
  ['backoff', 'schedule_to_close_timeout', 'timed_out'],
  ['backoff', 'workflow_closed', 'abandoned'],
];

const allowed = new Map(ALLOWED.map(([from, event, to]) => [`${from} ${event}`, to]));
const refused = ACTIVITY_STATUSES.flatMap((from) =>
  ACTIVITY_EVENTS.filter((event) => !allowed.has(`${from} ${event}`)).map((event) => [from, event] as const),
);

describe('activity state table', () => {
  it.each(ALLOWED)('%s + %s → %s', (from, event, to) => {
    expect(nextActivityStatus(from, event)).toBe(to);
  });

  it.each(refused)('%s refuses %s', (from, event) => {
    expect(nextActivityStatus(from, event)).toBeUndefined();
  });

  it('covers every state × event pair', () => {
    expect(ALLOWED.length + refused.length).toBe(ACTIVITY_STATUSES.length * ACTIVITY_EVENTS.length);
  });

  it('lets no event out of a terminal state', () => {
    for (const from of ['completed', 'failed', 'timed_out', 'canceled', 'abandoned'] as const)
      for (const event of ACTIVITY_EVENTS) expect(nextActivityStatus(from, event)).toBeUndefined();
  });

  it('reaches a worker only while an attempt is started', () => {
    expect(ACTIVITY_STATUSES.filter(runsOnWorker)).toEqual(['started']);
  });
});
