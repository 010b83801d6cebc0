/**
 * Schedule specs: the client's ScheduleSpec brought to the canonical form a Temporal server keeps (cron
 * strings and calendar strings become structured calendars or intervals, `CRON_TZ` becomes the zone), and
 * the times it names: the union of its calendars and intervals, minus exclusions, within start/end, each
 * moved later by a deterministic jitter that never reaches the following time. Pure code, table-tested.
 */
import type { Zone } from 'luxon';
import type { Obj } from '../model';
import { fromMs, toMs } from '../proto';
import {
  CompiledCalendar,
  Interval,
  SpecError,
  StructuredCalendar,
  calendarToStructured,
  cleanStructured,
  loadZone,
  parseCron,
  validateStructured,
} from './calendar';

export { SpecError };

export interface CanonicalSpec {
  calendars: StructuredCalendar[];
  intervals: Interval[];
  excludes: StructuredCalendar[];
  /** ms since the epoch, 0 = none */
  startTime: number;
  endTime: number;
  jitterMs: number;
  timezone: string;
}

/** One time a spec names: `nominal` (what the spec says) and `next` (with jitter: when the action runs). */
export interface SpecTime {
  nominal: number;
  next: number;
}

const fromProtoRanges = (ranges: Obj[] | null | undefined) =>
  (ranges ?? []).map((r) => ({ start: r.start ?? 0, end: r.end ?? 0, step: r.step ?? 0 }));

const fromProtoCalendar = (c: Obj): StructuredCalendar => ({
  second: fromProtoRanges(c.second),
  minute: fromProtoRanges(c.minute),
  hour: fromProtoRanges(c.hour),
  dayOfMonth: fromProtoRanges(c.dayOfMonth),
  month: fromProtoRanges(c.month),
  year: fromProtoRanges(c.year),
  dayOfWeek: fromProtoRanges(c.dayOfWeek),
  comment: c.comment ?? '',
});

function checkInterval(iv: Interval): Interval {
  if (iv.intervalMs < 1000) throw new SpecError('interval is too small (minimum 1 second)');
  if (iv.phaseMs < 0) throw new SpecError('phase is negative');
  if (iv.phaseMs >= iv.intervalMs) throw new SpecError('phase cannot be greater than or equal to the interval');
  return iv;
}

/** Brings a temporal.api.schedule.v1.ScheduleSpec to canonical form; throws SpecError naming what is wrong. */
export function canonicalizeSpec(spec: Obj | null | undefined): CanonicalSpec {
  const s = spec ?? {};
  const calendars: StructuredCalendar[] = [];
  const excludes: StructuredCalendar[] = [];
  const intervals: Interval[] = [];
  for (const c of (s.structuredCalendar ?? []) as Obj[]) {
    const cal = fromProtoCalendar(c);
    validateStructured(cal);
    calendars.push(cleanStructured(cal));
  }
  for (const c of (s.calendar ?? []) as Obj[]) calendars.push(cleanStructured(calendarToStructured(c)));
  for (const c of (s.excludeStructuredCalendar ?? []) as Obj[]) {
    const cal = fromProtoCalendar(c);
    validateStructured(cal);
    excludes.push(cleanStructured(cal));
  }
  for (const c of (s.excludeCalendar ?? []) as Obj[]) excludes.push(cleanStructured(calendarToStructured(c)));
  for (const iv of (s.interval ?? []) as Obj[])
    intervals.push(checkInterval({ intervalMs: toMs(iv.interval), phaseMs: toMs(iv.phase) }));
  let timezone: string = s.timezoneName ?? '';
  let cronZone: string | undefined;
  for (const text of (s.cronString ?? []) as string[]) {
    const parsed = parseCron(text);
    if (cronZone !== undefined && parsed.timezone !== cronZone)
      throw new SpecError('cron strings name conflicting time zones');
    cronZone = parsed.timezone;
    if (parsed.calendar) calendars.push(cleanStructured(parsed.calendar));
    if (parsed.interval) intervals.push(checkInterval(parsed.interval));
  }
  if (cronZone) {
    if (timezone && timezone !== cronZone)
      throw new SpecError(`cron time zone ${cronZone} conflicts with the spec's time zone ${timezone}`);
    timezone = cronZone;
  }
  loadZone(timezone);
  const startTime = toMs(s.startTime);
  const endTime = toMs(s.endTime);
  if (startTime && endTime && endTime < startTime) throw new SpecError('end time is before start time');
  const jitterMs = toMs(s.jitter);
  if (jitterMs < 0) throw new SpecError('jitter is negative');
  return { calendars, intervals, excludes, startTime, endTime, jitterMs, timezone };
}

