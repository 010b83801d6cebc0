import { cadenceAt, type Cadence } from './cadence';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// The waits the processes need (issue 17): "remind after 20 h", "remind every day until done", "escalate at 24 h,
// then daily", "remind every 2 days, at most 3 times".
describe('cadenceAt', () => {
  it.each<[string, Cadence, number, number | null]>([
    ['once: the first', { afterMs: 20 * HOUR }, 1, 20 * HOUR],
    ['once: no second', { afterMs: 20 * HOUR }, 2, null],
    ['daily: the first', { afterMs: 24 * HOUR, everyMs: DAY }, 1, 24 * HOUR],
    ['daily: the third', { afterMs: 24 * HOUR, everyMs: DAY }, 3, 72 * HOUR],
    ['daily without limit: the 100th', { afterMs: 0, everyMs: DAY }, 100, 99 * DAY],
    ['at most 3: the third', { afterMs: 2 * DAY, everyMs: 2 * DAY, max: 3 }, 3, 6 * DAY],
    ['at most 3: no fourth', { afterMs: 2 * DAY, everyMs: 2 * DAY, max: 3 }, 4, null],
    ['a first time already past', { afterMs: -HOUR, everyMs: DAY }, 2, DAY - HOUR],
    ['numbers start at 1', { afterMs: HOUR }, 0, null],
  ])('%s', (_name, cadence, n, expected) => {
    expect(cadenceAt(cadence, n)).toBe(expected);
  });
});
