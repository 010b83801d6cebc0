/**
 * The order workflows' human steps on the platform's human-wait toolkit (workflows/shared): each step's task gets
 * its due time, reminders and escalation from the order's wait policies, and its decision is recorded (who, when).
 */
import { workflowInfo } from '@temporalio/workflow';
import { createHumanWaits, type HumanWaits } from '../shared';
import type { Role } from '../../domain/tasks/roles';
import type { TaskKindName } from '../../domain/tasks/kind-names';
import type { TaskCompletion } from '../../domain/tasks/task';
import type { DecisionRecord, OpenTaskView } from '../../domain/order/contract';
import type { WaitPolicy } from '../../domain/order/waits';

/** One human step of an order. */
export interface AskSpec {
  step: string;
  kind: TaskKindName;
  title: string;
  role: Role;
  policy: WaitPolicy;
  payload?: Record<string, unknown>;
  /** Overrides the policy's escalation delay; null: no escalation (already escalated earlier in the same wait). */
  escalateAfterMs?: number | null;
}

/** What a completed step gives back. */
export interface StepResult {
  completion: TaskCompletion;
  escalated: boolean;
}

/** The human side of one order workflow; create it before the first await (it registers the signal handler). */
export class OrderSteps {
  private readonly waits: HumanWaits;

  constructor(
    private readonly ctx: { orderId: string; customerId: string },
    private readonly hooks: {
      onChange?: () => void;
      onDecision?: (step: string, completion: TaskCompletion) => Promise<void>;
    } = {},
  ) {
    this.waits = createHumanWaits({ onChange: hooks.onChange });
  }

  /** Opens the step's task and waits for a person to complete it. */
  async ask(spec: AskSpec): Promise<StepResult> {
    const { policy } = spec;
    const escalateMs = spec.escalateAfterMs === undefined ? policy.escalateAfterMs : spec.escalateAfterMs;
    // The task's holder is reminded unless the policy reminds the customer about someone else's task (an unpaid
    // invoice: the workflow duns the customer itself, the finance task only escalates).
    const remindsHolder = policy.remind === 'assignee' || spec.role === 'customer';
    const outcome = await this.waits.waitFor({
      step: spec.step,
      kind: spec.kind,
      title: spec.title,
      role: spec.role,
      caseType: 'order',
      caseId: this.ctx.orderId,
      customerId: this.ctx.customerId,
      payload: spec.payload,
      dueAfter: policy.dueAfterMs,
      remind: remindsHolder
        ? { after: policy.firstReminderAfterMs, every: policy.reminderEveryMs, max: policy.maxReminders }
        : undefined,
      escalate: escalateMs === null ? undefined : { after: escalateMs, to: [policy.escalateTo] },
    });
    if (outcome.status !== 'completed') throw new Error(`step ${spec.step} ended without a completion`);
    await this.hooks.onDecision?.(spec.step, outcome.completion);
    return { completion: outcome.completion, escalated: outcome.escalated };
  }

  /** Enters a stage once its task is open (the toolkit's `whenOpen`): `enter(true)` when `wait` settled first. */
  whenOpen<T>(
    stepPrefixes: string | readonly string[],
    wait: Promise<T>,
    enter: (settled: boolean) => Promise<void> | void,
  ): Promise<T> {
    return this.waits.whenOpen(stepPrefixes, wait, enter);
  }

  /** The decisions so far (who, when, and the comment when there is one). */
  get decisions(): DecisionRecord[] {
    return this.waits.decisions.map((d) => {
      const comment = typeof d.data.comment === 'string' ? d.data.comment : undefined;
      return { step: d.step, decision: d.decision, by: d.by, at: d.at, ...(comment ? { comment } : {}) };
    });
  }

  /** Open waits with their deadlines and reminder / escalation state. */
  openTasks(): OpenTaskView[] {
    const workflowId = workflowInfo().workflowId;
    return this.waits.openTasks().map((w) => ({
      workflowId,
      step: w.step,
      kind: w.kind,
      role: w.role,
      taskId: w.taskId,
      openedAt: w.openedAt,
      dueAt: w.dueAt,
      escalateAt: w.escalateAt,
      reminded: w.reminded,
      escalated: w.escalated,
    }));
  }
}
