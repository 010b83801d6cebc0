/**
 * Task queue matching: tasks wait for pollers, pollers long-poll for tasks. A task is "started" at the
 * moment a live poller takes it, so a cancelled poll never swallows a task.
 */
export interface PollInfo {
  identity: string;
  requestId?: string;
}

/** A dispatchable task: `start` returns the poll response, or null when the task went stale meanwhile. */
export interface Task<R> {
  start(poll: PollInfo): R | null;
}

interface Waiter<R> {
  poll: PollInfo;
  /** true = the waiter consumed the task (valid or stale); false = the waiter is gone. */
  deliver(task: Task<R>): boolean;
  cancel(): void;
}

export class TaskQueue<R> {
  private tasks: Task<R>[] = [];
  private waiters: Waiter<R>[] = [];
  /** Who polled this queue and when (wall-clock ms): DescribeTaskQueue's pollers, which the web UI shows. */
  readonly pollers = new Map<string, number>();

  get backlog(): number {
    return this.tasks.length;
  }

  get pollerCount(): number {
    return this.waiters.length;
  }

  offer(task: Task<R>): void {
    while (this.waiters.length) {
      const w = this.waiters.shift()!;
      if (w.deliver(task)) return;
    }
    this.tasks.push(task);
  }

  /**
   * Long-polls for a task. Resolves null after `timeoutMs` (real time) or when `signal` aborts.
   */
  poll(poll: PollInfo, timeoutMs: number, signal: AbortSignal): Promise<R | null> {
    this.pollers.set(poll.identity, Date.now());
    while (this.tasks.length) {
      const t = this.tasks.shift()!;
      const resp = t.start(poll);
      if (resp) return Promise.resolve(resp);
    }
    return new Promise<R | null>((resolve) => {
      let done = false;
      const finish = (value: R | null) => {
        done = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(value);
      };
      const onAbort = () => finish(null);
      const waiter: Waiter<R> = {
        poll,
        deliver: (task) => {
          if (done || signal.aborted) return false;
          const resp = task.start(poll);
          if (resp) finish(resp);
          return true;
        },
        cancel: () => finish(null),
      };
      const timer = setTimeout(() => finish(null), timeoutMs);
      signal.addEventListener('abort', onAbort);
      this.waiters.push(waiter);
    });
  }

  /** Ends every waiting poll with an empty response (server shutdown). */
  releaseAll(): void {
    for (const w of [...this.waiters]) w.cancel();
    this.waiters = [];
  }
}
