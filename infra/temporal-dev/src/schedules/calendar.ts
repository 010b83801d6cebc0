/**
 * Calendar specs of Temporal schedules: cron strings and `CalendarSpec` strings parsed into structured ranges,
 * and structured calendars matched in an IANA time zone. Pure code (no clock, no engine), table-tested.
 *
 * Semantics as a Temporal server has them: every field must match (day of month AND day of week, unlike
 * classic cron); a local time that occurs twice when clocks go back fires at both instants; a local time
 * skipped when clocks go forward does not fire; times have one-second resolution; years 2000–2100.
 */
import { IANAZone, type Zone, FixedOffsetZone } from 'luxon';

/** temporal.api.schedule.v1.Range: start..end (inclusive) every step. */
export interface Range {
  start: number;
  end: number;
  step: number;
}

/** temporal.api.schedule.v1.StructuredCalendarSpec */
export interface StructuredCalendar {
  second: Range[];
  minute: Range[];
  hour: Range[];
  dayOfMonth: Range[];
  month: Range[];
  year: Range[];
  dayOfWeek: Range[];
  comment: string;
}

/** temporal.api.schedule.v1.IntervalSpec, in milliseconds. */
export interface Interval {
  intervalMs: number;
  phaseMs: number;
}

export class SpecError extends Error {}

export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

type FieldKind = 'int' | 'month' | 'dow';

interface FieldDef {
  name: keyof Omit<StructuredCalendar, 'comment'>;
  min: number;
  max: number;
  /** Value of an empty field in a CalendarSpec string. */
  empty: string;
  kind: FieldKind;
}

const FIELDS: Record<string, FieldDef> = {
  second: { name: 'second', min: 0, max: 59, empty: '0', kind: 'int' },
  minute: { name: 'minute', min: 0, max: 59, empty: '0', kind: 'int' },
  hour: { name: 'hour', min: 0, max: 23, empty: '0', kind: 'int' },
  dayOfMonth: { name: 'dayOfMonth', min: 1, max: 31, empty: '*', kind: 'int' },
  month: { name: 'month', min: 1, max: 12, empty: '*', kind: 'month' },
  year: { name: 'year', min: MIN_YEAR, max: MAX_YEAR, empty: '*', kind: 'int' },
  // 7 is Sunday as well, as in cron.
  dayOfWeek: { name: 'dayOfWeek', min: 0, max: 7, empty: '*', kind: 'dow' },
};

function parseValue(text: string, def: FieldDef, min: number): number {
  const s = text.trim().toLowerCase();
  if (def.kind === 'month' && s.length >= 3) {
    const i = MONTHS.findIndex((m) => m.startsWith(s));
    if (i >= 0) return i + 1;
  }
  if (def.kind === 'dow' && s.length >= 2) {
    const i = DAYS.findIndex((d) => d.startsWith(s));
    if (i >= 0) return i;
  }
  if (!/^\d+$/.test(s))
    throw new SpecError(
      `${def.name}: '${text}' is not a number${def.kind === 'month' ? ' or month name' : def.kind === 'dow' ? ' or day name' : ''}`,
    );
  const n = Number(s);
  if (n < min || n > def.max) throw new SpecError(`${def.name}: ${n} is out of range [${min}-${def.max}]`);
  return n;
}

/**
 * Parses one field (`*`, `x`, `x-z`, `x-z/y`, `x/y`, `*\/y`, lists of these; `?` = `*`) into ranges.
 * A single value with a step runs to the field's maximum (`3/5` = 3, 8, 13, ...).
 */
export function parseField(text: string, def: FieldDef): Range[] {
  const source = text.trim() === '' ? def.empty : text.trim();
  const ranges: Range[] = [];
  for (const rawPart of source.split(',')) {
    let part = rawPart.trim();
    let step = 1;
    const slash = part.split('/');
    if (slash.length > 2) throw new SpecError(`${def.name}: malformed '${rawPart}'`);
    if (slash.length === 2) {
      part = slash[0];
      if (!/^\d+$/.test(slash[1].trim()) || Number(slash[1]) < 1)
        throw new SpecError(`${def.name}: step in '${rawPart}' must be a positive number`);
      step = Number(slash[1]);
    }
    let start = def.min;
    let end = def.max;
    if (part !== '*' && part !== '?') {
      const dash = part.split('-');
      if (dash.length > 2 || part === '') throw new SpecError(`${def.name}: malformed '${rawPart}'`);
      start = parseValue(dash[0], def, def.min);
      if (dash.length === 2) end = parseValue(dash[1], def, start);
      else if (slash.length === 1) end = start;
    }
    if (def.name === 'year' && part === '*' && step === 1) continue; // every year: no range at all
    ranges.push({ start, end, step });
  }
  return ranges;
}

/** temporal.api.schedule.v1.CalendarSpec (strings per field) → structured. */
export function calendarToStructured(
  cal: Partial<Record<keyof typeof FIELDS | 'comment', string | null>>,
): StructuredCalendar {
  const out = { comment: cal.comment ?? '' } as StructuredCalendar;
  for (const def of Object.values(FIELDS)) out[def.name] = parseField(cal[def.name] ?? '', def);
  return out;
}

