/**
 * The one way a person completes a workflow's human task. `POST /api/tasks/:id/complete` and every step endpoint
 * (quote review and decision, customer audits and payment terms, order progress / inspections / payments /
 * shipments, RMA steps) find their task, check what only they know (ownership of the case, counts), then call
 * {@link completeTask}: same role, status, decision and data checks, same messages, same row + audit + signal.
 */
import { ZodError } from 'zod';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ServiceDeps } from '../../infra/http/service-deps';
import type { Actor } from '../../infra/auth/sessions';
import { AppError, BusinessRuleError, ConflictError, ForbiddenError } from '../../infra/http/errors';
import { completeTask as markTaskCompleted, findTaskByStep } from '../../infra/db/repositories/tasks';
import { recordAudit } from '../../infra/db/repositories/audit';
import type { Task, TaskCompletion } from '../../domain/tasks/task';
import { taskCompletedSignal } from '../../workflows/shared/task-signals';

/** What completing a task needs from the service's dependencies. */
import { checkSecondApprover, fourEyesRequestOf } from '../../domain/tasks/four-eyes';
import type { Role } from '../../domain/tasks/roles';
export type TaskCompletionDeps = Pick<ServiceDeps, 'db' | 'temporal' | 'taskKinds' | 'logger'>;

/**
 * Completes `task` as `actor` with `decision` and `data`, checked against the task's kind: the actor holds the
 * task's role (or one the kind also allows: 403), the task is open (409), the decision is one of the kind's
 * (400, field `decision`) and `data` matches the kind's schema (400, field `data.<path>`). The task row, its
 * audit entry and the workflow's `taskCompleted` signal go together; a refused completion changes nothing.
 * Returns the completed task. The caller has already checked that the actor may see the task's case.
 */
export async function completeTask(
  deps: TaskCompletionDeps,
  actor: Actor,
  task: Task,
  decision: string,
  data: unknown,
): Promise<Task> {
  const kind = assertMayComplete(deps, actor, task);
  if (!(kind.decisions as readonly string[]).includes(decision)) {
    throw new AppError('validation_failed', `decision: must be one of ${kind.decisions.join(', ')}`, 'decision');
  }
  const parsed = kind.data.safeParse(data);
  if (!parsed.success)
    throw new ZodError(parsed.error.issues.map((issue) => ({ ...issue, path: ['data', ...issue.path] })));
  const clean = (parsed.data ?? {}) as Record<string, unknown>;
  const problem = kind.check?.(clean, task.payload ?? {}, decision);
  if (problem) throw new BusinessRuleError(`data.${problem.field}: ${problem.message}`, `data.${problem.field}`);
  const completedAt = new Date();

  return deps.db.transaction().execute(async (trx) => {
    const done = await markTaskCompleted(trx, task.id, {
      decision,
      data: clean,
      completedBy: actor.userId,
      completedAt,
    });
    if (!done) throw new ConflictError('task was completed by someone else just now');
    await recordAudit(trx, {
      actorId: actor.userId,
      actorRole: actor.role,
      action: 'task.complete',
      entityType: 'task',
      entityId: task.id,
      before: { status: task.status },
      after: { status: done.status, decision: done.decision, data: done.data },
    });
    const completion: TaskCompletion = {
      taskId: task.id,
      step: task.step,
      decision,
      data: clean,
      completedBy: { userId: actor.userId, email: actor.email, role: actor.role },
      completedAt: completedAt.toISOString(),
    };
    // Signalled inside the transaction: if the workflow cannot be told, the completion is rolled back and the
    // person can retry; if the commit fails after the signal, the workflow closes the task itself.
    try {
      await deps.temporal.workflow.getHandle(task.workflowId).signal(taskCompletedSignal, completion);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError)
        throw new ConflictError('the process waiting for this task has already finished');
      deps.logger.error({ err: error, taskId: task.id }, 'signalling the task completion failed');
      throw new AppError('unavailable', 'the workflow engine is unreachable; try again shortly');
    }
    return done;
  });
}

/**
 * The checks of {@link completeTask} that do not depend on the decision: the actor holds the task's role (or one the
 * kind also allows: 403), is not the requester of a four-eyes task (403), and the task is open (409). An endpoint that
 * writes rows before completing a task calls this first, so a refused request writes nothing.
 */
export function assertMayComplete(deps: Pick<TaskCompletionDeps, 'taskKinds'>, actor: Actor, task: Task) {
  const kind = deps.taskKinds.get(task.kind);
  if (!kind) throw new Error(`task ${task.id} has kind "${task.kind}", which no process registered`);
  if (actor.role !== task.role && !kind.alsoAllowed?.includes(actor.role))
    throw new ForbiddenError(`this task is for the ${task.role} role`);
  // Four eyes: a task that decides on someone's request (or pays out what they approved) names them; they cannot
  // complete it themselves.
  const request = fourEyesRequestOf(task.payload, `"${task.title}"`, [task.role as Role, ...(kind.alsoAllowed ?? [])]);
  if (request) {
    const approver = checkSecondApprover(request, actor);
    if (!approver.ok) throw new ForbiddenError(approver.reason);
  }
  if (task.status !== 'open') throw new ConflictError(`task is already ${task.status}`);
  return kind;
}

/** Completes the open task of (workflowId, step) with {@link completeTask}; 409 when that step is not open. */
export async function completeOpenStep(
  deps: TaskCompletionDeps,
  actor: Actor,
  workflowId: string,
  step: string,
  decision: string,
  data: unknown,
): Promise<Task> {
  const task = await findTaskByStep(deps.db, workflowId, step);
  if (!task || task.status !== 'open')
    throw new ConflictError(`the step "${step}" is not open${task ? ` (it is ${task.status})` : ''}`);
  return completeTask(deps, actor, task, decision, data);
}
