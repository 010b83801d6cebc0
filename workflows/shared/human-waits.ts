/**
 * The one way a workflow waits for a person: open a task, remind and escalate on a cadence ("remind every day
 * until done", "escalate at 24 h, then daily"), optionally give up, and keep what queries show — the open waits
 * with their deadlines and the log of decisions (who decided what, when).
 *
 * Waits that span several tasks (dunning an unpaid invoice across partial payments, a daily penalty while a report
 * is late) use {@link repeatWhileWaiting} around them.
 */
import { condition, isCancellation, proxyActivities, setHandler } from '@temporalio/workflow';
import type { OpenTaskRequest, TaskActivities } from '../../activities/tasks';
import type { Role } from '../../domain/tasks/roles';
import type { TaskCompletion } from '../../domain/tasks/task';
import { durationMs, type DurationInput } from '../../domain/tasks/durations';
import { cadenceAt, type Cadence } from '../../domain/tasks/cadence';
import { withFenNames } from '../../domain/shared/money-names';
import { DATABASE_WRITE } from './activity-options';
import { pendingTasksQuery, taskCompletedSignal } from './task-signals';

const tasks = proxyActivities<TaskActivities>(DATABASE_WRITE);
/** The reminder / escalation number for the task activities; the first goes without one (the activity's default). */
const numbered = (n: number) => (n > 1 ? { number: n } : {});

/** A repeating timer counted from the moment the task opens. A number `after` may be negative (already past). */
export interface WaitCadence {
  after: DurationInput;
  /** Then again this often while the task is open (omit: once). */
  every?: DurationInput;
  /** At most this many in all, counting `alreadySent` (default: one without `every`, no limit with it). */
  max?: number;
  /** How many were sent for this step before this wait (a step asked again keeps its count and its clock). */
  alreadySent?: number;
}

/** Reminders to the person holding the task. */
export interface Reminders extends WaitCadence {
  /** Sends reminder `n` (default: the platform marks the task and mails everyone holding its role). */
  send?: (n: number) => Promise<void>;
}

/** Escalations above the person holding the task. */
export interface Escalations extends WaitCadence {
  /** Who hears the platform's escalation (default: manager). */
  to?: Role[];
  /**
   * Sends escalation `n` (default: `platform()`, which marks the task escalated and mails `to`). A process with its
   * own wording for later escalations calls `platform()` for the first and mails the rest itself.
   */
  send?: (n: number, platform: () => Promise<void>) => Promise<void>;
}

/**
 * One human wait: the task to open (`step` is unique within the workflow; with the workflow id it is the task's
 * idempotency key) and its timers.
 */
export interface HumanWait<Note = undefined> extends Omit<OpenTaskRequest, 'dueAt' | 'remindAt' | 'escalateAt'> {
  /** Due time shown on the task (default: the first escalation). */
  dueAfter?: DurationInput;
  remind?: Reminders;
  escalate?: Escalations;
  /** Stop waiting this long after the task opens, cancelling the task (omit: wait for ever). */
  giveUpAfter?: DurationInput;
  /** Kept with the decision in the log (e.g. the quote revision it was taken on). */
  note?: Note;
}

/** How a wait ended. */
export type WaitOutcome =
  ({ status: 'completed'; completion: TaskCompletion } & WaitCounts) | ({ status: 'timed_out' } & WaitCounts);

interface WaitCounts {
  taskId: string;
  reminders: number;
  escalations: number;
  reminded: boolean;
  escalated: boolean;
}

/** A wait in progress, as queries show it (ISO timestamps, workflow time). */
export interface OpenWait {
  step: string;
  kind: string;
  role: Role;
  title: string;
  taskId: string | null;
  openedAt: string;
  dueAt: string | null;
  /** The first escalation; null when the wait has none. */
  escalateAt: string | null;
  reminders: number;
  escalations: number;
  reminded: boolean;
  escalated: boolean;
}

/** One decision in the log. */
export interface LoggedDecision<Note = undefined> {
  step: string;
  kind: string;
  decision: string;
  data: Record<string, unknown>;
  by: TaskCompletion['completedBy'];
  /** When the person completed the task (the API's clock). */
  at: string;
  /** When the workflow recorded it, the task closed (workflow time: the clock later deadlines are computed on). */
  recordedAt: string;
  note?: Note;
}

