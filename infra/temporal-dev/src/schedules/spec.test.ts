import { SpecError, parseCron, parseField, calendarToStructured } from './calendar';
import { CompiledSpec, canonicalizeSpec } from './spec';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
const seconds = (s: number) => ({ seconds: s, nanos: 0 });

/** The next `n` nominal times of a spec after `from`, as ISO strings. */
function times(spec: object, from: string, n: number): string[] {
  const compiled = new CompiledSpec(canonicalizeSpec(spec));
  return compiled.upcoming(at(from), n, 'seed').map((t) => iso(t.nominal)!);
}

describe('cron strings', () => {
  it.each([
    ['0 16 * * *', 'Asia/Shanghai', '2026-11-29T00:00:00Z', ['2026-11-29T08:00:00.000Z', '2026-11-30T08:00:00.000Z']],
    [
      '20 17 * * 1-5',
      'Asia/Shanghai',
      '2026-11-27T10:00:00Z',
      ['2026-11-30T09:20:00.000Z', '2026-12-01T09:20:00.000Z'],
    ],
    ['*/15 * * * *', '', '2026-01-01T00:07:00Z', ['2026-01-01T00:15:00.000Z', '2026-01-01T00:30:00.000Z']],
    ['0 0 1 * *', '', '2026-01-15T00:00:00Z', ['2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z']],
    ['@daily', '', '2026-01-15T12:00:00Z', ['2026-01-16T00:00:00.000Z', '2026-01-17T00:00:00.000Z']],
    ['@hourly', '', '2026-01-15T12:00:00Z', ['2026-01-15T13:00:00.000Z', '2026-01-15T14:00:00.000Z']],
    ['0 9 * JAN-FEB MON', '', '2026-01-01T00:00:00Z', ['2026-01-05T09:00:00.000Z', '2026-01-12T09:00:00.000Z']],
    ['30 0 9 29 2 * *', '', '2026-01-01T00:00:00Z', ['2028-02-29T09:00:30.000Z', '2032-02-29T09:00:30.000Z']],
    ['0 12 * * 7', '', '2026-01-01T00:00:00Z', ['2026-01-04T12:00:00.000Z', '2026-01-11T12:00:00.000Z']],
    // Both day fields must match (Temporal's rule, not classic cron's "either").
    ['0 0 13 * FRI', '', '2026-01-01T00:00:00Z', ['2026-02-13T00:00:00.000Z', '2026-03-13T00:00:00.000Z']],
  ])('%s in %s after %s', (cron, zone, from, expected) => {
    expect(times({ cronString: [cron], timezoneName: zone }, from, 2)).toEqual(expected);
  });

  it('takes the zone from CRON_TZ', () => {
    const spec = canonicalizeSpec({ cronString: ['CRON_TZ=Asia/Shanghai 0 16 * * *'] });
    expect(spec.timezone).toBe('Asia/Shanghai');
    expect(times({ cronString: ['CRON_TZ=Asia/Shanghai 0 16 * * *'] }, '2026-11-29T00:00:00Z', 1)).toEqual([
      '2026-11-29T08:00:00.000Z',
    ]);
  });

  it('turns @every into an interval with its phase', () => {
    expect(parseCron('@every 2h/30m')).toEqual({
      interval: { intervalMs: 7_200_000, phaseMs: 1_800_000 },
      timezone: '',
    });
  });

  it.each([
    ['0 25 * * *', /hour: 25 is out of range/],
    ['0 0 * *', /5, 6 or 7 fields/],
    ['x 0 * * *', /not a number/],
    ['*/0 * * * *', /step/],
    ['CRON_TZ=Mars/Base 0 0 * * *', /unknown time zone/],
    ['@fortnightly', /unknown cron shorthand/],
  ])('refuses %s', (cron, message) => {
    expect(() => canonicalizeSpec({ cronString: [cron] })).toThrow(message);
  });

  it('refuses cron strings naming different zones', () => {
    expect(() =>
      canonicalizeSpec({ cronString: ['CRON_TZ=Asia/Shanghai 0 0 * * *', 'CRON_TZ=UTC 0 0 * * *'] }),
    ).toThrow(SpecError);
  });
});

describe('fields', () => {
  it.each([
    [
      '1-5/2,8',
      [
        { start: 1, end: 5, step: 2 },
        { start: 8, end: 8, step: 1 },
      ],
    ],
    ['3/10', [{ start: 3, end: 59, step: 10 }]],
    ['', [{ start: 0, end: 0, step: 1 }]],
  ])('minute %j', (text, ranges) => {
    expect(parseField(text, { name: 'minute', min: 0, max: 59, empty: '0', kind: 'int' })).toEqual(ranges);
  });

  it('leaves every year as no range', () => {
    expect(calendarToStructured({ year: '*' }).year).toEqual([]);
  });
});

