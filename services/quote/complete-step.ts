/**
 * Completes a workflow's open human task by its step, the way the platform's `POST /api/tasks/:id/complete`
 * does (same task row, same kind checks, same signal), for the quote and customer endpoints that act on a
 * named step (accept a quote, record an audit result). A step that is not open answers 409.
 */
import { ZodError } from 'zod';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ServiceDeps } from '../../infra/http/service-deps';
import type { Actor } from '../../infra/auth/sessions';
import { AppError, ConflictError, ForbiddenError } from '../../infra/http/errors';
import { completeTask, findTaskByStep } from '../../infra/db/repositories/tasks';
import { recordAudit } from '../../infra/db/repositories/audit';
import type { Task, TaskCompletion } from '../../domain/tasks/task';
import { taskCompletedSignal } from '../../workflows/shared/task-signals';

/** Completes the open task of (workflowId, step) as `actor`; returns the completed task. */
export async function completeStep(
  deps: Pick<ServiceDeps, 'db' | 'temporal' | 'taskKinds' | 'logger'>,
  actor: Actor,
  workflowId: string,
  step: string,
  decision: string,
  data: Record<string, unknown>,
): Promise<Task> {
  const task = await findTaskByStep(deps.db, workflowId, step);
  if (!task || task.status !== 'open') throw new ConflictError(`the step "${step}" is not open${task ? ` (it is ${task.status})` : ''}`);
  const kind = deps.taskKinds.get(task.kind);
  if (!kind) throw new Error(`task ${task.id} has kind "${task.kind}", which no process registered`);
  if (actor.role !== task.role && !kind.alsoAllowed?.includes(actor.role)) throw new ForbiddenError(`this step is for the ${task.role} role`);
  if (!(kind.decisions as readonly string[]).includes(decision)) {
    throw new AppError('validation_failed', `decision: must be one of ${kind.decisions.join(', ')}`, 'decision');
  }
  const parsed = kind.data.safeParse(data);
  if (!parsed.success) throw new ZodError(parsed.error.issues);
  const clean = (parsed.data ?? {}) as Record<string, unknown>;
  const completedAt = new Date();
  return deps.db.transaction().execute(async (trx) => {
    const done = await completeTask(trx, task.id, { decision, data: clean, completedBy: actor.userId, completedAt });
    if (!done) throw new ConflictError(`the step "${step}" was completed by someone else just now`);
    await recordAudit(trx, {
      actorId: actor.userId,
      actorRole: actor.role,
      action: 'task.complete',
      entityType: 'task',
      entityId: task.id,
      before: { status: task.status },
      after: { status: done.status, decision, data: clean },
    });
    const completion: TaskCompletion = {
      taskId: task.id,
      step,
      decision,
      data: clean,
      completedBy: { userId: actor.userId, email: actor.email, role: actor.role },
      completedAt: completedAt.toISOString(),
    };
    // Signalled inside the transaction: if the workflow cannot be told, the completion rolls back.
    try {
      await deps.temporal.workflow.getHandle(workflowId).signal(taskCompletedSignal, completion);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new ConflictError('the process waiting for this step has already finished');
      deps.logger.error({ err: error, taskId: task.id }, 'signalling the step completion failed');
      throw new AppError('unavailable', 'the workflow engine is unreachable; try again shortly');
    }
    return done;
  });
}