/** The human side of one workflow. */
export interface HumanWaits<Note = undefined> {
  /** Opens the task, reminds and escalates on time, and resolves when a person completes it (or at giveUpAfter). */
  waitFor(wait: HumanWait<Note>): Promise<WaitOutcome>;
  /** The waits in progress. */
  openTasks(): OpenWait[];
  /** Every decision so far, in the order received. */
  readonly decisions: LoggedDecision<Note>[];
  /**
   * Resolves with `wait`'s result; calls `enter(false)` once, for every prefix in `stepPrefixes`, a task whose step
   * starts with it has opened (has its task id) since this call, or `enter(true)` if `wait` settles first. A
   * workflow enters the stage `wait` belongs to there, so the stage a client reads never runs ahead of the task it
   * promises (issue 13 item 7).
   */
  whenOpen<T>(
    stepPrefixes: string | readonly string[],
    wait: Promise<T>,
    enter: (settled: boolean) => Promise<void> | void,
  ): Promise<T>;
}

/**
 * Registers the task-completion signal and the `pendingTasks` query (call it before the first await, so no signal
 * reaches a workflow without its handler). `onChange` runs whenever what `openTasks()` shows changes (a wait
 * opens, gets its task id, is reminded or escalated, closes), e.g. to report to a parent workflow.
 */
export function createHumanWaits<Note = undefined>(hooks: { onChange?: () => void } = {}): HumanWaits<Note> {
  const completions = new Map<string, TaskCompletion>();
  const open = new Map<string, OpenWait>();
  const decisions: LoggedDecision<Note>[] = [];
  /** The steps whose task got its id, in that order (what `whenOpen` watches). */
  const opened: string[] = [];

  setHandler(taskCompletedSignal, (completion) => {
    // The API completes a task once; a repeated signal (a client retry) must not replace the first decision.
    // Completions signalled before the money rename (recorded histories) say `amountMinor`: read as `amountFen`.
    if (!completions.has(completion.step)) completions.set(completion.step, withFenNames(completion));
  });
  setHandler(pendingTasksQuery, () =>
    [...open.values()].map((w) => ({
      step: w.step,
      kind: w.kind,
      role: w.role,
      taskId: w.taskId,
      reminded: w.reminded,
      escalated: w.escalated,
    })),
  );

  async function waitFor(wait: HumanWait<Note>): Promise<WaitOutcome> {
    // Workflow time is deterministic: Date.now() replays to the same value.
    const openedAt = Date.now();
    const ms = (d: DurationInput) => (typeof d === 'number' ? d : durationMs(d));
    const cadence = (c: WaitCadence | undefined): Cadence | null =>
      c ? { afterMs: ms(c.after), everyMs: c.every === undefined ? undefined : ms(c.every), max: c.max } : null;
    const reminders = cadence(wait.remind);
    const escalations = cadence(wait.escalate);
    const giveUpMs = wait.giveUpAfter === undefined ? null : ms(wait.giveUpAfter);
    const at = (offset: number | null) => (offset === null ? null : new Date(openedAt + offset).toISOString());
    const firstUnsent = (c: Cadence | null, sent: number) => (c && sent === 0 ? cadenceAt(c, 1) : null);
    const view: OpenWait = {
      step: wait.step,
      kind: wait.kind,
      role: wait.role,
      title: wait.title,
      taskId: null,
      openedAt: new Date(openedAt).toISOString(),
      dueAt: at(wait.dueAfter !== undefined ? ms(wait.dueAfter) : escalations && cadenceAt(escalations, 1)),
      escalateAt: at(escalations && cadenceAt(escalations, 1)),
      reminders: wait.remind?.alreadySent ?? 0,
      escalations: wait.escalate?.alreadySent ?? 0,
      reminded: (wait.remind?.alreadySent ?? 0) > 0,
      escalated: (wait.escalate?.alreadySent ?? 0) > 0,
    };
    open.set(wait.step, view);
    hooks.onChange?.();
    const done = () => completions.has(wait.step);

    try {
      const { taskId } = await tasks.openTask({
        step: wait.step,
        kind: wait.kind,
        title: wait.title,
        role: wait.role,
        caseType: wait.caseType,
        caseId: wait.caseId,
        customerId: wait.customerId ?? null,
        payload: wait.payload,
        dueAt: view.dueAt,
        remindAt: at(firstUnsent(reminders, view.reminders)),
        escalateAt: at(firstUnsent(escalations, view.escalations)),
      });
      view.taskId = taskId;
      opened.push(wait.step);
      hooks.onChange?.();

      /** Waits until the task is done or `offset` after opening has passed; true when done. */
      const doneBefore = async (offset: number) => {
        const left = openedAt + offset - Date.now();
        return left > 0 ? condition(done, left) : done();
      };
      const before = (offset: number | null): offset is number =>
        offset !== null && (giveUpMs === null || offset < giveUpMs);

      for (;;) {
        const remindAt = reminders && cadenceAt(reminders, view.reminders + 1);
        const escalateAt = escalations && cadenceAt(escalations, view.escalations + 1);
        const next = [remindAt, escalateAt].filter(before);
        if (!next.length || (await doneBefore(Math.min(...next)))) break;
        // On a tie the holder is reminded first; the escalation follows in the same instant.
        if (before(remindAt) && remindAt <= Math.min(...next)) {
          const n = view.reminders + 1;
          await (wait.remind?.send ? wait.remind.send(n) : tasks.remindTask({ step: wait.step, ...numbered(n) }));
          view.reminders = n;
          view.reminded = true;
          hooks.onChange?.();
        } else {
          const n = view.escalations + 1;
          const platform = async () =>
            void (await tasks.escalateTask({ step: wait.step, escalateTo: wait.escalate?.to, ...numbered(n) }));
          await (wait.escalate?.send ? wait.escalate.send(n, platform) : platform());
          view.escalations = n;
          view.escalated = true;
          hooks.onChange?.();
        }
      }

      const counts = {
        taskId,
        reminders: view.reminders,
        escalations: view.escalations,
        reminded: view.reminded,
        escalated: view.escalated,
      };
      const completedInTime = giveUpMs === null ? (await condition(done), true) : await doneBefore(giveUpMs);
      if (!completedInTime) {
        await tasks.closeTask({ step: wait.step, status: 'cancelled' });
        return { status: 'timed_out', ...counts };
      }
      const completion = completions.get(wait.step) as TaskCompletion;
      // Normally the API already closed the task; this covers a commit that failed after the signal went out.
      await tasks.closeTask({ step: wait.step, status: 'completed', completion });
      decisions.push({
        step: wait.step,
        kind: wait.kind,
        decision: completion.decision,
        data: completion.data,
        by: completion.completedBy,
        at: completion.completedAt,
        recordedAt: new Date(Date.now()).toISOString(),
        ...(wait.note === undefined ? {} : { note: wait.note }),
      });
      return { status: 'completed', completion, ...counts };
    } finally {
      open.delete(wait.step);
      hooks.onChange?.();
    }
  }

  function whenOpen<T>(
    stepPrefixes: string | readonly string[],
    wait: Promise<T>,
    enter: (settled: boolean) => Promise<void> | void,
  ): Promise<T> {
    const prefixes = typeof stepPrefixes === 'string' ? [stepPrefixes] : stepPrefixes;
    // Only tasks opened from now on count: an earlier round of the same step does not promise this one.
    const from = opened.length;
    return whenReady(() => prefixes.every((p) => opened.slice(from).some((step) => step.startsWith(p))), wait, enter);
  }

  return { waitFor, openTasks: () => [...open.values()].map((w) => ({ ...w })), decisions, whenOpen };
}

