/**
 * The server's clock. Virtual time = wall time + offset. With time skipping enabled the offset jumps
 * forward to the next timer whenever nothing holds a lock — the Java test server's rule: the server
 * holds locks while workflow tasks and activities are in flight, clients hold them through
 * LockTimeSkipping (activities and clients share one counter, as there); an empty timer queue never skips.
 */
export interface TimerHandle {
  cancel(): void;
  readonly at: number;
}

interface Entry {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

export class Clock {
  private offset = 0;
  private seq = 0;
  private heap: Entry[] = [];
  private wake: NodeJS.Timeout | undefined;
  private skipScheduled = false;
  /** Locks held by workflow tasks in flight: only the server takes and releases them. */
  private taskLocks = 0;
  /**
   * The Java test server's one counter: clients (LockTimeSkipping / UnlockTimeSkipping) and activity attempts in
   * flight share it, so an activity that calls `env.sleep()` (UnlockTimeSkippingWithSleep) releases the lock its
   * own attempt holds and lets time skip while it waits. It never goes below zero: an unlock at zero (a client's
   * `result()` and `env.sleep()` unlocking in parallel) is remembered and cancels the next client lock instead.
   */
  private locks = 0;
  private unlockedAtZero = 0;
  private closed = false;

  constructor(
    readonly timeSkipping: boolean,
    initiallyLocked: boolean,
    offsetMs = 0,
  ) {
    this.locks = initiallyLocked ? 1 : 0;
    this.offset = offsetMs;
  }

  now(): number {
    return Date.now() + this.offset;
  }

  get offsetMs(): number {
    return this.offset;
  }

  /** Restores virtual time from persisted state (time only moves forward). */
  restoreOffset(offsetMs: number): void {
    if (offsetMs > this.offset) this.offset = offsetMs;
  }

  /** Clients' and activities' locks (the shared counter). */
  get lockCount(): number {
    return this.locks;
  }

  /** Taken while a workflow task is scheduled or running. */
  lockForTask(): void {
    this.taskLocks++;
  }

  unlockForTask(): void {
    if (this.taskLocks <= 0) throw new Error('unbalanced time-skipping unlock');
    this.taskLocks--;
    this.maybeSkip();
  }

  /** LockTimeSkipping: first cancels an unlock made at zero (see `locks`). */
  lock(): void {
    if (this.unlockedAtZero > 0) this.unlockedAtZero--;
    else this.locks++;
  }

  /**
   * An activity attempt going in flight. It always counts: an unlock made at zero belongs to a client, and must
   * not let time skip while the attempt runs.
   */
  lockForActivity(): void {
    this.locks++;
  }

  /** UnlockTimeSkipping, or an activity attempt ending. */
  unlock(): void {
    if (this.locks > 0) this.locks--;
    else this.unlockedAtZero++;
    this.maybeSkip();
  }

  private get skippable(): boolean {
    return this.timeSkipping && this.taskLocks === 0 && this.locks === 0 && !this.closed;
  }

  /** Runs fn when virtual time reaches `at`. */
  schedule(at: number, fn: () => void): TimerHandle {
    const entry: Entry = { at, seq: this.seq++, fn, cancelled: false };
    this.push(entry);
    this.arm();
    return {
      at,
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  after(ms: number, fn: () => void): TimerHandle {
    return this.schedule(this.now() + Math.max(0, ms), fn);
  }

  close(): void {
    this.closed = true;
    if (this.wake) clearTimeout(this.wake);
    this.heap = [];
  }

  private maybeSkip(): void {
    if (!this.skippable || this.skipScheduled) return;
    this.skipScheduled = true;
    // Deferred so that work started by the current call (and its locks) is registered first.
    setImmediate(() => {
      this.skipScheduled = false;
      this.skip();
    });
  }

  private skip(): void {
    if (!this.skippable) return;
    this.dropCancelled();
    const next = this.heap[0];
    if (!next) return;
    const now = this.now();
    if (next.at > now) this.offset += next.at - now;
    this.fireDue();
  }

  private fireDue(): void {
    const now = this.now();
    while (this.heap.length && (this.heap[0].cancelled || this.heap[0].at <= now)) {
      const e = this.pop()!;
      if (e.cancelled) continue;
      try {
        e.fn();
      } catch (err) {
        console.error('temporal-dev: timer callback failed', err);
      }
    }
    this.arm();
    this.maybeSkip();
  }

  private arm(): void {
    if (this.closed) return;
    if (this.wake) clearTimeout(this.wake);
    this.wake = undefined;
    this.dropCancelled();
    const next = this.heap[0];
    if (!next) return;
    const delay = Math.max(0, Math.min(next.at - this.now(), 2 ** 31 - 1));
    this.wake = setTimeout(() => this.fireDue(), delay);
    this.wake.unref?.();
    this.maybeSkip();
  }

  private dropCancelled(): void {
    while (this.heap.length && this.heap[0].cancelled) this.pop();
  }

  private less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    if (!h.length) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
