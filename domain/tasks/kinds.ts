import { z } from 'zod';
import { multilineText } from '../shared/fields';
import type { Role } from './roles';
import { currentTaskKind, type TaskKindPattern } from './kind-names';

/**
 * What a kind of task accepts when completed: the allowed decisions, the zod schema of `data`, and the roles
 * that may complete it besides the task's own role. Each process declares its kinds with {@link defineTaskKind}.
 */
export interface TaskKind<D extends string = string, S extends z.ZodType = z.ZodType, K extends string = string> {
  /** `<process>.<step-in-kebab-case>` (README "Naming"); {@link TaskKindName} lists every one. */
  kind: K;
  description: string;
  decisions: readonly [D, ...D[]];
  data: S;
  /** Extra roles allowed to complete (e.g. a manager standing in); the task's role is always allowed. */
  alsoAllowed?: readonly Role[];
  /**
   * Rules between the data and what the workflow put in the task's payload (counts that must add up to what was
   * received, …), and between the data and the decision: the field (under `data`) and why, or undefined when the
   * data may stand. Refused with 422.
   */
  check?: (
    data: z.infer<S>,
    payload: Record<string, unknown>,
    decision: string,
  ) => { field: string; message: string } | undefined;
}

/** Declares a task kind (identity function that keeps the literal types, the kind's name among them). */
export function defineTaskKind<D extends string, S extends z.ZodType, K extends TaskKindPattern>(
  kind: TaskKind<D, S, K>,
): TaskKind<D, S, K> {
  return kind;
}

/** A generic approval: approve or reject with an optional comment. */
export const approvalTaskKind = defineTaskKind({
  kind: 'approval',
  description: 'Approve or reject, with an optional comment',
  decisions: ['approve', 'reject'],
  data: z.object({ comment: multilineText({ max: 2000 }).optional() }).strict(),
});

/** The kinds every deployment knows; processes add theirs to a {@link TaskKindRegistry}. */
export const PLATFORM_TASK_KINDS: readonly TaskKind[] = [approvalTaskKind];

/** Looks up task kinds by name; unknown kinds are a programming error reported by name. */
export class TaskKindRegistry {
  private readonly kinds = new Map<string, TaskKind>();

  constructor(kinds: Iterable<TaskKind> = PLATFORM_TASK_KINDS) {
    for (const k of kinds) this.register(k);
  }

  /** Adds a kind; registering the same name twice is an error. */
  register(kind: TaskKind): this {
    if (this.kinds.has(kind.kind)) throw new Error(`task kind "${kind.kind}" is registered twice`);
    this.kinds.set(kind.kind, kind);
    return this;
  }

  /** A kind by its name, or by the name it had before the rename (a task opened by an activity retried since). */
  get(kind: string): TaskKind | undefined {
    return this.kinds.get(currentTaskKind(kind));
  }

  list(): TaskKind[] {
    return [...this.kinds.values()];
  }
}
