/**
 * The RMA's bookkeeping around the platform's task inbox: each human step becomes a task with its deadline
 * (reminder halfway, escalation at the due time), and its outcome is recorded as a decision (who, when, what)
 * for the `rmaState` query.
 */
import type { TaskInbox, TaskOutcome } from '../shared/wait-for-task';
import type { Role } from '../../domain/tasks/roles';
import type { RmaActor, RmaDeadline, RmaDecision, RmaOpenTask } from '../../domain/rma/contract';
import { RMA_CASE_TYPE } from '../../domain/rma/contract';
import { reminderAt } from '../../domain/rma/deadlines';

/** One human step of the procedure. */
export interface StepSpec {
  step: string;
  kind: string;
  title: string;
  role: Role;
  /** Deadline: the task is due then, reminded halfway and escalated at the due time. */
  dueAt?: Date;
  /** Name of the deadline in the query (defaults to the step). */
  deadline?: string;
  /** Who hears about the escalation (default: manager). */
  escalateTo?: Role[];
  /** Stop waiting then and cancel the task. */
  giveUpAt?: Date;
  payload?: Record<string, unknown>;
}

/** A completed step. */
export interface StepDone {
  decision: string;
  data: Record<string, unknown>;
  by: RmaActor;
  at: Date;
  escalated: boolean;
}

/** Decisions, deadlines and open tasks of one workflow, kept for its query. */
export interface StepTracker {
  decisions: RmaDecision[];
  deadlines: RmaDeadline[];
  openTasks(): RmaOpenTask[];
  /** Runs a human step to completion (or to `giveUpAt`: then undefined). */
  run(spec: StepSpec): Promise<StepDone | undefined>;
  /** Like run, for steps without a give-up time. */
  must(spec: StepSpec): Promise<StepDone>;
}

/** Creates the tracker for the case `rmaId` of `customerId`. */
export function createStepTracker(inbox: TaskInbox, rmaId: string, customerId: string): StepTracker {
  const decisions: RmaDecision[] = [];
  const deadlines: RmaDeadline[] = [];
  const open = new Map<string, RmaOpenTask>();

  async function run(spec: StepSpec): Promise<StepDone | undefined> {
    const now = Date.now();
    const dueMs = spec.dueAt ? Math.max(0, spec.dueAt.getTime() - now) : undefined;
    const deadline: RmaDeadline | undefined = spec.dueAt ? { name: spec.deadline ?? spec.step, dueAt: spec.dueAt.toISOString() } : undefined;
    if (deadline) deadlines.push(deadline);
    open.set(spec.step, { step: spec.step, kind: spec.kind, role: spec.role, title: spec.title, dueAt: spec.dueAt?.toISOString() ?? null, escalated: false });
    let outcome: TaskOutcome;
    try {
      outcome = await inbox.waitFor({
        step: spec.step,
        kind: spec.kind,
        title: spec.title,
        role: spec.role,
        caseType: RMA_CASE_TYPE,
        caseId: rmaId,
        customerId,
        payload: spec.payload,
        remindAfter: spec.dueAt && dueMs ? reminderAt(new Date(now), spec.dueAt).getTime() - now : undefined,
        escalateAfter: dueMs,
        escalateTo: spec.escalateTo,
        giveUpAfter: spec.giveUpAt ? Math.max(0, spec.giveUpAt.getTime() - now) : undefined,
      });
    } finally {
      open.delete(spec.step);
    }
    if (deadline && outcome.escalated) deadline.breachedAt = deadline.dueAt;
    if (outcome.status === 'timed_out') return undefined;
    const c = outcome.completion;
    // Workflow time, not the completion's wall-clock stamp: every later deadline is computed on the workflow's
    // clock (the same in production; the only clock in a time-skipped test).
    const at = new Date(Date.now());
    const done: StepDone = { decision: c.decision, data: c.data, by: c.completedBy, at, escalated: outcome.escalated };
    if (deadline) {
      deadline.metAt = at.toISOString();
      if (spec.dueAt && at.getTime() > spec.dueAt.getTime()) deadline.breachedAt = deadline.dueAt;
    }
    decisions.push({ step: spec.step, decision: c.decision, by: c.completedBy, at: at.toISOString(), data: c.data });
    return done;
  }

  return {
    decisions,
    get deadlines() {
      // A deadline still open past its due time shows as breached (workflow time of the latest activation).
      const now = Date.now();
      return deadlines.map((d) => (!d.metAt && !d.breachedAt && Date.parse(d.dueAt) < now ? { ...d, breachedAt: d.dueAt } : d));
    },
    openTasks: () => {
      const escalated = new Set(inbox.pending().filter((p) => p.escalated).map((p) => p.step));
      return [...open.values()].map((t) => ({ ...t, escalated: escalated.has(t.step) }));
    },
    run,
    async must(spec) {
      const done = await run({ ...spec, giveUpAt: undefined });
      // Without a give-up time the inbox only returns on completion.
      return done as StepDone;
    },
  };
}
