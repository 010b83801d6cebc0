/**
 * Penalty for a late quality-abnormality report (seed 002, 备注 3): "《品质异常处理报告》应在 24 小时内处理完毕,
 * 拖延一天处罚 50 元,特殊情况除外" — the report must be handled within 24 hours; each day of delay costs 50 CNY.
 */

/** Hours allowed to handle the report. */
export const REPORT_DEADLINE_HOURS = 24;
/** Penalty per full day late, in fen (50 CNY). */
export const PENALTY_PER_DAY_FEN = 5_000;
/** Currency of the ledger. */
export const PENALTY_CURRENCY = 'CNY';

const DAY_MS = 86_400_000;

/** The instant the report is due: 24 hours after it was opened (hours on the clock, not working hours). */
export function reportDueAt(openedAt: Date): Date {
  return new Date(openedAt.getTime() + REPORT_DEADLINE_HOURS * 3_600_000);
}

/** Whole days late at `at` (a day counts once it has passed in full: "拖延一天" = one day's delay). */
export function daysLate(dueAt: Date, at: Date): number {
  const late = at.getTime() - dueAt.getTime();
  return late <= 0 ? 0 : Math.floor(late / DAY_MS);
}

/** Penalty in fen for a report handled at `at`. */
export function penaltyFen(dueAt: Date, at: Date): number {
  return daysLate(dueAt, at) * PENALTY_PER_DAY_FEN;
}

/** The instant the `day`-th day of delay is complete (when its 50 CNY entry is due). */
export function penaltyDayAt(dueAt: Date, day: number): Date {
  return new Date(dueAt.getTime() + day * DAY_MS);
}
