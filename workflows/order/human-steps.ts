/**
 * The order workflows' human steps, on the platform's task inbox (workflows/shared): each wait opens a task with a
 * due time, a reminder and an escalation taken from the order's wait policies, and records the decision (who,
 * when). Also keeps what the query shows: the open waits with their deadlines.
 */
import { workflowInfo } from '@temporalio/workflow';
import { createTaskInbox } from '../shared';
import type { Role } from '../../domain/tasks/roles';
import type { TaskCompletion } from '../../domain/tasks/task';
import type { DecisionRecord, OpenTaskView } from '../../domain/order/contract';
import type { WaitPolicy } from '../../domain/order/waits';

/** One human step of an order. */
export interface AskSpec {
  step: string;
  kind: string;
  title: string;
  role: Role;
  policy: WaitPolicy;
  payload?: Record<string, unknown>;
  /** Whether the inbox reminds the task's role (false when the reminders go elsewhere, e.g. dunning the customer). */
  remindAssignee?: boolean;
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
  private readonly inbox = createTaskInbox();
  private readonly views = new Map<string, OpenTaskView>();
  readonly decisions: DecisionRecord[] = [];

  constructor(
    private readonly ctx: { orderId: string; customerId: string },
    private readonly hooks: { onChange?: () => void; onDecision?: (step: string, completion: TaskCompletion) => Promise<void> } = {},
  ) {}

  /** Opens the step's task and waits for a person to complete it. */
  async ask(spec: AskSpec): Promise<StepResult> {
    const now = Date.now();
    const iso = (ms: number) => new Date(now + ms).toISOString();
    const escalateMs = spec.escalateAfterMs === undefined ? spec.policy.escalateAfterMs : spec.escalateAfterMs;
    this.views.set(spec.step, {
      workflowId: workflowInfo().workflowId,
      step: spec.step,
      kind: spec.kind,
      role: spec.role,
      taskId: null,
      openedAt: new Date(now).toISOString(),
      dueAt: iso(spec.policy.dueAfterMs),
      escalateAt: escalateMs === null ? null : iso(escalateMs),
      reminded: false,
      escalated: false,
    });
    this.hooks.onChange?.();
    try {
      const outcome = await this.inbox.waitFor({
        step: spec.step,
        kind: spec.kind,
        title: spec.title,
        role: spec.role,
        caseType: 'order',
        caseId: this.ctx.orderId,
        customerId: this.ctx.customerId,
        payload: spec.payload,
        remindAfter: spec.remindAssignee === false ? undefined : spec.policy.firstReminderAfterMs,
        escalateAfter: escalateMs === null ? undefined : escalateMs,
        escalateTo: [spec.policy.escalateTo],
        dueAfter: spec.policy.dueAfterMs,
      });
      if (outcome.status !== 'completed') throw new Error(`step ${spec.step} ended without a completion`);
      const c = outcome.completion;
      const comment = typeof c.data.comment === 'string' ? c.data.comment : undefined;
      this.decisions.push({ step: spec.step, decision: c.decision, by: c.completedBy, at: c.completedAt, ...(comment ? { comment } : {}) });
      await this.hooks.onDecision?.(spec.step, c);
      return { completion: c, escalated: outcome.escalated };
    } finally {
      this.views.delete(spec.step);
      this.hooks.onChange?.();
    }
  }

  /** Open waits with their deadlines and the inbox's live reminder / escalation flags. */
  openTasks(): OpenTaskView[] {
    const live = new Map(this.inbox.pending().map((p) => [p.step, p]));
    return [...this.views.values()].map((v) => {
      const p = live.get(v.step);
      return p ? { ...v, taskId: p.taskId, reminded: p.reminded, escalated: p.escalated } : { ...v };
    });
  }
}
