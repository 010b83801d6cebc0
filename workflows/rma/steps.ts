/**
 * The RMA's human steps on the platform's human-wait toolkit (workflows/shared): each step becomes a task with its
 * deadline (reminder halfway, escalation at the due time), and the clocks the RMA runs are kept for the `rmaState`
 * query (met, or breached while open).
 */
import { createHumanWaits } from '../shared';
import type { Role } from '../../domain/tasks/roles';
import type { TaskKindName } from '../../domain/tasks/kind-names';
import type { RmaActor, RmaDeadline, RmaDecision, RmaOpenTask } from '../../domain/rma/contract';
import { RMA_CASE_TYPE } from '../../domain/rma/contract';
import { reminderAt } from '../../domain/rma/deadlines';

/** One human step of the procedure. */
export interface StepSpec {
  step: string;
  kind: TaskKindName;
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
  readonly decisions: RmaDecision[];
  readonly deadlines: RmaDeadline[];
  openTasks(): RmaOpenTask[];
  /** Runs a human step to completion (or to `giveUpAt`: then undefined). */
  run(spec: StepSpec): Promise<StepDone | undefined>;
  /** Like run, for steps without a give-up time. */
  must(spec: StepSpec): Promise<StepDone>;
}

/**
 * Creates the tracker for the case `rmaId` of `customerId`; call it before the first await (it registers the
 * task-completion signal).
 */
export function createStepTracker(rmaId: string, customerId: string): StepTracker {
  const waits = createHumanWaits();
  const deadlines: RmaDeadline[] = [];

  async function run(spec: StepSpec): Promise<StepDone | undefined> {
    const now = Date.now();
    const dueMs = spec.dueAt ? Math.max(0, spec.dueAt.getTime() - now) : undefined;
    const deadline: RmaDeadline | undefined = spec.dueAt
      ? { name: spec.deadline ?? spec.step, dueAt: spec.dueAt.toISOString() }
      : undefined;
    if (deadline) deadlines.push(deadline);
    const outcome = await waits.waitFor({
      step: spec.step,
      kind: spec.kind,
      title: spec.title,
      role: spec.role,
      caseType: RMA_CASE_TYPE,
      caseId: rmaId,
      customerId,
      payload: spec.payload,
      remind: spec.dueAt && dueMs ? { after: reminderAt(new Date(now), spec.dueAt).getTime() - now } : undefined,
      escalate: dueMs === undefined ? undefined : { after: dueMs, to: spec.escalateTo },
      giveUpAfter: spec.giveUpAt ? Math.max(0, spec.giveUpAt.getTime() - now) : undefined,
    });
    if (deadline && outcome.escalated) deadline.breachedAt = deadline.dueAt;
    if (outcome.status === 'timed_out') return undefined;
    const c = outcome.completion;
    // Workflow time, not the completion's wall-clock stamp: every later deadline is computed on the workflow's
    // clock (the same in production; the only clock in a time-skipped test).
    const at = new Date(waits.decisions[waits.decisions.length - 1].recordedAt);
    if (deadline) {
      deadline.metAt = at.toISOString();
      if (spec.dueAt && at.getTime() > spec.dueAt.getTime()) deadline.breachedAt = deadline.dueAt;
    }
    return { decision: c.decision, data: c.data, by: c.completedBy, at, escalated: outcome.escalated };
  }

  return {
    get decisions() {
      return waits.decisions.map((d) => ({
        step: d.step,
        decision: d.decision,
        by: d.by,
        at: d.recordedAt,
        data: d.data,
      }));
    },
    get deadlines() {
      // A deadline still open past its due time shows as breached (workflow time of the latest activation).
      const now = Date.now();
      return deadlines.map((d) =>
        !d.metAt && !d.breachedAt && Date.parse(d.dueAt) < now ? { ...d, breachedAt: d.dueAt } : d,
      );
    },
    openTasks: () =>
      waits.openTasks().map((w) => ({
        step: w.step,
        kind: w.kind,
        role: w.role,
        title: w.title,
        dueAt: w.dueAt,
        escalated: w.escalated,
      })),
    run,
    async must(spec) {
      const done = await run({ ...spec, giveUpAt: undefined });
      // Without a give-up time the wait only returns on completion.
      return done as StepDone;
    },
  };
}
