/**
 * Waiting for a person, the platform's way: open the step's task (activity), wait for the platform's
 * taskCompleted signal with reminder / escalation timers and an optional deadline, then close the task.
 * Shared by the quote and customer workflows; one inbox per workflow run, created before the first await so
 * the signal handler is registered from the start.
 */
import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { TaskActivities } from '../../activities/tasks';
import type { TaskCompletion } from '../../domain/tasks/task';
import type { Role } from '../../domain/tasks/roles';
import { afterSlaEvent, nextSlaEvent, SLA_NOT_STARTED, type SlaEvent, type SlaPolicy, type SlaProgress } from '../../domain/quote/sla';
import { pendingTasksQuery, taskCompletedSignal, type PendingTaskView } from '../shared/task-signals';

const tasks = proxyActivities<TaskActivities>({ startToCloseTimeout: '1 minute', retry: { maximumInterval: '1 minute' } });

/** The clock of one wait: reminder and escalations counted from `startedAt` by `policy`. */
export interface WaitClock {
  startedAt: number;
  policy: SlaPolicy;
  /** Progress carried over from an earlier wait on the same clock (e.g. the SLA across review rounds). */
  progress?: SlaProgress;
}

/** One human step to wait for. */
export interface HumanTaskSpec {
  step: string;
  kind: string;
  title: string;
  role: Role;
  caseType: string;
  caseId: string;
  customerId: string | null;
  payload?: Record<string, unknown>;
  /** Epoch ms shown as the task's due time. */
  dueAt?: number | null;
  clock?: WaitClock;
  /** When reached without a completion, the task is cancelled and the wait returns null. */
  deadline?: number | null;
  /** Called when the clock fires; must be idempotent (activities keyed by step and event). */
  onClockEvent?: (event: SlaEvent) => Promise<void>;
}

/** An open wait as the workflow's query shows it. */
export interface OpenWait extends PendingTaskView {
  dueAt: string | null;
}

/** Collects task completions by step and runs waits. */
export class TaskInbox {
  private readonly completions = new Map<string, TaskCompletion>();
  private readonly waits = new Map<string, OpenWait>();

  constructor() {
    // The first completion of a step wins; the API allows only one, this guards against a replayed signal.
    setHandler(taskCompletedSignal, (completion) => {
      if (!this.completions.has(completion.step)) this.completions.set(completion.step, completion);
    });
    setHandler(pendingTasksQuery, () => this.openWaits().map(({ dueAt: _dueAt, ...view }) => view));
  }

  /** The waits open right now. */
  openWaits(): OpenWait[] {
    return [...this.waits.values()].map((w) => ({ ...w }));
  }

  /** Opens the task, waits for its completion (firing the clock meanwhile) or the deadline, and closes it. */
  async wait(spec: HumanTaskSpec): Promise<{ completion: TaskCompletion | null; progress: SlaProgress }> {
    const view: OpenWait = {
      step: spec.step,
      kind: spec.kind,
      role: spec.role,
      taskId: null,
      reminded: false,
      escalated: false,
      dueAt: spec.dueAt != null ? new Date(spec.dueAt).toISOString() : null,
    };
    this.waits.set(spec.step, view);
    const iso = (ms: number | null | undefined) => (ms != null && Number.isFinite(ms) ? new Date(ms).toISOString() : null);
    const clock = spec.clock;
    let progress = clock?.progress ?? SLA_NOT_STARTED;
    const first = clock ? nextSlaEvent(clock.startedAt, progress, clock.policy) : null;
    const opened = await tasks.openTask({
      step: spec.step,
      kind: spec.kind,
      title: spec.title,
      role: spec.role,
      caseType: spec.caseType,
      caseId: spec.caseId,
      customerId: spec.customerId,
      payload: spec.payload,
      dueAt: iso(spec.dueAt),
      remindAt: first?.kind === 'reminder' ? iso(first.at) : null,
      escalateAt: clock ? iso(clock.startedAt + clock.policy.escalateAfterMs) : null,
    });
    view.taskId = opened.taskId;
    const done = () => this.completions.has(spec.step);
    try {
      for (;;) {
        const event = clock ? nextSlaEvent(clock.startedAt, progress, clock.policy) : null;
        const wakeAt = Math.min(event?.at ?? Infinity, spec.deadline ?? Infinity);
        if (wakeAt === Infinity) {
          await condition(done);
        } else if (await condition(done, Math.max(1, wakeAt - Date.now()))) {
          // completed before the timer
        } else if (event && event.at <= (spec.deadline ?? Infinity)) {
          if (spec.onClockEvent) await spec.onClockEvent(event);
          progress = afterSlaEvent(progress, event);
          if (event.kind === 'reminder') view.reminded = true;
          else view.escalated = true;
          continue;
        } else {
          await tasks.closeTask({ step: spec.step, status: 'cancelled' });
          return { completion: null, progress };
        }
        const completion = this.completions.get(spec.step) as TaskCompletion;
        await tasks.closeTask({ step: spec.step, status: 'completed', completion });
        return { completion, progress };
      }
    } finally {
      this.waits.delete(spec.step);
    }
  }
}
