import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { TaskCompletion } from '../../domain/tasks/task';

/**
 * Sent by `POST /api/tasks/:id/complete` to the workflow that owns the task. Defined once: the API and every
 * workflow import this object.
 */
export const taskCompletedSignal = defineSignal<[TaskCompletion]>('taskCompleted');

/** The steps a workflow is waiting on right now, with their reminder/escalation state. */
export const pendingTasksQuery = defineQuery<PendingTaskView[]>('pendingTasks');

/** One wait as the pendingTasks query shows it. */
export interface PendingTaskView {
  step: string;
  kind: string;
  role: string;
  taskId: string | null;
  reminded: boolean;
  escalated: boolean;
}
