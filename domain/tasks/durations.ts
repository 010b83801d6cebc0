/** A span of time: milliseconds, or text such as '90s', '30m', '24h', '3d', '1w'. */
export type DurationInput = number | string;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Milliseconds of a duration; throws on text it cannot read (a programming error, not user input). */
export function durationMs(value: DurationInput): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new Error(`invalid duration ${value}`);
    return value;
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*$/.exec(value);
  if (!match) throw new Error(`invalid duration "${value}" (use e.g. '90s', '30m', '24h', '3d')`);
  return Math.round(Number(match[1]) * UNIT_MS[match[2]]);
}
