/**
 * When the n-th reminder or escalation of a wait is due: "remind after 20 h", "remind every 2 days, at most 3
 * times", "escalate at 24 h, then daily". Pure, so workflows and tests share one rule.
 */

/** A repeating timer, in milliseconds from a reference instant (the moment the wait began). */
export interface Cadence {
  /** The first time. May be negative: the first time already passed when the wait began. */
  afterMs: number;
  /** Then again this often (omit: once). */
  everyMs?: number;
  /** At most this many in all (default: one without `everyMs`, no limit with it). */
  max?: number;
}

/** Milliseconds after the reference instant at which the `n`-th (1-based) event is due; null when there is none. */
export function cadenceAt(cadence: Cadence, n: number): number | null {
  const max = cadence.max ?? (cadence.everyMs === undefined ? 1 : Infinity);
  if (n < 1 || n > max) return null;
  if (n === 1) return cadence.afterMs;
  return cadence.everyMs === undefined ? null : cadence.afterMs + (n - 1) * cadence.everyMs;
}