describe('daylight saving', () => {
  it('skips a local time that does not exist (New York, spring forward)', () => {
    expect(times({ cronString: ['30 2 * * *'], timezoneName: 'America/New_York' }, '2026-03-07T12:00:00Z', 2)).toEqual([
      '2026-03-09T06:30:00.000Z',
      '2026-03-10T06:30:00.000Z',
    ]);
  });

  it('fires at both instants of a repeated local time (New York, fall back)', () => {
    expect(times({ cronString: ['30 1 * * *'], timezoneName: 'America/New_York' }, '2026-10-31T12:00:00Z', 3)).toEqual([
      '2026-11-01T05:30:00.000Z',
      '2026-11-01T06:30:00.000Z',
      '2026-11-02T06:30:00.000Z',
    ]);
  });

  it('keeps 09:00 local across the change (Berlin)', () => {
    expect(times({ cronString: ['0 9 * * *'], timezoneName: 'Europe/Berlin' }, '2026-03-28T12:00:00Z', 2)).toEqual([
      '2026-03-29T07:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
    ]);
  });
});

describe('structured calendars, intervals, bounds, exclusions, jitter', () => {
  const daily = (hour: number) => ({
    hour: [{ start: hour, end: hour, step: 1 }],
    minute: [{ start: 0 }],
    second: [{ start: 0 }],
    dayOfMonth: [{ start: 1, end: 31, step: 1 }],
    month: [{ start: 1, end: 12, step: 1 }],
    dayOfWeek: [{ start: 0, end: 6, step: 1 }],
    year: [],
  });

  it('measures intervals from the epoch plus the phase', () => {
    expect(times({ interval: [{ interval: seconds(3600), phase: seconds(900) }] }, '2026-01-01T10:20:00Z', 2)).toEqual([
      '2026-01-01T11:15:00.000Z',
      '2026-01-01T12:15:00.000Z',
    ]);
  });

  it('takes the earliest of several calendars and intervals', () => {
    expect(
      times({ structuredCalendar: [daily(16), daily(8)], timezoneName: 'UTC' }, '2026-01-01T09:00:00Z', 3),
    ).toEqual(['2026-01-01T16:00:00.000Z', '2026-01-02T08:00:00.000Z', '2026-01-02T16:00:00.000Z']);
  });

  it('starts no earlier than the start time and stops after the end time', () => {
    const spec = {
      interval: [{ interval: seconds(86_400) }],
      startTime: { seconds: at('2026-02-01T00:00:00Z') / 1000 },
      endTime: { seconds: at('2026-02-02T00:00:00Z') / 1000 },
    };
    expect(times(spec, '2026-01-01T00:00:00Z', 5)).toEqual(['2026-02-01T00:00:00.000Z', '2026-02-02T00:00:00.000Z']);
  });

  it('skips excluded times', () => {
    const weekend = {
      ...daily(0),
      hour: [{ start: 0, end: 23, step: 1 }],
      minute: [{ start: 0, end: 59, step: 1 }],
      dayOfWeek: [
        { start: 0, end: 0 },
        { start: 6, end: 6 },
      ],
    };
    expect(
      times({ cronString: ['0 12 * * *'], excludeStructuredCalendar: [weekend] }, '2026-01-01T13:00:00Z', 2),
    ).toEqual(['2026-01-02T12:00:00.000Z', '2026-01-05T12:00:00.000Z']);
  });

  it('jitters within the limit, deterministically, never past the following time', () => {
    const spec = new CompiledSpec(canonicalizeSpec({ interval: [{ interval: seconds(60) }], jitter: seconds(3600) }));
    const [a, b] = spec.upcoming(at('2026-01-01T00:00:00Z'), 2, 'sched-1');
    expect(a.next - a.nominal).toBeGreaterThanOrEqual(0);
    expect(a.next - a.nominal).toBeLessThan(60_000);
    expect(spec.upcoming(at('2026-01-01T00:00:00Z'), 2, 'sched-1')).toEqual([a, b]);
  });

  it.each([
    [{ interval: [{ interval: seconds(0) }] }, /too small/],
    [{ interval: [{ interval: seconds(60), phase: seconds(60) }] }, /phase/],
    [{ structuredCalendar: [{ hour: [{ start: 24 }] }] }, /hour start 24/],
    [{ timezoneName: 'Nowhere/Special' }, /unknown time zone/],
  ])('refuses %j', (spec, message) => {
    expect(() => canonicalizeSpec(spec)).toThrow(message);
  });

  it('lists the times in a range', () => {
    const spec = new CompiledSpec(canonicalizeSpec({ cronString: ['0 0 * * *'] }));
    expect(
      spec.between(at('2026-01-01T00:00:00Z'), at('2026-01-03T00:00:00Z'), 's').map((t) => iso(t.nominal)),
    ).toEqual(['2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z']);
  });
});