/** The canonical spec as the ScheduleSpec message a server describes. */
export function specToProto(c: CanonicalSpec): Obj {
  return {
    structuredCalendar: c.calendars,
    interval: c.intervals.map((iv) => ({ interval: fromMs(iv.intervalMs), phase: fromMs(iv.phaseMs) })),
    excludeStructuredCalendar: c.excludes,
    startTime: c.startTime ? fromMs(c.startTime) : undefined,
    endTime: c.endTime ? fromMs(c.endTime) : undefined,
    jitter: c.jitterMs ? fromMs(c.jitterMs) : undefined,
    timezoneName: c.timezone,
  };
}

/** 32-bit FNV-1a: a stable hash so that jitter is the same for a schedule's time on every server start. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class CompiledSpec {
  private readonly zone: Zone;
  private readonly calendars: CompiledCalendar[];
  private readonly excludes: CompiledCalendar[];

  constructor(readonly spec: CanonicalSpec) {
    this.zone = loadZone(spec.timezone);
    this.calendars = spec.calendars.map((c) => new CompiledCalendar(c, this.zone));
    this.excludes = spec.excludes.map((c) => new CompiledCalendar(c, this.zone));
  }

  /** The earliest calendar or interval time strictly after `after`, ignoring exclusions and bounds. */
  private rawNext(after: number): number | null {
    let best: number | null = null;
    for (const cal of this.calendars) {
      const t = cal.next(after);
      if (t !== null && (best === null || t < best)) best = t;
    }
    const afterSec = Math.floor(after / 1000);
    for (const iv of this.spec.intervals) {
      const interval = Math.max(1, Math.floor(iv.intervalMs / 1000));
      const phase = Math.floor(iv.phaseMs / 1000);
      const t = (Math.floor((afterSec - phase) / interval) + 1) * interval + phase;
      if (best === null || t * 1000 < best) best = t * 1000;
    }
    return best;
  }

  private excluded(t: number): boolean {
    return this.excludes.some((c) => c.matches(t));
  }

  /** The first time strictly after `after` (ms), or null when the spec names no more times. */
  next(after: number, jitterSeed: string): SpecTime | null {
    let from = after;
    if (this.spec.startTime && from < this.spec.startTime) from = this.spec.startTime - 1000;
    let nominal: number | null = null;
    for (let guard = 0; guard < 100_000; guard++) {
      nominal = this.rawNext(from);
      if (nominal === null || (this.spec.endTime && nominal > this.spec.endTime)) return null;
      if (!this.excluded(nominal)) break;
      from = nominal;
    }
    if (nominal === null) return null;
    let maxJitter = this.spec.jitterMs;
    if (maxJitter > 0) {
      const following = this.rawNext(nominal);
      if (following !== null) maxJitter = Math.min(maxJitter, following - nominal);
    }
    const jitter = maxJitter > 0 ? Math.floor((fnv1a(`${jitterSeed}:${nominal}`) / 2 ** 32) * maxJitter) : 0;
    return { nominal, next: nominal + jitter };
  }

  /** Every time with `from <= next <= to`, at most `limit` of them. */
  between(from: number, to: number, jitterSeed: string, limit = 1000): SpecTime[] {
    const out: SpecTime[] = [];
    let t = this.next(from - 1, jitterSeed);
    while (t && t.next <= to && out.length < limit) {
      if (t.next >= from) out.push(t);
      t = this.next(t.nominal, jitterSeed);
    }
    return out;
  }

  /** The next `count` times after `after`. */
  upcoming(after: number, count: number, jitterSeed: string): SpecTime[] {
    const out: SpecTime[] = [];
    let t = this.next(after, jitterSeed);
    while (t && out.length < count) {
      out.push(t);
      t = this.next(t.nominal, jitterSeed);
    }
    return out;
  }
}
