/**
 * The quote's service-level clock (seed 001, closing line: "the KINGFORD team will provide a complete
 * quotation within 24h"; issue 6: "a reminder to engineers at 20 h, an escalation email to the sales manager at
 * 24 h and every 24 h after"; a revision restarts the clock). Times are epoch milliseconds, given, never read.
 */

const HOUR_MS = 3_600_000;

/** When to remind and escalate, counted from the moment the clock starts. */
export interface SlaPolicy {
  reminderAfterMs: number;
  escalateAfterMs: number;
  /** Escalations repeat at this interval after the first until the wait ends. */
  escalateEveryMs: number;
}

/** The quote SLA: reminder at 20 h, escalation at 24 h, then every 24 h. */
export const QUOTE_SLA: SlaPolicy = {
  reminderAfterMs: 20 * HOUR_MS,
  escalateAfterMs: 24 * HOUR_MS,
  escalateEveryMs: 24 * HOUR_MS,
};

/** What has gone out so far on one clock. */
export interface SlaProgress {
  reminded: boolean;
  escalations: number;
}

/** The next thing the clock does: remind once, then escalate (numbered from 1). */
export type SlaEvent = { kind: 'reminder'; at: number } | { kind: 'escalation'; at: number; number: number };

/** A fresh clock: nothing sent yet. */
export const SLA_NOT_STARTED: SlaProgress = { reminded: false, escalations: 0 };

/** The due time of a clock started at `startedAt`: the first escalation is the breach. */
export function slaDueAt(startedAt: number, policy: SlaPolicy = QUOTE_SLA): number {
  return startedAt + policy.escalateAfterMs;
}

/** The next event of a clock started at `startedAt`, given what has already been sent. */
export function nextSlaEvent(startedAt: number, progress: SlaProgress, policy: SlaPolicy = QUOTE_SLA): SlaEvent {
  if (!progress.reminded && policy.reminderAfterMs < policy.escalateAfterMs && progress.escalations === 0) {
    return { kind: 'reminder', at: startedAt + policy.reminderAfterMs };
  }
  const number = progress.escalations + 1;
  return {
    kind: 'escalation',
    at: startedAt + policy.escalateAfterMs + progress.escalations * policy.escalateEveryMs,
    number,
  };
}

/** Records that `event` went out. */
export function afterSlaEvent(progress: SlaProgress, event: SlaEvent): SlaProgress {
  return event.kind === 'reminder' ? { ...progress, reminded: true } : { ...progress, escalations: event.number };
}
