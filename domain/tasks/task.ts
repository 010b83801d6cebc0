import type { Role } from './roles';

/** Life of a human task: open until someone completes it, or the workflow cancels it. */
export type TaskStatus = 'open' | 'completed' | 'cancelled';

/** A piece of work waiting for a person, owned by one workflow step. */
export interface Task {
  id: string;
  workflowId: string;
  step: string;
  kind: string;
  title: string;
  role: Role;
  caseType: string;
  caseId: string;
  customerId: string | null;
  status: TaskStatus;
  payload: Record<string, unknown>;
  dueAt: Date | null;
  remindAt: Date | null;
  escalateAt: Date | null;
  remindedAt: Date | null;
  escalatedAt: Date | null;
  decision: string | null;
  data: Record<string, unknown> | null;
  completedBy: string | null;
  completedAt: Date | null;
  createdAt: Date;
}

/** Who completed a task, as the workflow records it. */
export interface TaskActor {
  userId: string;
  email: string;
  role: Role;
}

/** What the owning workflow receives when a person completes its task. */
export interface TaskCompletion {
  taskId: string;
  step: string;
  decision: string;
  data: Record<string, unknown>;
  completedBy: TaskActor;
  /** ISO timestamp. */
  completedAt: string;
}

/** True when an open task is past its due time at `now`. */
export function isOverdue(task: Pick<Task, 'status' | 'dueAt'>, now: Date): boolean {
  return task.status === 'open' && task.dueAt !== null && task.dueAt.getTime() < now.getTime();
}
