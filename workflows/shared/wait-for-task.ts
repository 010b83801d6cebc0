import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { TaskActivities } from '../../activities/tasks';
import type { Role } from '../../domain/tasks/roles';
import type { TaskCompletion } from '../../domain/tasks/task';
import { durationMs, type DurationInput } from '../../domain/tasks/durations';
import { pendingTasksQuery, taskCompletedSignal, type PendingTaskView } from './task-signals';

const tasks = proxyActivities<TaskActivities>({
  // Database writes only: a minute is generous; infrastructure errors retry with backoff until they succeed.
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** One human wait: the task to open, and when to remind, escalate, and (optionally) give up. */
export interface TaskWait {
  /** Unique within the workflow; with the workflow id it is the task's idempotency key. */
  step: string;
  kind: string;
  title: string;
  role: Role;
  caseType: string;
  caseId: string;
  customerId?: string | null;
  payload?: Record<string, unknown>;
  /** Remind the role this long after the task opens (omit: no reminder). */
  remindAfter?: DurationInput;
  /** Escalate this long after the task opens (omit: no escalation); also the task's due time by default. */
  escalateAfter?: DurationInput;
  /** Who is told at escalation (default: manager). */
  escalateTo?: Role[];
  /** Due time shown on the task (default: escalateAfter). */
  dueAfter?: DurationInput;
  /** Stop waiting this long after the task opens, cancelling the task (omit: wait for ever). */
  giveUpAfter?: DurationInput;
}

/** How a wait ended. */
export type TaskOutcome =
  | { status: 'completed'; taskId: string; completion: TaskCompletion; reminded: boolean; escalated: boolean }
  | { status: 'timed_out'; taskId: string; reminded: boolean; escalated: boolean };

/** The human-task side of a workflow: create it once, at the top of the workflow, then wait on tasks. */
export interface TaskInbox {
  /** Opens the task, reminds and escalates on time, and resolves when a person completes it (or at giveUpAfter). */
  waitFor(wait: TaskWait): Promise<TaskOutcome>;
  /** The waits in progress (also answered by the `pendingTasks` query). */
  pending(): PendingTaskView[];
}

/**
 * Registers the task-completion signal and the pendingTasks query (at workflow start, so no signal is ever
 * delivered to a missing handler) and returns the inbox.
 */
export function createTaskInbox(): TaskInbox {
  const completions = new Map<string, TaskCompletion>();
  const waits = new Map<string, PendingTaskView>();

  setHandler(taskCompletedSignal, (completion) => {
    // The API completes a task once; a repeated signal (a client retry) must not replace the first decision.
    if (!completions.has(completion.step)) completions.set(completion.step, completion);
  });
  setHandler(pendingTasksQuery, () => [...waits.values()]);

  async function waitFor(wait: TaskWait): Promise<TaskOutcome> {
    const view: PendingTaskView = { step: wait.step, kind: wait.kind, role: wait.role, taskId: null, reminded: false, escalated: false };
    waits.set(wait.step, view);
    const done = () => completions.has(wait.step);
    // Workflow time is deterministic: Date.now() replays to the same value.
    const openedAt = Date.now();
    const at = (d: DurationInput | undefined) => (d === undefined ? null : new Date(openedAt + durationMs(d)).toISOString());
    const remindMs = wait.remindAfter === undefined ? undefined : durationMs(wait.remindAfter);
    const escalateMs = wait.escalateAfter === undefined ? undefined : durationMs(wait.escalateAfter);
    const giveUpMs = wait.giveUpAfter === undefined ? undefined : durationMs(wait.giveUpAfter);

    const { taskId } = await tasks.openTask({
      step: wait.step,
      kind: wait.kind,
      title: wait.title,
      role: wait.role,
      caseType: wait.caseType,
      caseId: wait.caseId,
      customerId: wait.customerId ?? null,
      payload: wait.payload,
      dueAt: at(wait.dueAfter ?? wait.escalateAfter),
      remindAt: at(wait.remindAfter),
      escalateAt: at(wait.escalateAfter),
    });
    view.taskId = taskId;

    /** Waits until the task is done or `ms` after opening has passed; true when done. */
    const doneBefore = async (ms: number) => {
      const left = openedAt + ms - Date.now();
      return left > 0 ? condition(done, left) : done();
    };

    try {
      if (remindMs !== undefined && (giveUpMs === undefined || remindMs < giveUpMs) && !(await doneBefore(remindMs))) {
        await tasks.remindTask({ step: wait.step });
        view.reminded = true;
      }
      if (escalateMs !== undefined && (giveUpMs === undefined || escalateMs < giveUpMs) && !(await doneBefore(escalateMs))) {
        await tasks.escalateTask({ step: wait.step, escalateTo: wait.escalateTo });
        view.escalated = true;
      }
      const completedInTime = giveUpMs === undefined ? (await condition(done), true) : await doneBefore(giveUpMs);
      if (!completedInTime) {
        await tasks.closeTask({ step: wait.step, status: 'cancelled' });
        return { status: 'timed_out', taskId, reminded: view.reminded, escalated: view.escalated };
      }
      const completion = completions.get(wait.step) as TaskCompletion;
      // Normally the API already closed the task; this covers a commit that failed after the signal went out.
      await tasks.closeTask({ step: wait.step, status: 'completed', completion });
      return { status: 'completed', taskId, completion, reminded: view.reminded, escalated: view.escalated };
    } finally {
      waits.delete(wait.step);
    }
  }

  return { waitFor, pending: () => [...waits.values()] };
}
