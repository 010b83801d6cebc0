/** SLA countdown arithmetic shared by the inbox, task and case pages (pure: no DOM, no clock of its own). */

/** How close a due time is: no deadline, comfortably ahead, due within the warning window, or past it. */
export type SlaState = 'none' | 'ok' | 'soon' | 'overdue';

/** The countdown to a due time at `now`. */
export interface SlaCountdown {
  state: SlaState;
  /** Milliseconds left (negative once overdue); null without a due time. */
  remainingMs: number | null;
}

/** Default warning window: a task due within 4 hours is highlighted before it is late. */
export const SOON_WINDOW_MS = 4 * 3_600_000;

/** The countdown of an ISO due time at `now`. */
export function slaCountdown(dueAt: string | null | undefined, now: Date, soonWindowMs = SOON_WINDOW_MS): SlaCountdown {
  if (!dueAt) return { state: 'none', remainingMs: null };
  const due = Date.parse(dueAt);
  if (Number.isNaN(due)) return { state: 'none', remainingMs: null };
  const remainingMs = due - now.getTime();
  const state: SlaState = remainingMs < 0 ? 'overdue' : remainingMs <= soonWindowMs ? 'soon' : 'ok';
  return { state, remainingMs };
}

/** Units used to print a span of time. */
export interface SpanUnits {
  d: string;
  h: string;
  min: string;
}

export const EN_UNITS: SpanUnits = { d: 'd', h: 'h', min: 'min' };
export const ZH_UNITS: SpanUnits = { d: '天', h: '小时', min: '分钟' };

/** A span of time as its two largest units, e.g. "1 d 3 h", "3 h 12 min", "45 min" (absolute value). */
export function formatSpan(ms: number, units: SpanUnits = EN_UNITS): string {
  const totalMinutes = Math.floor(Math.abs(ms) / 60_000);
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  const parts: string[] = [];
  if (days) parts.push(`${days} ${units.d}`);
  if (hours) parts.push(`${hours} ${units.h}`);
  if (!days && (minutes || parts.length === 0)) parts.push(`${minutes} ${units.min}`);
  return parts.slice(0, 2).join(' ');
}

/** Age buckets used by the dashboards (open tasks, RMA aging). */
export const AGE_BUCKETS = [
  { key: 'lt4h', maxMs: 4 * 3_600_000 },
  { key: 'lt24h', maxMs: 24 * 3_600_000 },
  { key: 'lt3d', maxMs: 3 * 86_400_000 },
  { key: 'lt7d', maxMs: 7 * 86_400_000 },
  { key: 'ge7d', maxMs: Number.POSITIVE_INFINITY },
] as const;

/** The key of the age bucket a record created at `createdAt` falls in at `now`. */
export function ageBucket(createdAt: string, now: Date): (typeof AGE_BUCKETS)[number]['key'] {
  const age = now.getTime() - Date.parse(createdAt);
  return (AGE_BUCKETS.find((b) => age < b.maxMs) ?? AGE_BUCKETS[AGE_BUCKETS.length - 1]).key;
}