/**
 * Resolves with `wait`'s result; calls `enter(false)` once `ready()` holds, or `enter(true)` if `wait` settles
 * first — for a stage whose task another workflow opens (a child that reports its open tasks); a workflow's own
 * tasks use {@link HumanWaits.whenOpen}.
 */
export async function whenReady<T>(
  ready: () => boolean,
  wait: Promise<T>,
  enter: (settled: boolean) => Promise<void> | void,
): Promise<T> {
  let settled = false;
  const tracked = wait.finally(() => {
    settled = true;
  });
  // Awaited below; a rejection (cancellation) before `ready` must not count as unhandled meanwhile.
  tracked.catch(() => undefined);
  await condition(() => settled || ready());
  await enter(settled);
  return tracked;
}

/** The repeats of a wait that spans several tasks, in epoch milliseconds (workflow time). */
export interface RepeatCadence {
  firstAt: number;
  everyMs: number;
  max?: number;
}

/**
 * Resolves with `wait`'s result; meanwhile calls `onRepeat(n)` at `firstAt`, `firstAt + everyMs`, … (at most `max`
 * times) for as long as `wait` has not settled. Nothing fires after it settles.
 */
export async function repeatWhileWaiting<T>(
  wait: Promise<T>,
  cadence: RepeatCadence,
  onRepeat: (n: number) => Promise<void>,
): Promise<T> {
  let settled = false;
  const tracked = wait.finally(() => {
    settled = true;
  });
  const repeats = (async () => {
    for (let n = 1; ; n++) {
      const offset = cadenceAt({ afterMs: 0, everyMs: cadence.everyMs, max: cadence.max }, n);
      if (offset === null) return;
      const left = cadence.firstAt + offset - Date.now();
      const done = left > 0 ? await condition(() => settled, left) : settled;
      if (done) return;
      await onRepeat(n);
    }
  })();
  // Handled below; marked now so a rejection while `wait` is pending is never reported as unhandled.
  repeats.catch(() => undefined);
  try {
    return await tracked;
  } finally {
    // A cancelled wait cancels the repeat timer too: the wait's own error is the one that matters then.
    await repeats.catch((error: unknown) => {
      if (!isCancellation(error)) throw error;
    });
  }
}
