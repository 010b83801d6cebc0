/**
 * The server's clock. Virtual time = wall time + offset. With time skipping enabled the offset jumps
 * forward to the next timer whenever nothing holds a lock — the Java test server's rule: the server
 * holds locks while workflow tasks and activities are in flight, clients hold them through
 * LockTimeSkipping; an empty timer queue never skips.
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
  /** Locks held by the server's own in-flight work (workflow tasks, activity attempts, ...). */
  private locks = 0;
  /**
   * Locks held by clients (LockTimeSkipping / UnlockTimeSkipping). Kept apart from the server's so that a
   * client unlocking more than it locked (a `result()` and an `env.sleep()` in parallel) never releases
   * the server's own locks.
   */
  private clientLocks = 0;
  private closed = false;

  constructor(
    readonly timeSkipping: boolean,
    initiallyLocked: boolean,
    offsetMs = 0,
  ) {
    this.clientLocks = initiallyLocked ? 1 : 0;
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

  get clientLockCount(): number {
    return this.clientLocks;
  }

  /** The server's own lock: taken while a workflow task, activity attempt or similar is in flight. */
  lock(): void {
    this.locks++;
  }

  unlock(): void {
    if (this.locks <= 0) throw new Error('unbalanced time-skipping unlock');
    this.locks--;
    this.maybeSkip();
  }

  clientLock(): void {
    this.clientLocks++;
  }

  clientUnlock(): void {
    this.clientLocks--;
    this.maybeSkip();
  }

  private get skippable(): boolean {
    return this.timeSkipping && this.locks === 0 && this.clientLocks <= 0 && !this.closed;
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
