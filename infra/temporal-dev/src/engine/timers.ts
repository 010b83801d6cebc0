/**
 * Workflow timers (StartTimer / CancelTimer commands): armed on the server clock, so they move with time
 * skipping; a fired timer is delivered like any outside event (buffered while a workflow task runs).
 */
import type { Engine } from '../engine';
import { Execution, Wire, isOpen } from '../model';
import { temporal, toMs } from '../proto';

/** A timer as persisted (and as a reset finds it pending). */
export interface SavedTimer {
  timerId: string;
  startedEventId: number;
  fireAt: number;
}

export class Timers {
  constructor(private readonly engine: Engine) {}

  /** The StartTimer command. */
  start(ex: Execution, a: Wire<temporal.api.command.v1.IStartTimerCommandAttributes>, wtc: number): void {
    const ms = toMs(a.startToFireTimeout);
    // The SDK names every timer (a duplicate id is refused in commands.ts).
    const timerId = a.timerId as string;
    const ev = this.engine.events.append(ex, 'timerStarted', {
      timerId,
      startToFireTimeout: a.startToFireTimeout,
      workflowTaskCompletedEventId: wtc,
    });
    this.arm(ex, { timerId, startedEventId: ev.eventId, fireAt: this.engine.now() + ms });
  }

  /** Arms a timer on the clock (new, restored after a restart, or carried into a reset's run). */
  arm(ex: Execution, { timerId, startedEventId, fireAt }: SavedTimer): void {
    const handle = this.engine.clock.schedule(fireAt, () => {
      const t = ex.timers.get(timerId);
      if (!t || t.handle !== handle || !isOpen(ex)) return;
      ex.timers.delete(timerId);
      this.engine.events.deliver(ex, [{ kind: 'timerFired', attrs: { timerId, startedEventId } }]);
    });
    ex.timers.set(timerId, { timerId, startedEventId, fireAt, handle });
  }

  /** The CancelTimer command. */
  cancel(ex: Execution, timerId: string, wtc: number, identity: string): void {
    const t = ex.timers.get(timerId);
    // A timer that already fired (its TimerFired still buffered) can be cancelled too.
    const bufferedIdx = ex.buffered.findIndex((g) =>
      g.some((e) => e.kind === 'timerFired' && e.attrs.timerId === timerId),
    );
    if (!t && bufferedIdx < 0) return;
    const startedEventId =
      t?.startedEventId ?? ex.buffered[bufferedIdx].find((e) => e.kind === 'timerFired')!.attrs.startedEventId;
    t?.handle.cancel();
    ex.timers.delete(timerId);
    if (bufferedIdx >= 0) ex.buffered.splice(bufferedIdx, 1);
    this.engine.events.append(ex, 'timerCanceled', {
      timerId,
      startedEventId,
      workflowTaskCompletedEventId: wtc,
      identity,
    });
  }

  /** The run closed: its timers never fire. */
  cancelAll(ex: Execution): void {
    for (const t of ex.timers.values()) t.handle.cancel();
    ex.timers.clear();
  }

  saved(ex: Execution): SavedTimer[] {
    return [...ex.timers.values()].map((t) => ({
      timerId: t.timerId,
      startedEventId: t.startedEventId,
      fireAt: t.fireAt,
    }));
  }
}