/** Go-style durations as Temporal accepts them in `@every`: `90m`, `1h30m`, `2d`, `10s`, `500ms`. */
export function parseDurationMs(text: string): number {
  const s = text.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(s)) throw new SpecError(`malformed duration '${text}'`);
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  let total = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) total += Number(m[1]) * unit[m[2]];
  return Math.round(total);
}

const PREDEFINED: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

export interface ParsedCron {
  calendar?: StructuredCalendar;
  interval?: Interval;
  /** Zone named by a `CRON_TZ=` / `TZ=` prefix, '' when none. */
  timezone: string;
}

/**
 * Parses a cron string: optional `CRON_TZ=Zone ` / `TZ=Zone ` prefix, then `@every 1h[/15m]`, a predefined
 * `@daily`-style name, or 5 (minute hour day-of-month month day-of-week), 6 (+ year) or 7 (second first,
 * + year) fields; an optional `# comment` ends it.
 */
export function parseCron(cronString: string): ParsedCron {
  let c = cronString.trim();
  let comment = '';
  const hash = c.indexOf('#');
  if (hash >= 0) {
    comment = c.slice(hash + 1).trim();
    c = c.slice(0, hash).trim();
  }
  let timezone = '';
  const tz = /^(CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(c);
  if (tz) {
    timezone = tz[2];
    c = tz[3].trim();
  } else if (/^(CRON_TZ|TZ)=/.test(c)) {
    throw new SpecError(`cron string '${cronString}' has a time zone but no schedule`);
  }
  if (c.startsWith('@every')) {
    const m = /^@every\s+(\S+?)(?:\/(\S+))?$/.exec(c);
    if (!m) throw new SpecError(`malformed cron string '${cronString}'`);
    return { interval: { intervalMs: parseDurationMs(m[1]), phaseMs: m[2] ? parseDurationMs(m[2]) : 0 }, timezone };
  }
  c = PREDEFINED[c] ?? c;
  if (c.startsWith('@')) throw new SpecError(`unknown cron shorthand '${c}'`);
  const f = c.split(/\s+/).filter(Boolean);
  let fields: Record<string, string>;
  if (f.length === 5) fields = { minute: f[0], hour: f[1], dayOfMonth: f[2], month: f[3], dayOfWeek: f[4] };
  else if (f.length === 6)
    fields = { minute: f[0], hour: f[1], dayOfMonth: f[2], month: f[3], dayOfWeek: f[4], year: f[5] };
  else if (f.length === 7)
    fields = { second: f[0], minute: f[1], hour: f[2], dayOfMonth: f[3], month: f[4], dayOfWeek: f[5], year: f[6] };
  else throw new SpecError(`cron string '${cronString}' must have 5, 6 or 7 fields, not ${f.length}`);
  return { calendar: calendarToStructured({ ...fields, comment }), timezone };
}

/** Checks a structured calendar from a client (ranges within each field's bounds). */
export function validateStructured(cal: StructuredCalendar): void {
  for (const def of Object.values(FIELDS)) {
    for (const r of cal[def.name] ?? []) {
      if (r.start < def.min || r.start > def.max)
        throw new SpecError(`${def.name} start ${r.start} is not in range [${def.min}-${def.max}]`);
      if (r.end !== 0 && (r.end < r.start || r.end > def.max))
        throw new SpecError(`${def.name} end ${r.end} is before start or not in range [${def.min}-${def.max}]`);
      if (r.step < 0) throw new SpecError(`${def.name} has a negative step`);
    }
  }
}

/** Fills the defaults a server reports back: end ≥ start, step ≥ 1. */
export function cleanStructured(cal: StructuredCalendar): StructuredCalendar {
  const clean = (ranges: Range[] | undefined) =>
    (ranges ?? []).map((r) => ({ start: r.start, end: Math.max(r.end, r.start), step: r.step || 1 }));
  return {
    second: clean(cal.second),
    minute: clean(cal.minute),
    hour: clean(cal.hour),
    dayOfMonth: clean(cal.dayOfMonth),
    month: clean(cal.month),
    year: clean(cal.year),
    dayOfWeek: clean(cal.dayOfWeek),
    comment: cal.comment ?? '',
  };
}

/** The zone a spec names; '' and 'UTC' are UTC. Throws SpecError for an unknown name. */
export function loadZone(name: string): Zone {
  if (!name || name === 'UTC' || name === 'Etc/UTC') return FixedOffsetZone.utcInstance;
  const zone = IANAZone.create(name);
  if (!zone.isValid) throw new SpecError(`unknown time zone '${name}'`);
  return zone;
}

function valuesOf(ranges: Range[], min: number, max: number, whenEmpty: 'all' | 'zero'): number[] {
  if (!ranges.length) return whenEmpty === 'all' ? Array.from({ length: max - min + 1 }, (_, i) => min + i) : [0];
  const set = new Set<number>();
  for (const r of ranges) {
    const end = Math.max(r.end, r.start);
    for (let v = r.start; v <= end; v += r.step || 1) set.add(v);
  }
  return [...set].filter((v) => v >= min && v <= max).sort((a, b) => a - b);
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** A structured calendar compiled for matching in one zone. */
export class CompiledCalendar {
  private readonly seconds: number[];
  private readonly minutes: number[];
  private readonly hours: number[];
  private readonly days: Set<number>;
  private readonly months: Set<number>;
  private readonly years: Set<number> | null;
  private readonly weekdays: Set<number>;

  constructor(
    cal: StructuredCalendar,
    private readonly zone: Zone,
  ) {
    this.seconds = valuesOf(cal.second, 0, 59, 'zero');
    this.minutes = valuesOf(cal.minute, 0, 59, 'zero');
    this.hours = valuesOf(cal.hour, 0, 23, 'zero');
    this.days = new Set(valuesOf(cal.dayOfMonth, 1, 31, 'all'));
    this.months = new Set(valuesOf(cal.month, 1, 12, 'all'));
    this.years = cal.year.length ? new Set(valuesOf(cal.year, MIN_YEAR, MAX_YEAR, 'all')) : null;
    const dows = valuesOf(cal.dayOfWeek, 0, 7, 'all');
    this.weekdays = new Set(dows.map((d) => d % 7));
  }

  private offsetMs(instant: number): number {
    return this.zone.offset(instant) * 60_000;
  }

  /** Local wall-clock fields of an instant in this calendar's zone. */
  private wall(instant: number): Date {
    return new Date(instant + this.offsetMs(instant));
  }

  private dateMatches(y: number, mo: number, d: number): boolean {
    if (this.years && !this.years.has(y)) return false;
    if (!this.months.has(mo) || !this.days.has(d)) return false;
    return this.weekdays.has(new Date(Date.UTC(y, mo - 1, d)).getUTCDay());
  }

  /** True when the instant (whole second) falls on a time this calendar names. */
  matches(instant: number): boolean {
    const w = this.wall(instant);
    return (
      this.dateMatches(w.getUTCFullYear(), w.getUTCMonth() + 1, w.getUTCDate()) &&
      this.hours.includes(w.getUTCHours()) &&
      this.minutes.includes(w.getUTCMinutes()) &&
      this.seconds.includes(w.getUTCSeconds())
    );
  }

  /** The instants at which a local wall time (as a UTC-based ms value) occurs: none, one, or two around DST. */
  private instantsOf(wallMs: number, offsets: number[]): number[] {
    const out: number[] = [];
    for (const o of offsets) {
      const instant = wallMs - o;
      if (this.offsetMs(instant) === o && !out.includes(instant)) out.push(instant);
    }
    return out.sort((a, b) => a - b);
  }

  /** The first instant strictly after `after` (ms) that matches, or null before 2101. */
  next(after: number): number | null {
    const from = Math.floor(after / 1000) * 1000 + 1000;
    // Start a day early in local terms: a repeated hour can put a matching instant before its wall time.
    const startWall = this.wall(from).getTime() - DAY_MS;
    const cursor = new Date(startWall);
    let y = cursor.getUTCFullYear();
    let mo = cursor.getUTCMonth() + 1;
    let d = cursor.getUTCDate();
    let best: number | null = null;
    const lastS = this.seconds[this.seconds.length - 1];
    const lastM = this.minutes[this.minutes.length - 1];
    while (y <= MAX_YEAR) {
      if (this.years && !this.years.has(y)) {
        y++;
        mo = 1;
        d = 1;
        continue;
      }
      if (!this.months.has(mo)) {
        mo++;
        d = 1;
        if (mo > 12) {
          y++;
          mo = 1;
        }
        continue;
      }
      const dayStart = Date.UTC(y, mo - 1, d);
      const offsets = [
        ...new Set([
          this.offsetMs(dayStart - DAY_MS),
          this.offsetMs(dayStart + 2 * DAY_MS),
          this.offsetMs(dayStart + HOUR_MS * 12),
        ]),
      ];
      const minOff = Math.min(...offsets);
      const maxOff = Math.max(...offsets);
      // Every later wall time occurs no earlier than wall − maxOff: once past the best, stop.
      if (best !== null && dayStart - maxOff > best) break;
      if (this.dateMatches(y, mo, d) && dayStart + DAY_MS - minOff >= from) {
        for (const h of this.hours) {
          const hourStart = dayStart + h * HOUR_MS;
          if (best !== null && hourStart - maxOff > best) break;
          if (hourStart + lastM * 60_000 + lastS * 1000 - minOff < from) continue;
          for (const m of this.minutes) {
            const minuteStart = hourStart + m * 60_000;
            if (best !== null && minuteStart - maxOff > best) break;
            if (minuteStart + lastS * 1000 - minOff < from) continue;
            for (const s of this.seconds) {
              const wallMs = minuteStart + s * 1000;
              if (best !== null && wallMs - maxOff > best) break;
              for (const instant of this.instantsOf(wallMs, offsets)) {
                if (instant >= from && (best === null || instant < best)) best = instant;
              }
            }
          }
        }
      }
      d++;
      if (d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) {
        d = 1;
        mo++;
        if (mo > 12) {
          mo = 1;
          y++;
        }
      }
    }
    return best;
  }
}
